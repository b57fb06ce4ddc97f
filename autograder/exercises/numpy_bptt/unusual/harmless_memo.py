# Unusual: harmless state between calls: rnn_backward memoises its results in a module-level dict
# keyed on the bytes, shapes and dtypes of ALL its arguments and hands out copies; a global counter
# counts the calls; rnn_cell_step_backward computes tanh's derivative from z = arctanh(h_t)
# (1 / cosh(z)**2); numerical_gradient uses a vectorised batch of moved copies.
import numpy as np

_MEMO = {}
CALLS = {"rnn_backward": 0}


def numerical_gradient(f, x, eps=1e-5):
    base = np.asarray(x, dtype=np.float64)
    directions = np.eye(base.size).reshape((base.size, *base.shape)) * eps
    plus = np.array([f(base + d) for d in directions])
    minus = np.array([f(base - d) for d in directions])
    return ((plus - minus) / (2 * eps)).reshape(base.shape)


def rnn_cell_step_backward(dh, x_t, h_prev, h_t, Wx, Wh):
    dz = dh / np.cosh(np.arctanh(h_t)) ** 2
    return Wx.T @ dz, Wh.T @ dz, np.outer(dz, x_t), np.outer(dz, h_prev), dz


def _key(*arrays):
    return tuple(None if a is None else (np.shape(a), np.asarray(a).dtype.str, np.asarray(a).tobytes())
                 for a in arrays)


def rnn_backward(dstates, inputs, states, Wx, Wh, h0=None):
    CALLS["rnn_backward"] += 1
    key = _key(dstates, inputs, states, Wx, Wh, h0)
    if key not in _MEMO:
        T, hidden = states.shape
        start = np.zeros(hidden) if h0 is None else h0
        dinputs, dh = np.zeros((T, Wx.shape[1])), np.zeros(hidden)
        dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(hidden)
        for t in range(T - 1, -1, -1):
            dinputs[t], dh, gx, gh, gb = rnn_cell_step_backward(
                dstates[t] + dh, inputs[t], states[t - 1] if t > 0 else start, states[t], Wx, Wh)
            dWx, dWh, db = dWx + gx, dWh + gh, db + gb
        _MEMO[key] = (dinputs, dh, dWx, dWh, db)
    return tuple(a.copy() for a in _MEMO[key])
