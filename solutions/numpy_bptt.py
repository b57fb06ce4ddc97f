"""Exercise 4: backpropagation through time (BPTT) for the memory cell of exercise 1.

Forward, at every step t = 1..T (exercise 1):

    z_t = Wx @ x_t + Wh @ h_{t-1} + b,    h_t = tanh(z_t)

Backward: given dL/dh_t, the chain rule goes through tanh (tanh'(z_t) = 1 - h_t**2) and then
through the two matrix products. The same weights are used at every step, so their gradients
are summed over time; and h_{t-1} feeds step t, so dL/dh_{t-1} also collects Wh.T @ dz_t.
"""
from __future__ import annotations

import numpy as np


def numerical_gradient(f, x, eps=1e-5):
    """dL/dx of a scalar function f by central differences, one entry of x at a time."""
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        saved = x[index]
        try:
            x[index] = saved + eps
            f_plus = f(x)
            x[index] = saved - eps
            f_minus = f(x)
        finally:
            x[index] = saved  # put x back exactly, even when f raises
        # (f(x + eps) - f(x - eps)) / 2eps is off by O(eps**2); a one-sided difference by O(eps)
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad


def rnn_cell_step_backward(dh, x_t, h_prev, h_t, Wx, Wh):
    """Gradients of one step h_t = tanh(Wx @ x_t + Wh @ h_prev + b), given dh = dL/dh_t."""
    dz = dh * (1 - h_t ** 2)      # through tanh: its derivative at z_t is 1 - h_t**2
    dx_t = Wx.T @ dz              # z = Wx @ x + ...: dL/dx = Wx.T @ dL/dz
    dh_prev = Wh.T @ dz
    dWx = np.outer(dz, x_t)       # dL/dWx[i, j] = dz[i] * x_t[j]
    dWh = np.outer(dz, h_prev)
    db = dz
    return dx_t, dh_prev, dWx, dWh, db


def rnn_backward(dstates, inputs, states, Wx, Wh, h0=None):
    """Backpropagation through time over states h_1..h_T of rnn_forward, from dL/dh_t of each step."""
    T, hidden = states.shape
    h0 = np.zeros(hidden) if h0 is None else h0
    dinputs = np.zeros(inputs.shape)
    dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(hidden)
    dh_next = np.zeros(hidden)    # dL/dh_t through the later steps: none after the last one
    for t in reversed(range(T)):
        h_prev = states[t - 1] if t > 0 else h0
        dh = dstates[t] + dh_next  # the loss at step t and every later step, through h_t
        dinputs[t], dh_next, dWx_t, dWh_t, db_t = rnn_cell_step_backward(
            dh, inputs[t], h_prev, states[t], Wx, Wh)
        dWx += dWx_t              # the same weights at every step: their gradients add up
        dWh += dWh_t
        db += db_t
    return dinputs, dh_next, dWx, dWh, db
