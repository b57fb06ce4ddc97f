# attack: while being loaded, writing its own "load finished" reply to fd 3 whose blob sizes are
#   Infinity and 1e999 (Python's json reads both as a float infinity, which int() cannot take),
#   then spinning, and forking spinners, so that a reply the grader chokes on leaves them running
# expect: a number JSON does not have, or one out of range, makes the frame unreadable: the process
#   and everything it forked are stopped at once, every test says so, and no grader crashes
# exercise: numpy_rnn
# message: running the submission stopped the process: it sent an unreadable reply
import os
import struct

doc = b'{"ok": true, "cell_errors": [], "blob_sizes": [Infinity, 1e999]}'
os.write(3, struct.pack(">QI", len(doc), len(doc)) + doc)
for _ in range(8):
    if os.fork() == 0:
        break
while True:
    pass
