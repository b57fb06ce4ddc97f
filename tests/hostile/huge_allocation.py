# attack: one huge allocation (8 TiB) in rnn_forward and a 64 GiB bytearray in init_rnn_params
# expect: RLIMIT_AS turns them into MemoryError at once; no memory is actually used
# exercise: numpy_rnn
# message: raised MemoryError
import numpy as np


def rnn_forward(*args, **kwargs):
    return np.ones(2**40)


def init_rnn_params(*args, **kwargs):
    return bytearray(2**36)


def rnn_cell_step(*args, **kwargs):
    raise NotImplementedError


rnn_weights_from_torch = rnn_cell_step
