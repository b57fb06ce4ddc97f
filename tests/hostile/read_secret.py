# attack: reading a secret from the grader's environment: os.environ, /proc/self/environ,
#   /proc/1/environ and a scan of its own stack, where a process's original environment lives
# expect: the secret (AUTOGRADER_TEST_SECRET, set by the tests) is nowhere: not in the output,
#   not in any message; zero
# exercise: numpy_rnn
import ctypes
import os

seen = dict(os.environ)
for path in ("/proc/self/environ", "/proc/1/environ"):
    try:
        seen[path] = open(path, "rb").read().decode("latin-1")
    except OSError as error:
        seen[path] = str(error)
for line in open("/proc/self/maps"):
    if "[stack]" in line:
        start, end = (int(x, 16) for x in line.split()[0].split("-"))
        stack = ctypes.string_at(start, end - start)
        at = stack.find(b"AUTOGRADER_TEST_SECRET")
        seen["stack"] = stack[at:at + 80].decode("latin-1") if at >= 0 else "not found"
print(seen)


def init_rnn_params(*args, **kwargs):
    return str(seen)  # shows in the message (which quotes what came back)


def rnn_cell_step(*args, **kwargs):
    raise NotImplementedError(str(seen))


rnn_forward = rnn_weights_from_torch = rnn_cell_step
