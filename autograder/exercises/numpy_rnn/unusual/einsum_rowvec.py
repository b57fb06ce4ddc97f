# Unusual: the cell is written with np.einsum; rnn_forward uses the row-vector convention
# (x @ Wx.T + h @ Wh.T); init uses the legacy np.random.RandomState with small uniform weights;
# rnn_weights_from_torch goes through state_dict() and np.array(..., dtype=np.float64), summing the
# two biases in float32 BEFORE casting (differs from a float64 sum by about 1e-8).
import numpy as np


def init_rnn_params(input_size, hidden_size, seed=None):
    state = np.random.RandomState(seed)
    scale = 1.0 / np.sqrt(hidden_size)
    Wx = state.uniform(-scale, scale, size=(hidden_size, input_size))
    Wh = state.uniform(-scale, scale, size=(hidden_size, hidden_size))
    b = np.zeros((hidden_size,), dtype=np.float64)
    return Wx, Wh, b


def rnn_cell_step(x_t, h_prev, Wx, Wh, b):
    return np.tanh(np.einsum("hi,i->h", Wx, x_t) + np.einsum("hk,k->h", Wh, h_prev) + b)


def rnn_forward(inputs, Wx, Wh, b, h0=None):
    # inputs are rows: a state is a row vector too, so the weights act from the right, transposed
    h = np.zeros(Wh.shape[0]) if h0 is None else h0
    rows = []
    for t in range(inputs.shape[0]):
        h = np.tanh(inputs[t] @ Wx.T + h @ Wh.T + b)
        rows.append(h)
    return np.vstack(rows)


def rnn_weights_from_torch(rnn):
    sd = rnn.state_dict()
    Wx = np.array(sd["weight_ih_l0"].detach().cpu(), dtype=np.float64)
    Wh = np.array(sd["weight_hh_l0"].detach().cpu(), dtype=np.float64)
    bias32 = (sd["bias_ih_l0"] + sd["bias_hh_l0"]).detach().cpu().numpy()  # float32 sum
    return Wx, Wh, np.array(bias32, dtype=np.float64)
