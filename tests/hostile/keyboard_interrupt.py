# attack: raise KeyboardInterrupt from every function (as if Ctrl-C had reached the grader)
# expect: each call fails with "raised KeyboardInterrupt"; the grader is not interrupted
# exercise: numpy_rnn
# message: raised KeyboardInterrupt
def init_rnn_params(*args, **kwargs):
    raise KeyboardInterrupt


rnn_cell_step = rnn_forward = rnn_weights_from_torch = init_rnn_params
