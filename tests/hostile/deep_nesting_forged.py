# attack: hand-written replies nested 300 levels deep, below what the JSON parser refuses but far
#   beyond what encode() ever sends: tuples in tuples, and a module whose children nest 300 deep
# expect: the decoder counts depth (wire.MAX_DEPTH) as it goes; the reply is unreadable; zero
# exercise: rnn_shapes
# message: returned data the grader cannot read
import json
import os
import socket
import struct


def _forge(value):
    doc = json.dumps({"ok": True, "value": value, "blob_sizes": []}).encode()
    socket.socket(fileno=3).sendall(struct.pack(">QI", len(doc), len(doc)) + doc)
    os._exit(0)  # the forged reply is read all the same


def rnn_output_shapes(*args, **kwargs):
    value = 1
    for _ in range(300):
        value = {"__tuple__": [value]}
    _forge([value, value])


def make_rnn(*args, **kwargs):
    module = {"type": "RNN", "base": "", "config": {}, "tensors": {}, "children": {}}
    for _ in range(300):
        module = {"type": "M", "base": "", "config": {}, "tensors": {}, "children": {"c": module}}
    _forge({"__module__": module})
