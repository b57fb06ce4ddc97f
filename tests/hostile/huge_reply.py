# attack: returning a 400 MB array (over MAX_MESSAGE_BYTES = 256 MB)
# expect: the trusted side refuses the reply after reading its 12-byte head (it never allocates it)
# exercise: numpy_rnn
# limits: CALL_TIMEOUT_S=15 SUBMISSION_BUDGET_S=20 (building a 400 MB reply takes seconds on a busy machine)
# message: rnn_forward stopped the submission's process: it sent an unreadable reply
import numpy as np


def rnn_forward(*args, **kwargs):
    return np.zeros(400 * 2**20, dtype=np.uint8)


def init_rnn_params(*args, **kwargs):
    raise NotImplementedError


rnn_cell_step = rnn_weights_from_torch = init_rnn_params
