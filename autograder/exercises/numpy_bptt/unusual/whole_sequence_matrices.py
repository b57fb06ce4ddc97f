# Unusual: whole-sequence matrix forms: the loop only carries dL/dh back through time and stores
# every step's dz in a (T, hidden) matrix; the weight gradients come afterwards as single products
# (dWx = dZ.T @ inputs, dWh = dZ.T @ previous states, db = dZ.sum(0), dinputs = dZ @ Wx);
# numerical_gradient works on a flat copy and reshapes at the end.
import numpy as np


def numerical_gradient(f, x, eps=1e-5):
    shape = np.shape(x)
    flat = np.array(x, dtype=np.float64).ravel()
    grad = np.zeros(flat.size)
    for i in range(flat.size):
        up, down = flat.copy(), flat.copy()
        up[i] += eps
        down[i] -= eps
        grad[i] = (f(up.reshape(shape)) - f(down.reshape(shape))) / (2 * eps)
    return grad.reshape(shape)


def rnn_cell_step_backward(dh, x_t, h_prev, h_t, Wx, Wh):
    dz = (dh * (1 - h_t * h_t))[None, :]            # a (1, hidden) row
    return (dz @ Wx)[0], (dz @ Wh)[0], dz.T @ x_t[None, :], dz.T @ h_prev[None, :], dz[0]


def rnn_backward(dstates, inputs, states, Wx, Wh, h0=None):
    T, hidden = states.shape
    start = np.zeros(hidden) if h0 is None else np.asarray(h0, dtype=np.float64)
    previous = np.vstack([start[None, :], states[:-1]])   # (T, hidden): h_0 .. h_{T-1}
    derivative = 1 - states ** 2                          # tanh' at every step
    dZ = np.zeros((T, hidden))
    dh = np.zeros(hidden)
    for t in range(T - 1, -1, -1):
        dZ[t] = (dstates[t] + dh) * derivative[t]
        dh = Wh.T @ dZ[t]
    return dZ @ Wx, dh, dZ.T @ inputs, dZ.T @ previous, dZ.sum(axis=0)
