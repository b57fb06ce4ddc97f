# attack: a hand-written 24 MB reply whose JSON is eight million empty lists: no blob, so no
#   array limit applies, and parsing it costs 35 times its size in memory and longer than the
#   submission's whole time budget
# expect: the JSON part of a reply is capped far below the reply limit (arrays travel as blobs):
#   refused from its 12-byte head, never parsed; zero
# exercise: numpy_rnn
# message: sent an unreadable reply
import os
import socket
import struct


def rnn_forward(*args, **kwargs):
    doc = b'{"ok": true, "value": [' + b"[]," * 8_000_000 + b'[]], "blob_sizes": []}'
    socket.socket(fileno=3).sendall(struct.pack(">QI", len(doc), len(doc)) + doc)
    os._exit(0)  # the forged reply is read all the same


def init_rnn_params(*args, **kwargs):
    raise NotImplementedError


rnn_cell_step = rnn_weights_from_torch = init_rnn_params
