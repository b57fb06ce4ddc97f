# attack: changing the kit from inside: opening for writing (without writing a byte) the files it
#   can see of the kit (autograder/), of numpy and of the venv, and creating a file in each of
#   their folders (at most about 1500 paths per root)
# expect: everything fails (read-only mounts, hidden paths, another user); the kit is unchanged; zero
# exercise: numpy_rnn
# message: could write nothing
import os
import sys

import autograder
import numpy

roots = [os.path.dirname(autograder.__file__), os.path.dirname(numpy.__file__), sys.prefix, "/work/main"]
paths = []
for root in roots:
    for folder, dirs, files in os.walk(root):
        paths += [folder] + [os.path.join(folder, f) for f in files]
        if len(paths) > 1500 * (roots.index(root) + 1):
            break
writable = []
for path in paths:
    try:
        if os.path.isdir(path):
            fd = os.open(os.path.join(path, "hostile-was-here"), os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        else:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        os.close(fd)
        writable.append(path)
    except OSError:
        pass
print(f"tried {len(paths)} paths; writable: {writable[:20]}")


def init_rnn_params(*args, **kwargs):
    raise PermissionError(f"could write {writable[:5]}" if writable else "could write nothing")


rnn_cell_step = rnn_forward = rnn_weights_from_torch = init_rnn_params
