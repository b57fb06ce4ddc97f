# attack: a hand-written reply frame holding an nn.RNN whose configuration has keys no nn.RNN has
#   (device="meta", dtype, proj_size), so that a grader passing the configuration on builds a
#   module whose weights live nowhere, or one bigger than it looks
# expect: only the known keys of each module type are accepted; the reply is unreadable; zero and a
#   plain message, never "please tell your instructor"
# exercise: rnn_shapes
# message: returned data the grader cannot read
# message: unknown configuration key
import json
import os
import struct


def make_rnn(*args, **kwargs):
    config = {"input_size": 5, "hidden_size": 8, "num_layers": 1, "bias": True, "batch_first": True,
              "dropout": 0.0, "bidirectional": False, "nonlinearity": "tanh",
              "device": "meta", "dtype": "float16", "proj_size": 4096}
    module = {"type": "RNN", "base": "RNN", "config": config, "tensors": {}, "children": {}}
    doc = json.dumps({"ok": True, "value": {"__module__": module}, "blob_sizes": []}).encode()
    os.write(3, struct.pack(">QI", len(doc), len(doc)) + doc)
    os._exit(0)  # the forged reply is read all the same


def rnn_output_shapes(*args, **kwargs):
    raise NotImplementedError
