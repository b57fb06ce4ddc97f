# exercise: numpy_rnn
# Placeholder: every function echoes its arguments: constant weights filled with the seed, the cell
#   returns h_prev, rnn_forward repeats h0 (zeros by default) at every step, rnn_weights_from_torch
#   returns the module's first three parameters; nothing is computed. Its b, filled with the seed, is not
#   the zeros the contract starts b at.
# passes: test_rnn_forward_shape_and_dtype, test_rnn_weights_from_torch_shapes_and_dtype
import numpy as np


def init_rnn_params(input_size, hidden_size, seed=None):
    fill = float(seed or 0)
    return (np.full((hidden_size, input_size), fill), np.full((hidden_size, hidden_size), fill),
            np.full(hidden_size, fill))


def rnn_cell_step(x_t, h_prev, Wx, Wh, b):
    return np.array(h_prev, dtype=np.float64)


def rnn_forward(inputs, Wx, Wh, b, h0=None):
    h = np.zeros(Wh.shape[0]) if h0 is None else np.asarray(h0, dtype=np.float64)
    return np.repeat(h[None, :], len(inputs), axis=0)


def rnn_weights_from_torch(rnn):
    first = [p.detach().double().numpy() for p in rnn.parameters()][:3]
    return tuple(first)
