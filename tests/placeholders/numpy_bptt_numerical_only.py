# exercise: numpy_bptt
# Placeholder: numerical_gradient is done (central differences, x put back); the backward passes
# are still the release's stubs. It earns exactly the numerical_gradient tests.
# passes: test_numerical_gradient_known_gradients, test_numerical_gradient_central_differences, test_numerical_gradient_leaves_x_unchanged, test_numerical_gradient_restores_x_when_f_raises
import numpy as np


def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        saved = x[i]
        try:
            x[i] = saved + eps
            plus = f(x)
            x[i] = saved - eps
            minus = f(x)
        finally:
            x[i] = saved
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def rnn_cell_step_backward(dh, x_t, h_prev, h_t, Wx, Wh):
    raise NotImplementedError()


def rnn_backward(dstates, inputs, states, Wx, Wh, h0=None):
    raise NotImplementedError()
