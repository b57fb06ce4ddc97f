# attack: hand-written array replies of a few bytes whose dtype has no size (a structured dtype
#   with no fields, and 'V0') and whose shape claims a billion elements: no data to send, yet
#   a grader that loads or converts them allocates a gigabyte
# expect: only numeric dtypes of their normal size are read, and a shape must match the blob's own
#   byte length before anything is allocated; the reply is unreadable; zero
# exercise: numpy_rnn
# message: returned data the grader cannot read
import json
import os
import struct


def _forge(dtype):
    value = {"__ndarray__": 0, "dtype": dtype, "shape": [1_000_000_000]}
    doc = json.dumps({"ok": True, "value": value, "blob_sizes": [0]}).encode()
    os.write(3, struct.pack(">QI", len(doc), len(doc)) + doc)
    os._exit(0)  # the forged reply is read all the same


def rnn_forward(*args, **kwargs):
    _forge([])


def rnn_cell_step(*args, **kwargs):
    _forge("|V0")


def init_rnn_params(*args, **kwargs):
    _forge([["a", "|V0"], ["b", "|V0"]])


def rnn_weights_from_torch(*args, **kwargs):
    raise NotImplementedError
