# Unusual: no explicit loop: rnn_forward is itertools.accumulate over the inputs (with the initial
# state dropped), the cell step uses functools.reduce to sum its three terms; init is Glorot-uniform
# from a PCG64 bit generator; rnn_weights_from_torch uses named_parameters(); extra helpers and an
# `if __name__ == "__main__":` demo block.
import functools
import itertools
import operator

import numpy as np


def _glorot(rng, fan_out, fan_in):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_out, fan_in))


def init_rnn_params(input_size, hidden_size, seed=None):
    rng = np.random.Generator(np.random.PCG64(seed))
    return _glorot(rng, hidden_size, input_size), _glorot(rng, hidden_size, hidden_size), np.zeros(hidden_size)


def rnn_cell_step(x_t, h_prev, Wx, Wh, b):
    return np.tanh(functools.reduce(operator.add, (Wx @ x_t, Wh @ h_prev, b)))


def rnn_forward(inputs, Wx, Wh, b, h0=None):
    start = np.zeros(Wh.shape[0]) if h0 is None else h0
    step = lambda h, x: rnn_cell_step(x, h, Wx, Wh, b)
    states = itertools.accumulate(inputs, step, initial=start)
    next(states)  # accumulate yields the initial state first: h_1..h_T follow
    return np.array(list(states))


def rnn_weights_from_torch(rnn):
    p = {name: value.detach().double().numpy() for name, value in rnn.named_parameters()}
    return p["weight_ih_l0"], p["weight_hh_l0"], p["bias_ih_l0"] + p["bias_hh_l0"]


def last_state(inputs, Wx, Wh, b, h0=None):
    """Helper: only h_T."""
    return rnn_forward(inputs, Wx, Wh, b, h0)[-1]


if __name__ == "__main__":
    Wx, Wh, b = init_rnn_params(3, 4, seed=0)
    xs = np.random.default_rng(0).normal(size=(6, 3))
    print("states:\n", rnn_forward(xs, Wx, Wh, b))
    print("last:", last_state(xs, Wx, Wh, b))
