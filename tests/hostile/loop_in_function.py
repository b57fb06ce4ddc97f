# attack: rnn_forward loops forever (busy, no system calls)
# expect: one timeout, then rnn_forward is not called again; its tests say "did not return within"
# exercise: numpy_rnn
# message: rnn_forward did not return within
def rnn_forward(inputs, Wx, Wh, b, h0=None):
    while True:
        pass


def init_rnn_params(*args, **kwargs):
    raise NotImplementedError


rnn_cell_step = rnn_weights_from_torch = init_rnn_params
