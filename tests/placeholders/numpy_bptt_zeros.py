# exercise: numpy_bptt
# Placeholder: every function returns zeros of the right shape and dtype; nothing is computed.
# passes: test_rnn_cell_step_backward_shapes_and_dtype, test_rnn_backward_shapes_and_dtype
import numpy as np


def numerical_gradient(f, x, eps=1e-5):
    return np.zeros(x.shape)


def rnn_cell_step_backward(dh, x_t, h_prev, h_t, Wx, Wh):
    return np.zeros(x_t.shape), np.zeros(h_prev.shape), np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(dh.shape)


def rnn_backward(dstates, inputs, states, Wx, Wh, h0=None):
    hidden = Wh.shape[0]
    return np.zeros(inputs.shape), np.zeros(hidden), np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(hidden)
