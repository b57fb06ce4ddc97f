# attack: SIGTERM, SIGINT, SIGHUP, SIGALRM and SIGUSR1 ignored, then sleeping forever in a function
# expect: the call times out and the process is killed anyway (SIGKILL cannot be ignored)
# exercise: numpy_rnn
# message: init_rnn_params did not return within
import signal
import time

for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM, signal.SIGUSR1):
    signal.signal(sig, signal.SIG_IGN)


def init_rnn_params(*args, **kwargs):
    while True:
        try:
            time.sleep(3600)
        except BaseException:
            pass


def rnn_cell_step(*args, **kwargs):
    raise NotImplementedError


rnn_forward = rnn_weights_from_torch = rnn_cell_step
