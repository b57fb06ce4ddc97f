# attack: closing its own request socket (fd 3), then sleeping instead of exiting
# expect: the grader sees the closed connection, stops the process at once (no wait for the
#   timeout) and says so
# exercise: numpy_rnn
# message: rnn_forward stopped the submission's process: it closed its connection to the grader
import os
import time


def rnn_forward(*args, **kwargs):
    os.close(3)
    time.sleep(300)


def init_rnn_params(*args, **kwargs):
    raise NotImplementedError


rnn_cell_step = rnn_weights_from_torch = init_rnn_params
