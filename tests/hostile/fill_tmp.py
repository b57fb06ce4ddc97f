# attack: filling /tmp, /var/tmp and /dev/shm (8 MB writes, at most 40 per folder)
# expect: the private tmpfs (SCRATCH_BYTES) fills and writes fail; the host's /tmp is untouched; zero
# exercise: numpy_rnn
import os

block = b"\0" * (8 * 2**20)
for folder in ("/tmp", "/var/tmp", "/dev/shm"):
    written = 0
    for i in range(40):
        try:
            with open(os.path.join(folder, f"hostile-fill-{i}"), "wb") as handle:
                handle.write(block)
            written += len(block)
        except OSError as error:
            print(f"{folder}: {error.strerror} after {written} bytes")
            break


def init_rnn_params(*args, **kwargs):
    raise NotImplementedError


rnn_cell_step = rnn_forward = rnn_weights_from_torch = init_rnn_params
