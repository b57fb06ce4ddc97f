# attack: a hand-written reply frame whose JSON is nested 200 000 levels deep, so that parsing it
#   on the trusted side overflows the recursion limit
# expect: an unreadable reply, the process killed; the grader itself does not crash
# exercise: numpy_rnn
# message: sent an unreadable reply
import os
import struct
import time


def rnn_forward(*args, **kwargs):
    doc = b'{"ok": true, "value": ' + b"[" * 200_000 + b"]" * 200_000 + b', "blob_sizes": []}'
    os.write(3, struct.pack(">QI", len(doc), len(doc)) + doc)
    time.sleep(300)


def init_rnn_params(*args, **kwargs):
    raise NotImplementedError


rnn_cell_step = rnn_weights_from_torch = init_rnn_params
