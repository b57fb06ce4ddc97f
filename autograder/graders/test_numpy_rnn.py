"""Graders of exercise 1: the RNN memory cell in NumPy."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from autograder import config
from solutions import numpy_rnn as reference

from .checks import array, close, fail, unpack

points = pytest.mark.points

# (input_size, hidden_size): non-square sizes make `x @ Wx` fail loudly, square ones silently.
SIZES = [(3, 5), (4, 4), (6, 2)]
TIMESTEPS = 7


def random_cell(rng: np.random.Generator, input_size: int, hidden_size: int) -> tuple:
    """Weights N(0, 0.3^2) and a non-zero bias: tanh stays far from saturation, so bugs show."""
    Wx = rng.normal(0, 0.3, (hidden_size, input_size))
    Wh = rng.normal(0, 0.3, (hidden_size, hidden_size))
    b = rng.normal(0, 0.3, hidden_size)
    return Wx, Wh, b


def random_inputs(rng: np.random.Generator, timesteps: int, input_size: int) -> np.ndarray:
    return rng.normal(0, 1, (timesteps, input_size))


def check_states(got, expected: np.ndarray, what: str) -> None:
    got = array(got, what, shape=expected.shape)
    close(got, expected, what, rows="time step")


@points(1)
def test_init_rnn_params_shapes_and_dtype(student):
    """init_rnn_params returns float64 Wx (hidden, input), Wh (hidden, hidden) and b (hidden,)"""
    for input_size, hidden_size in SIZES:
        call = f"init_rnn_params({input_size}, {hidden_size}, seed=0)"
        Wx, Wh, b = unpack(student.call("init_rnn_params", input_size, hidden_size, seed=0), 3, call)
        array(Wx, f"Wx from {call}", (hidden_size, input_size), np.float64)
        array(Wh, f"Wh from {call}", (hidden_size, hidden_size), np.float64)
        array(b, f"b from {call}", (hidden_size,), np.float64)


@points(1)
def test_init_rnn_params_seed(student):
    """init_rnn_params gives the same weights for the same seed and other weights for another seed"""
    first = unpack(student.call("init_rnn_params", 3, 4, seed=1), 3, "init_rnn_params(3, 4, seed=1)")
    again = unpack(student.call("init_rnn_params", 3, 4, seed=1), 3, "init_rnn_params(3, 4, seed=1)")
    other = unpack(student.call("init_rnn_params", 3, 4, seed=2), 3, "init_rnn_params(3, 4, seed=2)")
    for name, a, b, c in zip(("Wx", "Wh", "b"), first, again, other):
        a, b, c = (array(v, f"{name} from init_rnn_params(3, 4, seed=...)") for v in (a, b, c))
        if a.shape != b.shape or not np.array_equal(a, b):
            fail(f"init_rnn_params(3, 4, seed=1) returned a different {name} the second time: use the seed "
                 "(e.g. np.random.default_rng(seed)) for every random draw")
        if not np.isfinite(a).all():
            fail(f"{name} from init_rnn_params holds NaN or infinite values")
    for name, a, c in zip(("Wx", "Wh"), first, other):
        if not np.any(a):
            fail(f"{name} from init_rnn_params is all zeros: the weights should be random")
        if a.shape == c.shape and np.array_equal(a, c):
            fail(f"seeds 1 and 2 gave the same {name}: the weights should depend on the seed")


@points(2)
def test_rnn_cell_step_matches_formula(student, rng):
    """rnn_cell_step computes tanh(Wx @ x_t + Wh @ h_prev + b)"""
    for input_size, hidden_size in SIZES:
        Wx, Wh, b = random_cell(rng, input_size, hidden_size)
        x_t, h_prev = rng.normal(0, 1, input_size), rng.normal(0, 0.5, hidden_size)
        expected = reference.rnn_cell_step(x_t, h_prev, Wx, Wh, b)
        what = f"rnn_cell_step with input_size={input_size}, hidden_size={hidden_size}"
        got = array(student.call("rnn_cell_step", x_t, h_prev, Wx, Wh, b), what, expected.shape)
        close(got, expected, what)


@points(3)
def test_rnn_forward_matches_recurrence(student, rng):
    """rnn_forward applies the cell at every time step, feeding each state into the next"""
    for input_size, hidden_size in SIZES:
        Wx, Wh, b = random_cell(rng, input_size, hidden_size)
        inputs = random_inputs(rng, TIMESTEPS, input_size)
        expected = reference.rnn_forward(inputs, Wx, Wh, b)
        check_states(student.call("rnn_forward", inputs, Wx, Wh, b), expected,
                     f"rnn_forward on {TIMESTEPS} steps, input_size={input_size}, hidden_size={hidden_size}")


@points(1)
def test_rnn_forward_shape_and_dtype(student, rng):
    """rnn_forward returns a float64 np.ndarray of shape (timesteps, hidden_size)"""
    Wx, Wh, b = random_cell(rng, 3, 5)
    got = student.call("rnn_forward", random_inputs(rng, TIMESTEPS, 3), Wx, Wh, b)
    array(got, f"rnn_forward on {TIMESTEPS} steps with hidden_size=5", (TIMESTEPS, 5), np.float64)


@points(2)
def test_rnn_forward_uses_h0(student, rng):
    """rnn_forward starts from the h0 it is given"""
    Wx, Wh, b = random_cell(rng, 3, 5)
    inputs = random_inputs(rng, TIMESTEPS, 3)
    h0 = rng.normal(0, 0.5, 5)
    expected = reference.rnn_forward(inputs, Wx, Wh, b, h0)
    check_states(student.call("rnn_forward", inputs, Wx, Wh, b, h0=h0), expected, "rnn_forward with a non-zero h0")


@points(1)
def test_rnn_forward_default_h0_is_zeros(student, rng):
    """without h0 (or with h0=None) rnn_forward starts from zeros"""
    Wx, Wh, b = random_cell(rng, 4, 3)
    inputs = random_inputs(rng, TIMESTEPS, 4)
    expected = reference.rnn_forward(inputs, Wx, Wh, b, np.zeros(3))
    check_states(student.call("rnn_forward", inputs, Wx, Wh, b), expected, "rnn_forward without h0")
    check_states(student.call("rnn_forward", inputs, Wx, Wh, b, h0=None), expected, "rnn_forward with h0=None")


@points(1)
def test_rnn_forward_single_timestep(student, rng):
    """rnn_forward on one time step returns shape (1, hidden_size)"""
    Wx, Wh, b = random_cell(rng, 3, 5)
    inputs = random_inputs(rng, 1, 3)
    expected = reference.rnn_forward(inputs, Wx, Wh, b)
    check_states(student.call("rnn_forward", inputs, Wx, Wh, b), expected, "rnn_forward on a single time step")


@points(1)
def test_rnn_forward_does_not_modify_arguments(student, rng):
    """rnn_forward leaves its inputs, weights and h0 unchanged"""
    Wx, Wh, b = random_cell(rng, 3, 5)
    args = (random_inputs(rng, TIMESTEPS, 3), Wx, Wh, b, rng.normal(0, 0.5, 5))
    _, after = student.call_returning_args("rnn_forward", *args)
    for name, before, now in zip(("inputs", "Wx", "Wh", "b", "h0"), args, after):
        if not isinstance(now, np.ndarray) or now.shape != before.shape or not np.array_equal(now, before):
            fail(f"rnn_forward changed its argument {name}: work on new arrays (h = h0.copy(), "
                 "h = np.tanh(...)) instead of updating arguments in place")


def _torch_rnn(input_size: int, hidden_size: int) -> nn.RNN:
    with torch.random.fork_rng():
        torch.manual_seed(config.GRADER_SEED)
        return nn.RNN(input_size, hidden_size, batch_first=True)


@points(1)
def test_rnn_weights_from_torch_shapes_and_dtype(student):
    """rnn_weights_from_torch returns float64 arrays Wx (hidden, input), Wh (hidden, hidden), b (hidden,)"""
    Wx, Wh, b = unpack(student.call("rnn_weights_from_torch", _torch_rnn(3, 5)), 3, "rnn_weights_from_torch")
    array(Wx, "Wx from rnn_weights_from_torch(nn.RNN(3, 5))", (5, 3), np.float64)
    array(Wh, "Wh from rnn_weights_from_torch(nn.RNN(3, 5))", (5, 5), np.float64)
    array(b, "b from rnn_weights_from_torch(nn.RNN(3, 5))", (5,), np.float64)


@points(2)
def test_rnn_weights_from_torch_values(student):
    """rnn_weights_from_torch returns weight_ih_l0, weight_hh_l0 and bias_ih_l0 + bias_hh_l0"""
    for input_size, hidden_size in SIZES:
        rnn = _torch_rnn(input_size, hidden_size)
        what = f"rnn_weights_from_torch(nn.RNN({input_size}, {hidden_size}))"
        got = unpack(student.call("rnn_weights_from_torch", rnn), 3, what)
        for name, g, e in zip(("Wx", "Wh", "b"), got, reference.rnn_weights_from_torch(rnn)):
            close(array(g, f"{name} from {what}", e.shape), e, f"{name} from {what}", atol=config.FLOAT32_ATOL, rtol=0)


@points(2)
def test_rnn_forward_matches_nn_rnn(student, rng):
    """rnn_forward with the weights from rnn_weights_from_torch reproduces nn.RNN's outputs"""
    input_size, hidden_size = 4, 6
    rnn = _torch_rnn(input_size, hidden_size)
    inputs = random_inputs(rng, TIMESTEPS, input_size)
    with torch.no_grad():
        expected = rnn(torch.tensor(inputs, dtype=torch.float32)[None])[0][0].double().numpy()
    weights = unpack(student.call("rnn_weights_from_torch", rnn), 3, "rnn_weights_from_torch")
    got = array(student.call("rnn_forward", inputs, *weights), "rnn_forward", expected.shape)
    close(got, expected, "rnn_forward with the weights of an nn.RNN, compared with the nn.RNN's output",
          atol=config.FLOAT32_ATOL, rtol=0, rows="time step")
