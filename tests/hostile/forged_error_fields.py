# attack: hand-written error replies whose fields (the exception's type, message and traceback,
#   the missing name, the type of a non-callable) are 300 KB each, so that every test's
#   message carries a megabyte into the reports
# expect: each error field is cut on the trusted side before it is put into a message; zero
# exercise: numpy_rnn
# message: characters not shown
import json
import os
import socket
import struct

BIG = "E" * 300_000


def _forge(error):
    doc = json.dumps({"ok": False, "error": error, "blob_sizes": []}).encode()
    socket.socket(fileno=3).sendall(struct.pack(">QI", len(doc), len(doc)) + doc)
    os._exit(0)  # the forged reply is read all the same


def rnn_forward(*args, **kwargs):
    _forge({"kind": "exception", "type": BIG, "message": BIG, "traceback": BIG})


def rnn_cell_step(*args, **kwargs):
    _forge({"kind": "missing", "name": BIG})


def init_rnn_params(*args, **kwargs):
    _forge({"kind": "not_callable", "type": BIG})


def rnn_weights_from_torch(*args, **kwargs):
    _forge({"kind": "internal", "type": BIG, "message": BIG})
