# Unusual: every input goes through np.asarray(..., dtype=np.float64) first, so one-hot int and
# float32 inputs are computed in float64; rnn_forward preallocates its float64 output and fills it
# row by row; h0 is copied before the loop; init takes its seed positionally or by keyword and
# tests `seed is None` itself (seed 0 is a seed) before building the generator.
import numpy as np


def _f64(a):
    return np.asarray(a, dtype=np.float64)


def init_rnn_params(input_size, hidden_size, seed=None):
    rng = np.random.default_rng() if seed is None else np.random.default_rng(int(seed))
    return (rng.normal(0.0, 0.3, (hidden_size, input_size)), rng.normal(0.0, 0.3, (hidden_size, hidden_size)),
            np.zeros(hidden_size, dtype=np.float64))


def rnn_cell_step(x_t, h_prev, Wx, Wh, b):
    return np.tanh(_f64(Wx) @ _f64(x_t) + _f64(Wh) @ _f64(h_prev) + _f64(b))


def rnn_forward(inputs, Wx, Wh, b, h0=None):
    inputs = _f64(inputs)
    hidden = np.shape(Wh)[0]
    out = np.zeros((inputs.shape[0], hidden), dtype=np.float64)
    h = np.zeros(hidden) if h0 is None else _f64(h0).copy()
    for t in range(inputs.shape[0]):
        h = rnn_cell_step(inputs[t], h, Wx, Wh, b)
        out[t, :] = h
    return out


def rnn_weights_from_torch(rnn):
    return tuple(_f64(getattr(rnn, name).detach()) for name in ("weight_ih_l0", "weight_hh_l0")) + \
        (_f64(rnn.bias_ih_l0.detach()) + _f64(rnn.bias_hh_l0.detach()),)
