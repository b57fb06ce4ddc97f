# attack: 50 MB printed at load time and more from every call (stdout and stderr)
# expect: output is drained (nothing blocks) and only its head is kept in the report
# exercise: numpy_rnn
# message: is not implemented yet
import sys

line = "x" * 1023 + "\n"
for _ in range(25 * 1024):
    sys.stdout.write(line)
    sys.stderr.write(line)


def init_rnn_params(*args, **kwargs):
    sys.stdout.write(line * 1024)
    raise NotImplementedError("flooded")


rnn_cell_step = rnn_forward = rnn_weights_from_torch = init_rnn_params
