# Unusual: rnn_backward is recursive (the gradient of steps t.. is the gradient of step t plus that
# of steps t+1..; dL/dh_t comes back from the recursion), with each step's contribution as a tuple
# summed by a helper; numerical_gradient recurses over the leading axis, on rows of a copy.
import numpy as np


def numerical_gradient(f, x, eps=1e-5):
    work = np.array(x, dtype=np.float64)

    def along(prefix):
        if len(prefix) == work.ndim:
            saved = work[prefix]
            work[prefix] = saved + eps
            plus = f(work.copy())
            work[prefix] = saved - eps
            minus = f(work.copy())
            work[prefix] = saved
            return (plus - minus) / (2 * eps)
        return np.array([along(prefix + (i,)) for i in range(work.shape[len(prefix)])])

    return np.asarray(along(()), dtype=np.float64).reshape(work.shape)


def rnn_cell_step_backward(dh, x_t, h_prev, h_t, Wx, Wh):
    dz = dh - dh * h_t ** 2
    return Wx.T.dot(dz), Wh.T.dot(dz), np.outer(dz, x_t), np.outer(dz, h_prev), np.array(dz)


def _add(a, b):
    return tuple(p + q for p, q in zip(a, b))


def rnn_backward(dstates, inputs, states, Wx, Wh, h0=None):
    T, hidden = states.shape
    h0 = np.zeros(hidden) if h0 is None else h0

    def from_step(t):
        """(dinputs rows t.., dL/dh_t from the later steps, dWx, dWh, db of steps t+1..)."""
        if t == T:
            return [], np.zeros(hidden), (np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(hidden))
        rows, dh_later, sums = from_step(t + 1)
        dx, dh_prev, *weights = rnn_cell_step_backward(dstates[t] + dh_later, inputs[t],
                                                       states[t - 1] if t else h0, states[t], Wx, Wh)
        return [dx] + rows, dh_prev, _add(sums, weights)

    rows, dh0, (dWx, dWh, db) = from_step(0)
    return np.stack(rows), dh0, dWx, dWh, db
