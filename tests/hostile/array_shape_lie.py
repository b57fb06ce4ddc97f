# attack: hand-written array replies whose shape lies about the data: a float64 shape of 1e6 x 1e6
#   over 8 bytes, a shape whose element count overflows int64 (2**62 x 2**62) to a small number,
#   and a negative dimension
# expect: the element count is computed exactly and must match the blob's byte length; the reply is
#   unreadable; zero
# exercise: numpy_rnn
# message: returned data the grader cannot read
import json
import os
import struct


def _forge(shape, blob):
    value = {"__ndarray__": 0, "dtype": "<f8", "shape": shape}
    doc = json.dumps({"ok": True, "value": value, "blob_sizes": [len(blob)]}).encode()
    os.write(3, struct.pack(">QI", len(doc) + len(blob), len(doc)) + doc + blob)
    os._exit(0)  # the forged reply is read all the same


def rnn_forward(*args, **kwargs):
    _forge([1_000_000, 1_000_000], bytes(8))


def rnn_cell_step(*args, **kwargs):
    _forge([2**62, 2**62, 4], b"")


def init_rnn_params(*args, **kwargs):
    _forge([-1, 4], bytes(32))


def rnn_weights_from_torch(*args, **kwargs):
    raise NotImplementedError
