"""Exercise 1: a recurrent memory cell in NumPy.

The cell keeps a hidden state h and updates it at every time step:

    h_t = tanh(Wx @ x_t + Wh @ h_{t-1} + b)
"""
from __future__ import annotations

import numpy as np


def init_rnn_params(input_size: int, hidden_size: int, seed: int | None = None):
    """Small random weights, so that tanh is not saturated from the start."""
    rng = np.random.default_rng(seed)
    Wx = rng.normal(0.0, 0.3, size=(hidden_size, input_size))
    Wh = rng.normal(0.0, 0.3, size=(hidden_size, hidden_size))
    b = np.zeros(hidden_size)
    return Wx, Wh, b


def rnn_cell_step(x_t, h_prev, Wx, Wh, b):
    """One time step: mix the new input with the previous state."""
    return np.tanh(Wx @ x_t + Wh @ h_prev + b)


def rnn_forward(inputs, Wx, Wh, b, h0=None):
    """Run the cell over inputs (T, input_size); return h_1..h_T stacked as (T, hidden)."""
    h = np.zeros(Wh.shape[0]) if h0 is None else h0
    states = []
    for x_t in inputs:
        h = rnn_cell_step(x_t, h, Wx, Wh, b)
        states.append(h)
    return np.stack(states)


def rnn_weights_from_torch(rnn):
    """The weights of a one-layer nn.RNN as float64 arrays for rnn_forward.

    nn.RNN computes tanh(W_ih x + b_ih + W_hh h + b_hh): its two biases add up to our b.
    """
    Wx = rnn.weight_ih_l0.detach().double().numpy()
    Wh = rnn.weight_hh_l0.detach().double().numpy()
    b = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().double().numpy()
    return Wx, Wh, b
