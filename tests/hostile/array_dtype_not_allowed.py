# attack: hand-written array replies of dtypes that are not numbers of a normal size: a 4 GB unicode
#   itemsize ('<U1000000000'), a structured dtype with fields, datetime64, float128
# expect: only bool, int, uint, float and complex of their usual sizes are read; the reply is
#   unreadable; zero
# exercise: numpy_rnn
# message: returned data the grader cannot read
import json
import os
import struct


def _forge(dtype, blob):
    value = {"__ndarray__": 0, "dtype": dtype, "shape": [len(blob) // 16]}
    doc = json.dumps({"ok": True, "value": value, "blob_sizes": [len(blob)]}).encode()
    os.write(3, struct.pack(">QI", len(doc) + len(blob), len(doc)) + doc + blob)
    os._exit(0)  # the forged reply is read all the same


def rnn_forward(*args, **kwargs):
    _forge("<U1000000000", bytes(16))


def rnn_cell_step(*args, **kwargs):
    _forge([["x", "<f8"], ["y", "<i4"]], bytes(48))


def init_rnn_params(*args, **kwargs):
    _forge("<M8[s]", bytes(32))


def rnn_weights_from_torch(*args, **kwargs):
    _forge("<f16", bytes(64))
