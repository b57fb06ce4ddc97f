# attack: while being loaded, writing its own "load finished" reply to the request socket (fd 3),
#   with a field of the wrong type (cell_errors a number), then sleeping
# expect: the malformed reply is treated as garbage: the process is stopped, every test says so,
#   and no grader crashes with "please tell your instructor"
# exercise: numpy_rnn
# message: running the submission stopped the process: it sent an unreadable reply
import json
import os
import struct
import time

doc = json.dumps({"ok": True, "cell_errors": 5, "names": 7, "blob_sizes": []}).encode()
os.write(3, struct.pack(">QI", len(doc), len(doc)) + doc)
time.sleep(300)
