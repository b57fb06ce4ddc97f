# Unusual: every product is an np.einsum (dz "i,ij->j" against the weights, outer products as
# "i,j->ij"); numerical_gradient never touches x: it evaluates f on fresh copies, moved by eps
# along one unit direction at a time; rnn_backward walks the steps with a negative-step slice.
import numpy as np


def numerical_gradient(f, x, eps=1e-5):
    x = np.array(x, dtype=np.float64)       # our own copy: the caller's x is never moved
    grad = np.empty_like(x)
    for index in np.ndindex(*x.shape):
        step = np.zeros_like(x)
        step[index] = eps
        grad[index] = (f(x + step) - f(x - step)) / (2.0 * eps)
    return grad


def rnn_cell_step_backward(dh, x_t, h_prev, h_t, Wx, Wh):
    dz = np.einsum("i,i->i", dh, 1.0 - np.einsum("i,i->i", h_t, h_t))
    return (np.einsum("i,ij->j", dz, Wx), np.einsum("i,ij->j", dz, Wh),
            np.einsum("i,j->ij", dz, x_t), np.einsum("i,j->ij", dz, h_prev), dz.copy())


def rnn_backward(dstates, inputs, states, Wx, Wh, h0=None):
    hidden = Wh.shape[0]
    previous = np.concatenate([np.zeros((1, hidden)) if h0 is None else np.reshape(h0, (1, hidden)),
                               states[:-1]])
    dinputs = np.zeros_like(inputs, dtype=np.float64)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(hidden)
    carried = np.zeros(hidden)
    for t in range(len(states))[::-1]:
        dinputs[t], carried, gx, gh, gb = rnn_cell_step_backward(dstates[t] + carried, inputs[t],
                                                                 previous[t], states[t], Wx, Wh)
        dWx, dWh, db = dWx + gx, dWh + gh, db + gb
    return dinputs, carried, dWx, dWh, db
