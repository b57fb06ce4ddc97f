# Unusual: the row-vector convention (dz @ Wx, dz[:, None] * x_t broadcasting for the outer
# products); rnn_backward calls rnn_cell_step_backward with keywords and h0 spelled by its
# default's alternative (`h0 if h0 is not None else ...`); numerical_gradient takes eps positionally
# or by keyword and evaluates f at x + eps before x - eps in a generator expression.
import numpy as np


def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        keep = x[i].copy()
        try:
            plus, minus = (_at(f, x, i, keep + s * eps) for s in (1, -1))
        finally:
            x[i] = keep
        grad[i] = (plus - minus) / eps / 2
    return grad


def _at(f, x, i, value):
    x[i] = value
    return f(x)


def rnn_cell_step_backward(dh, x_t, h_prev, h_t, Wx, Wh):
    dz = dh * (1 + h_t) * (1 - h_t)
    return dz @ Wx, dz @ Wh, dz[:, None] * x_t[None, :], dz[:, None] * h_prev[None, :], dz


def rnn_backward(dstates, inputs, states, Wx, Wh, h0=None):
    h0 = h0 if h0 is not None else np.zeros_like(states[0])
    dinputs = []
    dWx, dWh, db = 0.0, 0.0, 0.0
    dh_prev = np.zeros_like(h0)
    for t in reversed(range(states.shape[0])):
        dx_t, dh_prev, gx, gh, gb = rnn_cell_step_backward(
            dh=dstates[t] + dh_prev, x_t=inputs[t], h_prev=states[t - 1] if t else h0, h_t=states[t],
            Wx=Wx, Wh=Wh)
        dinputs.append(dx_t)
        dWx, dWh, db = dWx + gx, dWh + gh, db + gb
    return np.array(dinputs[::-1]), dh_prev, dWx, dWh, db
