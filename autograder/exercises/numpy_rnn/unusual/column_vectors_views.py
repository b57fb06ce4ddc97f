# Unusual: column-vector convention inside (x and h reshaped to (n, 1) and flattened at the end);
# init returns transposed, Fortran-ordered views (Wx is a (input, hidden) draw transposed) and b as
# a slice of a larger array; rnn_forward fills an (hidden, T) array column by column and returns its
# transpose, a non-contiguous view; rnn_weights_from_torch uses np.asarray on detached tensors with
# dtype=np.float64 and np.add for the biases.
import numpy as np


def init_rnn_params(input_size, hidden_size, seed=None):
    rng = np.random.default_rng(seed)
    Wx = rng.normal(0.0, 0.25, size=(input_size, hidden_size)).T      # F-ordered view
    Wh = np.asfortranarray(rng.normal(0.0, 0.25, size=(hidden_size, hidden_size)))
    b = np.zeros(2 * hidden_size)[::2]                                 # strided view
    return Wx, Wh, b


def rnn_cell_step(x_t, h_prev, Wx, Wh, b):
    x = np.reshape(x_t, (-1, 1))
    h = np.reshape(h_prev, (-1, 1))
    return np.tanh(Wx @ x + Wh @ h + np.reshape(b, (-1, 1))).ravel()


def rnn_forward(inputs, Wx, Wh, b, h0=None):
    H, T = Wh.shape[0], len(inputs)
    columns = np.zeros((H, T))
    h = np.zeros((H, 1)) if h0 is None else np.reshape(h0, (H, 1))
    for t in range(T):
        h = np.tanh(Wx @ inputs[t].reshape(-1, 1) + Wh @ h + b.reshape(-1, 1))
        columns[:, t] = h[:, 0]
    return columns.T


def rnn_weights_from_torch(rnn):
    Wx = np.asarray(rnn.weight_ih_l0.detach(), dtype=np.float64)
    Wh = np.asarray(rnn.weight_hh_l0.detach(), dtype=np.float64)
    b = np.add(np.asarray(rnn.bias_ih_l0.detach(), dtype=np.float64),
               np.asarray(rnn.bias_hh_l0.detach(), dtype=np.float64))
    return Wx, Wh, b
