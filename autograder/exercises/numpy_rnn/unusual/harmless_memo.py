# Unusual: harmless state between calls: rnn_forward memoises its results in a module-level dict
# keyed on the bytes, shapes and dtypes of ALL its arguments and hands out copies; a global counter
# counts the calls; init spawns one generator per matrix from np.random.SeedSequence(seed) (another
# draw order); rnn_weights_from_torch adds the biases IN PLACE, but on a clone under torch.no_grad().
import numpy as np
import torch

_MEMO = {}
CALLS = {"rnn_forward": 0}


def init_rnn_params(input_size, hidden_size, seed=None):
    wx_rng, wh_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    Wh = wh_rng.normal(0.0, 0.3, size=(hidden_size, hidden_size))
    Wx = wx_rng.normal(0.0, 0.3, size=(hidden_size, input_size))
    return Wx, Wh, np.zeros(hidden_size)


def rnn_cell_step(x_t, h_prev, Wx, Wh, b):
    return np.tanh(Wx @ x_t + Wh @ h_prev + b)


def _key(*arrays):
    return tuple((a.shape, a.dtype.str, a.tobytes()) if a is not None else None
                 for a in (np.asarray(x) if x is not None else None for x in arrays))


def rnn_forward(inputs, Wx, Wh, b, h0=None):
    CALLS["rnn_forward"] += 1
    key = _key(inputs, Wx, Wh, b, h0)
    if key not in _MEMO:
        h = np.zeros(Wh.shape[0]) if h0 is None else h0
        states = []
        for x_t in inputs:
            h = rnn_cell_step(x_t, h, Wx, Wh, b)
            states.append(h)
        _MEMO[key] = np.stack(states)
    return _MEMO[key].copy()


def rnn_weights_from_torch(rnn):
    with torch.no_grad():
        bias = rnn.bias_ih_l0.clone()
        bias += rnn.bias_hh_l0  # in place, on the clone only
    return (rnn.weight_ih_l0.detach().double().numpy(), rnn.weight_hh_l0.detach().double().numpy(),
            bias.double().numpy())
