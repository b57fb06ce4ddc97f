# attack: os._exit(3) inside rnn_cell_step (kills the sandboxed process mid-call)
# expect: that call fails with the exit status; the other functions' tests fail on their own
# exercise: numpy_rnn
# message: rnn_cell_step stopped the submission's process: it exited with status 3
import os


def rnn_cell_step(*args, **kwargs):
    os._exit(3)


def init_rnn_params(*args, **kwargs):
    raise NotImplementedError


rnn_forward = rnn_weights_from_torch = init_rnn_params
