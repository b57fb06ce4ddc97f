# Unusual: rnn_forward picks its output dtype with np.result_type(inputs, Wx, Wh, b, np.float64)
# (float64 for int, float32 and float64 inputs alike) and preallocates with it; every internal call
# is made by keyword; the signature documents h0 as optional with a keyword default read through
# locals; the cell passes `out=` only into an array it allocated itself; init uses
# np.random.Generator(np.random.MT19937(seed)).
import numpy as np


def init_rnn_params(input_size, hidden_size, seed=None):
    rng = np.random.Generator(np.random.MT19937(seed))
    Wx = rng.standard_normal((hidden_size, input_size)) * 0.3
    Wh = rng.standard_normal((hidden_size, hidden_size)) * 0.3
    return Wx, Wh, np.zeros_like(Wh[0])


def rnn_cell_step(x_t, h_prev, Wx, Wh, b):
    dtype = np.result_type(x_t, h_prev, Wx, Wh, b, np.float64)
    out = np.empty(Wh.shape[0], dtype=dtype)
    np.add(Wx @ x_t, Wh @ h_prev, out=out)
    out += b
    return np.tanh(out, out=out)


def rnn_forward(inputs, Wx, Wh, b, h0=None):
    dtype = np.result_type(inputs, Wx, Wh, b, np.float64)
    states = np.empty((len(inputs), Wh.shape[0]), dtype=dtype)
    h = np.zeros(Wh.shape[0], dtype=dtype) if h0 is None else h0
    for t, x_t in enumerate(inputs):
        h = rnn_cell_step(x_t=x_t, h_prev=h, Wx=Wx, Wh=Wh, b=b)
        states[t] = h
    return states


def rnn_weights_from_torch(rnn):
    params = dict(rnn.named_parameters())
    as64 = lambda t: t.detach().to(dtype=__import__("torch").float64).numpy()
    return as64(params["weight_ih_l0"]), as64(params["weight_hh_l0"]), \
        as64(params["bias_ih_l0"]) + as64(params["bias_hh_l0"])
