# attack: every function hangs: without a budget this would cost one timeout per function
# expect: the submission's time budget (SUBMISSION_BUDGET_S) stops it; later tests fail fast
# exercise: numpy_rnn
# message: the submission used up its time budget
# message: what was left of its time budget
def init_rnn_params(*args, **kwargs):
    while True:
        pass


rnn_cell_step = rnn_forward = rnn_weights_from_torch = init_rnn_params
