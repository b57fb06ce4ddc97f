# attack: fork 8 children that sleep holding the socket (fd 3) and stdout/stderr open, then
#   os._exit in the parent: the grader must not wait for the children to close the pipes
# expect: the death is seen at once ("exited with status 0"); no child outlives grading
# exercise: numpy_rnn
# message: rnn_forward stopped the submission's process: it exited with status 0
import os
import time


def rnn_forward(*args, **kwargs):
    for _ in range(8):
        if os.fork() == 0:
            time.sleep(300)
            os._exit(0)
    os._exit(0)


def init_rnn_params(*args, **kwargs):
    for _ in range(2):
        if os.fork() == 0:  # these sleep on while the process answers other calls
            time.sleep(300)
            os._exit(0)
    raise NotImplementedError


rnn_cell_step = rnn_weights_from_torch = init_rnn_params
