# attack: finding the folder where a class run's workers share their naming replays
#   (/tmp/autograder-replays-*, also through other processes' /proc/PID/root) and writing forged
#   replay files into it, so that another student's failures are named as the forger chooses
# expect: no such folder can be seen or written (the pool shares one only when sandboxes run as
#   other users, and hides it from them); zero, and the folder is left as it was
# exercise: numpy_rnn
# message: could not reach the shared replays
import glob
import os

seen, written = [], 0
for pattern in ("/tmp/autograder-replays-*", "/proc/*/root/tmp/autograder-replays-*"):
    for folder in glob.glob(pattern):
        seen.append(folder)
        try:
            with open(os.path.join(folder, "0" * 64 + ".replay"), "wb") as forged:
                forged.write(b"\0" * 12)
            written += 1
        except OSError:
            pass
print(f"replay folders seen: {len(seen)}, written: {written}")


def init_rnn_params(*args, **kwargs):
    raise PermissionError("could not reach the shared replays")


rnn_cell_step = rnn_forward = rnn_weights_from_torch = init_rnn_params
