# attack: a fork loop (bounded at 200) whose children all sleep: RLIMIT_NPROC must stop it
# expect: fork fails after about MAX_PROCESSES children; none of them outlives grading
# exercise: numpy_rnn
# message: forked
import os
import time


def init_rnn_params(*args, **kwargs):
    forked = 0
    for _ in range(200):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            time.sleep(300)
            os._exit(0)
        forked += 1
    raise RuntimeError(f"forked {forked} children")


rnn_cell_step = rnn_forward = rnn_weights_from_torch = init_rnn_params
