# attack: writing garbage to the request socket (fd 3) instead of a reply: random bytes in
#   rnn_forward, a well-formed head announcing a body that never comes in rnn_cell_step, and
#   a frame whose JSON is not a reply in init_rnn_params
# expect: "sent an unreadable reply" (or a timeout for the missing body); never a grader crash
# exercise: numpy_rnn
# message: sent an unreadable reply
import os
import struct
import time


def rnn_forward(*args, **kwargs):
    os.write(3, os.urandom(4096))
    time.sleep(300)


def rnn_cell_step(*args, **kwargs):
    os.write(3, struct.pack(">QI", 1000, 10) + b"{")
    time.sleep(300)


def init_rnn_params(*args, **kwargs):
    doc = b'{"ok": true, "value": {"__nonsense__": 1}, "blob_sizes": [99999]}'
    os.write(3, struct.pack(">QI", len(doc), len(doc)) + doc)
    time.sleep(300)


def rnn_weights_from_torch(*args, **kwargs):
    raise NotImplementedError
