# attack: a hand-written reply frame holding an nn.RNN whose list of frozen parameters (those that
#   no longer require grad) names weights the module does not have, many times over, so that a
#   grader reading it trusts names it never checked
# expect: every frozen name must be one of the module's own weights; the reply is unreadable; zero
#   and a plain message, never "please tell your instructor"
# exercise: rnn_shapes
# message: returned data the grader cannot read
# message: frozen parameter
import json
import os
import struct


def make_rnn(*args, **kwargs):
    config = {"input_size": 5, "hidden_size": 8, "num_layers": 1, "bias": True, "batch_first": True,
              "dropout": 0.0, "bidirectional": False, "nonlinearity": "tanh"}
    module = {"type": "RNN", "base": "RNN", "config": config, "tensors": {}, "children": {},
              "frozen": ["weight_ih_l0"] * 1000}
    doc = json.dumps({"ok": True, "value": {"__module__": module}, "blob_sizes": []}).encode()
    os.write(3, struct.pack(">QI", len(doc), len(doc)) + doc)
    os._exit(0)  # the forged reply is read all the same


def rnn_output_shapes(*args, **kwargs):
    raise NotImplementedError
