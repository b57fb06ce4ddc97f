# attack: every function writes its own call reply to fd 3 whose value is an object handle numbered
#   1e999 (Python's json reads it as a float infinity, which int() cannot take), then sleeps
# expect: the reply is unreadable: the process is stopped at once (no call waits for its timeout),
#   the function is not called again, and no grader crashes with "please tell your instructor"
# exercise: numpy_rnn
# message: stopped the submission's process: it sent an unreadable reply
import os
import struct
import time


def _forge() -> None:
    doc = b'{"ok": true, "value": {"__handle__": 1e999, "type": "Net"}, "blob_sizes": []}'
    os.write(3, struct.pack(">QI", len(doc), len(doc)) + doc)
    time.sleep(60)


def init_rnn_params(*args, **kwargs):
    _forge()


rnn_cell_step = rnn_forward = rnn_weights_from_torch = init_rnn_params
