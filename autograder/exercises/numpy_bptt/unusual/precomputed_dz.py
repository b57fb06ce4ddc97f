# Unusual: tanh's derivative is precomputed for all steps before the loop, the input gradients of
# all steps are one product after it; the weight gradients are accumulated in place (+=) into
# arrays the function allocated itself; numerical_gradient moves x in place through a flat view
# (np.nditer, readwrite) and restores each entry from a saved copy of the whole array.
import numpy as np


def numerical_gradient(f, x, eps=1e-5):
    original = x.copy()
    grad = np.zeros(x.shape, dtype=np.float64)
    try:
        with np.nditer(x, flags=["multi_index"], op_flags=["readwrite"]) as it:
            for entry in it:
                i = it.multi_index
                entry[...] = original[i] + eps
                plus = f(x)
                entry[...] = original[i] - eps
                minus = f(x)
                entry[...] = original[i]
                grad[i] = (plus - minus) / (2 * eps)
    finally:
        np.copyto(x, original)
    return grad


def rnn_cell_step_backward(dh, x_t, h_prev, h_t, Wx, Wh):
    dz = np.multiply(dh, np.subtract(1.0, np.square(h_t)))
    return np.dot(dz, Wx), np.dot(dz, Wh), np.multiply.outer(dz, x_t), np.multiply.outer(dz, h_prev), dz


def rnn_backward(dstates, inputs, states, Wx, Wh, h0=None):
    T, hidden = states.shape
    derivative = 1.0 - states * states
    dz_all = np.empty((T, hidden))
    dWx = np.zeros(Wx.shape)
    dWh = np.zeros(Wh.shape)
    dh = np.zeros(hidden)
    for t in reversed(range(T)):
        dz = (dstates[t] + dh) * derivative[t]
        dz_all[t] = dz
        dWx += np.outer(dz, inputs[t])
        if t > 0:
            dWh += np.outer(dz, states[t - 1])
        elif h0 is not None:
            dWh += np.outer(dz, h0)
        dh = Wh.T @ dz
    return dz_all @ Wx, dh, dWx, dWh, dz_all.sum(axis=0)
