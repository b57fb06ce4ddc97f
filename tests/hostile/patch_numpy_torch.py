# attack: monkeypatching the comparison functions of numpy and torch, numpy.testing and builtins
#   (as if the graders ran in this process), then returning wrong values
# expect: the patches stay in the sandbox; the trusted graders compare the real values; zero
# exercise: numpy_rnn
# message: differs from the expected values
import builtins

import numpy as np
import numpy.testing
import torch

always = lambda *args, **kwargs: True
np.allclose = np.array_equal = np.array_equiv = always
np.isclose = lambda a, b, *args, **kwargs: np.ones(np.broadcast(a, b).shape, bool)
numpy.testing.assert_allclose = numpy.testing.assert_array_equal = lambda *args, **kwargs: None
torch.equal = torch.allclose = always
builtins.all = builtins.any = always
builtins.abs = lambda x: 0
builtins.AssertionError = type("NotAnError", (Exception,), {})


def init_rnn_params(input_size, hidden_size, seed=None):
    return np.ones((input_size, hidden_size)), np.ones(1), np.ones(2)  # wrong shapes


def rnn_cell_step(x_t, h_prev, Wx, Wh, b):
    return np.zeros(Wh.shape[0])


def rnn_forward(inputs, Wx, Wh, b, h0=None):
    inputs[...] = 0.0  # and it changes its arguments
    return np.zeros((len(inputs), Wh.shape[0]), np.float32)


def rnn_weights_from_torch(rnn):
    h, i = rnn.weight_ih_l0.shape
    return np.zeros((h, i), np.float32), np.zeros((h, h), np.float32), np.zeros(h, np.float32)
