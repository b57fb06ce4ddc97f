# Unusual: rnn_backward is a functools.reduce over the reversed time steps with an immutable tuple
# accumulator (no array is ever updated in place); states are padded with h0 in front using
# np.vstack so h_prev is simply padded[t]; numerical_gradient is a list comprehension over
# np.ndindex building each moved point with np.where on a boolean mask (x untouched).
import functools

import numpy as np


def numerical_gradient(f, x, eps=1e-5):
    x = np.asarray(x, dtype=np.float64)
    positions = np.indices(x.shape).reshape(x.ndim, -1).T

    def partial(index):
        mask = np.zeros(x.shape, dtype=bool)
        mask[tuple(index)] = True
        return (f(np.where(mask, x + eps, x)) - f(np.where(mask, x - eps, x))) / (2 * eps)

    return np.array([partial(i) for i in positions], dtype=np.float64).reshape(x.shape)


def rnn_cell_step_backward(dh, x_t, h_prev, h_t, Wx, Wh):
    dz = dh * (1 - np.power(h_t, 2))
    return np.matmul(Wx.T, dz), np.matmul(Wh.T, dz), np.outer(dz, x_t), np.outer(dz, h_prev), dz


def rnn_backward(dstates, inputs, states, Wx, Wh, h0=None):
    hidden = Wh.shape[0]
    padded = np.vstack([np.zeros(hidden) if h0 is None else h0, states])   # h_0, h_1, ..., h_T

    def back(acc, t):
        rows, dh, gx, gh, gb = acc
        dx, dh_prev, sx, sh, sb = rnn_cell_step_backward(dstates[t] + dh, inputs[t], padded[t],
                                                         padded[t + 1], Wx, Wh)
        return (dx,) + rows, dh_prev, gx + sx, gh + sh, gb + sb

    start = ((), np.zeros(hidden), np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(hidden))
    rows, dh0, dWx, dWh, db = functools.reduce(back, reversed(range(len(states))), start)
    return np.array(rows).reshape(inputs.shape), dh0, dWx, dWh, db
