# attack: while being loaded, writing its own load reply to the request socket (fd 3): 20 cell
#   errors whose exception type and message are 20 KB each, reported as the submission's problems
# expect: problems are cut on the trusted side (each to config.MAX_PROBLEM_CHARS, a bounded number
#   of them); zero
# exercise: numpy_rnn
# message: characters not shown
import json
import os
import socket
import struct

errors = [{"cell": i, "kind": "exception", "type": "T" * 20_000, "message": "M" * 20_000}
          for i in range(20)]
doc = json.dumps({"ok": True, "cell_errors": errors, "blob_sizes": []}).encode()
socket.socket(fileno=3).sendall(struct.pack(">QI", len(doc), len(doc)) + doc)
os._exit(0)  # the forged reply is read all the same
