# attack: hand-written .npy blobs of dtypes that are not numbers of a normal size: a 4 GB unicode
#   itemsize ('<U1000000000'), a structured dtype with fields, datetime64, float128
# expect: only bool, int, uint, float and complex of their usual sizes are read; the reply is
#   unreadable; zero
# exercise: numpy_rnn
# message: returned data the grader cannot read
import json
import os
import struct


def _npy(descr, shape):
    header = repr({"descr": descr, "fortran_order": False, "shape": shape})
    header += " " * (-(10 + len(header) + 1) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode()


def _forge(blob):
    doc = json.dumps({"ok": True, "value": {"__ndarray__": 0}, "blob_sizes": [len(blob)]}).encode()
    os.write(3, struct.pack(">QI", len(doc) + len(blob), len(doc)) + doc + blob)
    os._exit(0)  # the forged reply is read all the same


def rnn_forward(*args, **kwargs):
    _forge(_npy("<U1000000000", (1,)) + bytes(16))


def rnn_cell_step(*args, **kwargs):
    _forge(_npy([("x", "<f8"), ("y", "<i4")], (4,)) + bytes(48))


def init_rnn_params(*args, **kwargs):
    _forge(_npy("<M8[s]", (4,)) + bytes(32))


def rnn_weights_from_torch(*args, **kwargs):
    _forge(_npy("<f16", (4,)) + bytes(64))
