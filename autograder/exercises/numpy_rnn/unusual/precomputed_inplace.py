# Unusual: the input projections of ALL time steps are computed in one matrix product before the
# loop; the output is preallocated with np.empty and filled in place row by row (h0 itself is never
# written to); init seeds NumPy's global generator with np.random.seed and scales randn by 0.1;
# rnn_weights_from_torch reads rnn.all_weights and casts with .astype(np.float64).
import numpy as np


def init_rnn_params(input_size, hidden_size, seed=None):
    np.random.seed(seed)
    Wx = 0.1 * np.random.randn(hidden_size, input_size)
    Wh = 0.1 * np.random.randn(hidden_size, hidden_size)
    b = 0.0 * np.random.randn(hidden_size)  # zeros, float64
    return Wx, Wh, b


def rnn_cell_step(x_t, h_prev, Wx, Wh, b):
    pre = np.dot(Wx, x_t)
    pre += np.dot(Wh, h_prev)  # pre is a fresh array: adding in place touches no argument
    pre += b
    return np.tanh(pre, out=pre)


def rnn_forward(inputs, Wx, Wh, b, h0=None):
    inputs = np.asarray(inputs, dtype=np.float64)
    T, H = inputs.shape[0], Wh.shape[0]
    projected = inputs @ Wx.T + b          # (T, H): Wx x_t + b for every t at once
    out = np.empty((T, H), dtype=np.float64)
    previous = np.zeros(H) if h0 is None else h0
    for t in range(T):
        np.dot(Wh, previous, out=out[t])    # written into the output row, never into h0
        out[t] += projected[t]
        np.tanh(out[t], out=out[t])
        previous = out[t]
    return out


def rnn_weights_from_torch(rnn):
    w_ih, w_hh, b_ih, b_hh = rnn.all_weights[0]
    to64 = lambda p: p.detach().numpy().astype(np.float64)
    return to64(w_ih), to64(w_hh), to64(b_ih) + to64(b_hh)
