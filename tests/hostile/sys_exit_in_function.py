# attack: sys.exit() in every function (SystemExit is a BaseException, not an Exception)
# expect: each call fails with "raised SystemExit"; the process survives and the grader goes on
# exercise: numpy_rnn
# message: raised SystemExit
import sys


def init_rnn_params(*args, **kwargs):
    sys.exit(0)


rnn_cell_step = rnn_forward = rnn_weights_from_torch = init_rnn_params
