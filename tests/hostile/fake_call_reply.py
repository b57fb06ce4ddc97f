# attack: functions that write their own, malformed replies to the request socket (fd 3) and then
#   sleep: an error that is a string, a value that is a bad handle
# expect: plain messages ("failed without saying how", "returned data the grader cannot read"),
#   never "please tell your instructor"; the sleeping calls time out once each; zero
# exercise: numpy_rnn
# message: init_rnn_params failed without saying how
# message: rnn_forward returned data the grader cannot read
import json
import os
import struct
import time


def _forge(reply):
    doc = json.dumps({**reply, "blob_sizes": []}).encode()
    os.write(3, struct.pack(">QI", len(doc), len(doc)) + doc)
    time.sleep(300)


def init_rnn_params(*args, **kwargs):
    _forge({"ok": False, "error": "not a dict"})


def rnn_forward(*args, **kwargs):
    _forge({"ok": True, "value": {"__handle__": "not a number"}})


def rnn_cell_step(*args, **kwargs):
    raise NotImplementedError


rnn_weights_from_torch = rnn_cell_step
