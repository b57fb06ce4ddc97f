# attack: hand-written .npy blobs of about 130 bytes whose dtype has no size (a structured dtype
#   with no fields, and 'V0') and whose shape claims a billion elements: no data to send, yet
#   a grader that loads or converts them allocates a gigabyte
# expect: only numeric dtypes of their normal size are read, and a shape must match the blob's own
#   byte length before anything is allocated; the reply is unreadable; zero
# exercise: numpy_rnn
# message: returned data the grader cannot read
import json
import os
import struct


def _npy(descr, shape):
    header = repr({"descr": descr, "fortran_order": False, "shape": shape})
    header += " " * (-(10 + len(header) + 1) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode()


def _forge(descr):
    blob = _npy(descr, (1_000_000_000,))
    doc = json.dumps({"ok": True, "value": {"__ndarray__": 0}, "blob_sizes": [len(blob)]}).encode()
    os.write(3, struct.pack(">QI", len(doc) + len(blob), len(doc)) + doc + blob)
    os._exit(0)  # the forged reply is read all the same


def rnn_forward(*args, **kwargs):
    _forge([])


def rnn_cell_step(*args, **kwargs):
    _forge("|V0")


def init_rnn_params(*args, **kwargs):
    _forge([("a", "|V0"), ("b", "|V0")])


def rnn_weights_from_torch(*args, **kwargs):
    raise NotImplementedError
