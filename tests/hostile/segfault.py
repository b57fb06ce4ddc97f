# attack: a segmentation fault (ctypes reads address 0) inside rnn_forward
# expect: "killed by signal SIGSEGV"; the sandbox is restarted for the other functions
# exercise: numpy_rnn
# message: rnn_forward stopped the submission's process: it was killed by signal SIGSEGV
import ctypes


def rnn_forward(*args, **kwargs):
    return ctypes.string_at(0)


def init_rnn_params(*args, **kwargs):
    raise NotImplementedError


rnn_cell_step = rnn_weights_from_torch = init_rnn_params
