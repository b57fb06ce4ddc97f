"""Graders of exercise 1: the RNN memory cell in NumPy.

Every function is called in each form its contract allows (defaults omitted, positional, keyword;
seed 0; T = 1; integer and float32 inputs), and a property (same seed, arguments unchanged, no
state between calls) is paid for only when the function's result is also right.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from autograder import config
from autograder.sandbox.wire import ModuleData
from solutions import numpy_rnn as reference

from autograder.grading.checks import array, close, fail, kind, unpack

points = pytest.mark.points

# (input_size, hidden_size): non-square sizes make `x @ Wx` fail loudly, square ones silently; hidden_size 1
# catches a squeeze() of the state.
SIZES = [(3, 5), (4, 4), (6, 2), (3, 1)]
TIMESTEPS = 7
WEIGHT_NAMES = ("Wx", "Wh", "b")


def random_cell(rng: np.random.Generator, input_size: int, hidden_size: int) -> tuple:
    """Weights N(0, 0.3^2) and a non-zero bias: tanh stays far from saturation, so bugs show."""
    Wx = rng.normal(0, 0.3, (hidden_size, input_size))
    Wh = rng.normal(0, 0.3, (hidden_size, hidden_size))
    b = rng.normal(0, 0.3, hidden_size)
    return Wx, Wh, b


def random_inputs(rng: np.random.Generator, timesteps: int, input_size: int) -> np.ndarray:
    return rng.normal(0, 1, (timesteps, input_size))


def one_hot(rng: np.random.Generator, timesteps: int, input_size: int) -> np.ndarray:
    """Integer one-hot rows, as a student builds them with np.eye(V, dtype=int)[indices]."""
    return np.eye(input_size, dtype=np.int64)[rng.integers(0, input_size, timesteps)]


def check_states(got, expected: np.ndarray, what: str, dtype=None) -> np.ndarray:
    got = array(got, what, shape=expected.shape, dtype=dtype)
    close(got, expected, what, rows="time step")
    return got


def init_weights(student, what: str, *args, **kwargs) -> tuple[np.ndarray, ...]:
    """init_rnn_params(*args, **kwargs) as three arrays of the contract's shapes and dtype."""
    sizes = {**dict(zip(("input_size", "hidden_size"), args)), **kwargs}  # by position or keyword
    input_size, hidden_size = sizes["input_size"], sizes["hidden_size"]
    shapes = ((hidden_size, input_size), (hidden_size, hidden_size), (hidden_size,))
    values = unpack(student.call("init_rnn_params", *args, **kwargs), 3, what)
    return tuple(array(v, f"{name} from {what}", shape, np.float64)
                 for name, v, shape in zip(WEIGHT_NAMES, values, shapes))


# ---------------------------------------------------------------- init_rnn_params

@points(1)
def test_init_rnn_params_shapes_and_dtype(student):
    """init_rnn_params returns float64 Wx (hidden, input), Wh (hidden, hidden), b = zeros (hidden,), seeded or not"""
    for input_size, hidden_size in SIZES:
        # seeded first: a b drawn at random fails where its replay gives the same numbers
        for args, kwargs, call in (((), {"seed": 0}, ", seed=0"), ((3,), {}, ", 3"), ((), {}, "")):
            what = f"init_rnn_params({input_size}, {hidden_size}{call})"
            b = init_weights(student, what, input_size, hidden_size, *args, **kwargs)[2]
            if np.any(b != 0):
                fail(f"b from {what} should start at zero (np.zeros(hidden_size)), but holds {b}")


def _same(first: tuple, again: tuple) -> str | None:
    """The name of the first weight that differs, or None."""
    return next((name for name, a, b in zip(WEIGHT_NAMES, first, again) if not np.array_equal(a, b)), None)


@points(1)
def test_init_rnn_params_seed(student):
    """init_rnn_params draws small zero-centred weights, set only by the seed (seed 0 too, by keyword or position)"""
    for seed in (0, 1):
        what = f"init_rnn_params(3, 4, seed={seed})"
        first = init_weights(student, what, 3, 4, seed=seed)
        for name, value in zip(WEIGHT_NAMES[:2], first):
            if not np.isfinite(value).all():
                fail(f"{name} from {what} holds NaN or infinite values")
            if np.unique(value).size < value.size // 2:
                fail(f"{name} from {what} is not random: it holds only {np.unique(value).size} distinct "
                     f"values, e.g. {value.ravel()[:3]}; draw it with rng.normal(0, 0.3, size)")
        init_weights(student, "init_rnn_params(5, 2, seed=7)", 5, 2, seed=7)  # calls in between change nothing
        again = init_weights(student, what, 3, 4, seed=seed)
        if (name := _same(first, again)) is not None:
            hint = (" seed 0 is a seed like any other: `if seed:` treats it as no seed, "
                    "np.random.default_rng(seed) handles None by itself" if seed == 0 else
                    " make every draw from rng = np.random.default_rng(seed), created inside the call")
            fail(f"{what} returned a different {name} the second time:{hint}")
        positional = init_weights(student, f"init_rnn_params(3, 4, {seed})", 3, 4, seed)
        if (name := _same(first, positional)) is not None:
            fail(f"init_rnn_params(3, 4, {seed}) (the seed as the third argument, as the contract orders it) "
                 f"gave another {name} than {what}")
    # 1600 draws: the mean of any small zero-centred scale (std 0.09 to 0.3) stays within 0.1 by 13 standard
    # errors and the std within the band by far, while uniform [0, 1) (mean 0.5) or std 1 fall outside.
    what = "init_rnn_params(40, 40, seed=0)"
    large = init_weights(student, what, 40, 40, seed=0)
    for name, value in zip(WEIGHT_NAMES[:2], large):
        mean, std = float(value.mean()), float(value.std())
        if value.min() >= 0 or value.max() <= 0 or abs(mean) > 0.1 or not 0.03 <= std <= 0.6:
            fail(f"{name} from {what} should be small and centred on 0 (a normal draw with mean 0 and std 0.3: "
                 f"rng.normal(0, 0.3, size)), but its entries have mean {mean:.3g} and std {std:.3g}, from "
                 f"{value.min():.3g} to {value.max():.3g}: weights of one sign or of std 1 saturate tanh")
    if np.isin(large[0], large[1]).mean() > 0.5:
        fail(f"Wh from {what} repeats the values of Wx: draw both from one rng = np.random.default_rng(seed), "
             "not from a second generator created with the same seed")
    zero, one = (init_weights(student, f"init_rnn_params(3, 4, seed={s})", 3, 4, seed=s) for s in (0, 1))
    other = init_weights(student, "init_rnn_params(3, 4, seed=2)", 3, 4, seed=2)
    for name, a, b, c in zip(WEIGHT_NAMES[:2], zero, one, other):
        if np.array_equal(a, c) or np.array_equal(b, c) or np.array_equal(a, b):
            fail(f"seeds 0, 1 and 2 do not give three different {name}: the weights should depend on the seed")


# ---------------------------------------------------------------- rnn_cell_step

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


@points(1)
def test_rnn_cell_step_integer_and_float32_inputs(student, rng):
    """rnn_cell_step on a one-hot integer x_t or float32 inputs returns the right float64 state"""
    Wx, Wh, b = random_cell(rng, 4, 3)
    cases = [("a one-hot int64 x_t", one_hot(rng, 1, 4)[0], rng.normal(0, 0.5, 3)),
             ("float32 x_t and h_prev", rng.normal(0, 1, 4).astype(np.float32),
              rng.normal(0, 0.5, 3).astype(np.float32))]
    for label, x_t, h_prev in cases:
        expected = reference.rnn_cell_step(x_t.astype(np.float64), h_prev.astype(np.float64), Wx, Wh, b)
        what = f"rnn_cell_step with {label} (float64 weights)"
        close(array(student.call("rnn_cell_step", x_t, h_prev, Wx, Wh, b), what, expected.shape, np.float64),
              expected, what)


# ---------------------------------------------------------------- rnn_forward

@points(2)
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


@points(1)
def test_rnn_forward_uses_h0(student, rng):
    """rnn_forward starts from the h0 it is given, by keyword or as the fifth argument"""
    Wx, Wh, b = random_cell(rng, 3, 5)
    inputs = random_inputs(rng, TIMESTEPS, 3)
    h0 = rng.normal(0, 0.5, 5)
    expected = reference.rnn_forward(inputs, Wx, Wh, b, h0)
    check_states(student.call("rnn_forward", inputs, Wx, Wh, b, h0=h0), expected, "rnn_forward with h0=h0")
    check_states(student.call("rnn_forward", inputs, Wx, Wh, b, h0), expected,
                 "rnn_forward(inputs, Wx, Wh, b, h0) (h0 as the fifth argument)")


@points(1)
def test_rnn_forward_default_h0_is_zeros(student, rng):
    """without h0 (or with h0=None) rnn_forward starts from zeros"""
    Wx, Wh, b = random_cell(rng, 4, 3)
    inputs = random_inputs(rng, TIMESTEPS, 4)
    expected = reference.rnn_forward(inputs, Wx, Wh, b, np.zeros(3))
    check_states(student.call("rnn_forward", inputs, Wx, Wh, b), expected, "rnn_forward without h0")
    check_states(student.call("rnn_forward", inputs, Wx, Wh, b, h0=None), expected, "rnn_forward with h0=None")
    check_states(student.call("rnn_forward", inputs, Wx, Wh, b, None), expected,
                 "rnn_forward(inputs, Wx, Wh, b, None)")


@points(1)
def test_rnn_forward_single_timestep(student, rng):
    """rnn_forward on one time step returns the state h_1, shape (1, hidden_size)"""
    Wx, Wh, b = random_cell(rng, 3, 5)
    inputs = random_inputs(rng, 1, 3)
    h0 = rng.normal(0, 0.5, 5)
    check_states(student.call("rnn_forward", inputs, Wx, Wh, b), reference.rnn_forward(inputs, Wx, Wh, b),
                 "rnn_forward on a single time step")
    check_states(student.call("rnn_forward", inputs, Wx, Wh, b, h0), reference.rnn_forward(inputs, Wx, Wh, b, h0),
                 "rnn_forward on a single time step with a non-zero h0")


@points(1)
def test_rnn_forward_integer_and_float32_inputs(student, rng):
    """rnn_forward on one-hot integer or float32 inputs, or a float32 or integer h0, returns the right float64 states"""
    Wx, Wh, b = random_cell(rng, 4, 3)
    for label, inputs, h0 in (("one-hot int64 inputs", one_hot(rng, 6, 4), None),
                              ("float32 inputs", random_inputs(rng, 6, 4).astype(np.float32), None),
                              ("a float32 h0", random_inputs(rng, 6, 4), rng.normal(0, 0.5, 3).astype(np.float32)),
                              ("an int64 h0", random_inputs(rng, 6, 4), rng.integers(-1, 2, 3))):
        expected = reference.rnn_forward(inputs.astype(np.float64), Wx, Wh, b,
                                         None if h0 is None else h0.astype(np.float64))
        got = student.call("rnn_forward", inputs, Wx, Wh, b, *(() if h0 is None else (h0,)))
        what = f"rnn_forward on {label} (float64 weights)"
        if isinstance(got, np.ndarray) and got.dtype != np.float64 and got.shape == expected.shape:
            fail(f"{what} should return float64 states, but returned dtype {got.dtype}: the states must not "
                 f"take the dtype of the inputs or h0 (e.g. np.zeros_like(inputs) or dtype=h0.dtype), {got.dtype} "
                 f"{'truncates tanh to 0' if got.dtype.kind in 'iu' else 'loses precision'}")
        check_states(got, expected, what, np.float64)


@points(1)
def test_rnn_results_do_not_depend_on_other_calls(student, rng):
    """rnn_cell_step and rnn_forward keep no state: results stay as returned and do not depend on earlier calls"""
    Wx, Wh, b = random_cell(rng, 3, 5)
    inputs, x_t, h_prev = random_inputs(rng, TIMESTEPS, 3), rng.normal(0, 1, 3), rng.normal(0, 0.5, 5)
    expected = reference.rnn_forward(inputs, Wx, Wh, b)
    expected_step = reference.rnn_cell_step(x_t, h_prev, Wx, Wh, b)
    kept = student.new("rnn_forward", inputs, Wx, Wh, b)           # stays in the sandbox
    kept_step = student.new("rnn_cell_step", x_t, h_prev, Wx, Wh, b)
    check_states(student.value(kept), expected, "rnn_forward on a first sequence")
    # other calls: the same sizes with other values and an h0, then other sizes and length
    for (input_size, hidden_size), steps, with_h0 in (((3, 5), TIMESTEPS, False), ((3, 5), TIMESTEPS, True),
                                                       ((4, 2), 3, True)):
        other = random_cell(rng, input_size, hidden_size)
        other_inputs, h0 = random_inputs(rng, steps, input_size), rng.normal(0, 0.5, hidden_size)
        check_states(student.call("rnn_forward", other_inputs, *other, h0 if with_h0 else None),
                     reference.rnn_forward(other_inputs, *other, h0 if with_h0 else None),
                     f"rnn_forward on another sequence (input_size={input_size}, hidden_size={hidden_size}, "
                     f"{steps} steps, {'with' if with_h0 else 'without'} h0) after a first one: a result must "
                     "not depend on earlier calls (a cache, a buffer or an h kept between calls)")
        step_args = (rng.normal(0, 1, input_size), h0, *other)
        close(array(student.call("rnn_cell_step", *step_args), "rnn_cell_step", (hidden_size,)),
              reference.rnn_cell_step(*step_args), "rnn_cell_step on other values after a first call")
    again = array(student.value(kept), "the first result of rnn_forward", expected.shape)
    if not np.allclose(again, expected, atol=config.FLOAT64_ATOL, rtol=config.FLOAT64_RTOL):
        fail("the array rnn_forward returned for the first sequence changed when rnn_forward was called again: "
             "return a new array each call (e.g. np.stack(states)), not a buffer kept between calls")
    step_again = array(student.value(kept_step), "the first result of rnn_cell_step", expected_step.shape)
    if not np.allclose(step_again, expected_step, atol=config.FLOAT64_ATOL, rtol=config.FLOAT64_RTOL):
        fail("the state rnn_cell_step returned first changed when rnn_cell_step was called again: return a "
             "new array each call, not a buffer kept between calls")
    check_states(student.call("rnn_forward", inputs, Wx, Wh, b), expected,
                 "rnn_forward on the first sequence again, after other calls: a result must not depend on "
                 "earlier calls (a state, a cache or an h kept between calls)")
    # the same sequence and state with other weights: a cache keyed on the data alone answers from the first call
    other = random_cell(rng, 3, 5)
    close(array(student.call("rnn_cell_step", x_t, h_prev, *other), "rnn_cell_step", (5,)),
          reference.rnn_cell_step(x_t, h_prev, *other),
          "rnn_cell_step on the first x_t and h_prev with other weights Wx, Wh, b: the new state depends on "
          "the weights too (a cache keyed on x_t and h_prev alone returns the state of the first weights)")
    check_states(student.call("rnn_forward", inputs, *other), reference.rnn_forward(inputs, *other),
                 "rnn_forward on the first sequence with other weights Wx, Wh, b: the states depend on the "
                 "weights too (a cache keyed on inputs and h0 alone returns the states of the first weights)")


@points(1)
def test_rnn_cell_step_and_rnn_forward_leave_arguments_unchanged(student, rng):
    """rnn_cell_step and rnn_forward return the right states and leave their inputs, weights and h0 unchanged"""
    Wx, Wh, b = random_cell(rng, 3, 5)
    for function, names, args, expected in (
            ("rnn_cell_step", ("x_t", "h_prev", "Wx", "Wh", "b"),
             (rng.normal(0, 1, 3), rng.normal(0, 0.5, 5), Wx, Wh, b), reference.rnn_cell_step),
            ("rnn_forward", ("inputs", "Wx", "Wh", "b", "h0"),
             (random_inputs(rng, TIMESTEPS, 3), Wx, Wh, b, rng.normal(0, 0.5, 5)), reference.rnn_forward)):
        right = expected(*(a.copy() for a in args))
        got, after = student.call_returning_args(function, *args)
        close(array(got, function, right.shape), right, f"{function} with all its arguments given",
              rows="time step")
        for name, before, now in zip(names, args, after):
            if not isinstance(now, np.ndarray) or now.shape != before.shape or not np.array_equal(now, before):
                fail(f"{function} changed its argument {name}: work on new arrays (h = np.tanh(...), "
                     f"h = h0.copy()) instead of updating arguments in place (h[:] = ..., +=, out=)")


# ---------------------------------------------------------------- rnn_weights_from_torch

def _torch_rnn(input_size: int, hidden_size: int) -> nn.RNN:
    with torch.random.fork_rng():
        # The CPU's generator alone: torch.manual_seed also queues a seeding for each accelerator,
        # formatting the whole call stack each time (about 0.5 ms inside a pytest session).
        torch.random.default_generator.manual_seed(config.GRADER_SEED)
        return nn.RNN(input_size, hidden_size, batch_first=True)


def torch_weights(student, rnn: nn.RNN) -> tuple[tuple[np.ndarray, ...], list]:
    """rnn_weights_from_torch(rnn), checked against the module's own weights; and the arguments after the call."""
    what = f"rnn_weights_from_torch(nn.RNN({rnn.input_size}, {rnn.hidden_size}))"
    value, after = student.call_returning_args("rnn_weights_from_torch", rnn)
    got = unpack(value, 3, what)
    for name, g, e in zip(WEIGHT_NAMES, got, reference.rnn_weights_from_torch(rnn)):
        close(array(g, f"{name} from {what}", e.shape), e, f"{name} from {what}", atol=config.FLOAT32_ATOL, rtol=0)
    return got, after


@points(1)
def test_rnn_weights_from_torch_shapes_and_dtype(student):
    """rnn_weights_from_torch returns float64 arrays Wx (hidden, input), Wh (hidden, hidden), b (hidden,)"""
    Wx, Wh, b = unpack(student.call("rnn_weights_from_torch", _torch_rnn(3, 5)), 3, "rnn_weights_from_torch")
    array(Wx, "Wx from rnn_weights_from_torch(nn.RNN(3, 5))", (5, 3), np.float64)
    array(Wh, "Wh from rnn_weights_from_torch(nn.RNN(3, 5))", (5, 5), np.float64)
    array(b, "b from rnn_weights_from_torch(nn.RNN(3, 5))", (5,), np.float64)


@points(1)
def test_rnn_weights_from_torch_values(student):
    """rnn_weights_from_torch returns weight_ih_l0, weight_hh_l0 and bias_ih_l0 + bias_hh_l0"""
    for input_size, hidden_size in SIZES:
        torch_weights(student, _torch_rnn(input_size, hidden_size))


def kept_module(student, rnn: nn.Module):
    """The grader's module kept in the submission's process, so that what a call does to the module
    object itself (its training flag) can be read back: an identity function the grader compiles
    there with the builtin eval (trusted source), applied to the module."""
    builtins = student.keep("__builtins__", "__builtins__", getattr=True)
    if builtins.type_name == "module":
        evaluate = student.keep("eval", builtins, "eval", getattr=True)
    else:
        evaluate = student.keep("eval", builtins, "get", "eval")
    identity = student.keep("the grader's function", evaluate, None, "lambda module: module", {})
    return student.keep("the grader's nn.RNN", identity, None, rnn)


@points(1)
def test_rnn_weights_from_torch_leaves_module_unchanged(student):
    """rnn_weights_from_torch returns the right weights and leaves the module unchanged (called again: the same)"""
    rnn = _torch_rnn(4, 6)
    got, after = torch_weights(student, rnn)
    module = after[0] if after else None
    if not isinstance(module, ModuleData):
        fail(f"after rnn_weights_from_torch the module passed in is {kind(module)}, not the nn.RNN it was")
    state, now = rnn.state_dict(), module.state_dict()
    if set(now) != set(state):
        fail(f"rnn_weights_from_torch changed the module's parameters: it had {sorted(state)}, "
             f"afterwards {sorted(now)}")
    if module.frozen:
        fail(f"rnn_weights_from_torch stopped the module's {', '.join(module.frozen)} from requiring gradients, so "
             "it can no longer be trained: rnn.requires_grad_(False) changes the module itself; take each "
             "tensor's .detach() instead")
    for name, before in state.items():
        if now[name].dtype != before.dtype:
            fail(f"rnn_weights_from_torch changed the dtype of the module's {name} from {before.dtype} to "
                 f"{now[name].dtype}: rnn.double() converts the module itself; convert each tensor instead "
                 "(rnn.weight_ih_l0.detach().double())")
        if now[name].shape != before.shape or not torch.equal(now[name], before):
            fail(f"rnn_weights_from_torch changed the module's {name} (largest change "
                 f"{float((now[name] - before).abs().max()) if now[name].shape == before.shape else 'its shape'}): "
                 "compute b = rnn.bias_ih_l0 + rnn.bias_hh_l0, a new tensor, instead of adding into "
                 ".data or a detached view in place (+=, add_)")
    second = unpack(student.call("rnn_weights_from_torch", module), 3, "rnn_weights_from_torch, called again")
    for name, first, again in zip(WEIGHT_NAMES, got, second):
        if not isinstance(again, np.ndarray) or again.shape != first.shape or not np.array_equal(again, first):
            fail(f"rnn_weights_from_torch called a second time on the same module returned another {name}")
    # the module object itself, kept in the submission's process: its training mode must stay as it was
    kept = kept_module(student, rnn)
    third = unpack(student.call("rnn_weights_from_torch", student.argument(kept)), 3, "rnn_weights_from_torch")
    for name, first, again in zip(WEIGHT_NAMES, got, third):
        if not isinstance(again, np.ndarray) or again.shape != first.shape or not np.array_equal(again, first):
            fail(f"rnn_weights_from_torch called on the same module (in training mode) returned another {name}")
    training = student.attribute(kept, "training")
    if training is not True:
        fail(f"rnn_weights_from_torch changed the module's mode: it was in training mode (rnn.training True) "
             f"and is {'in eval mode' if training is False else kind(training)} afterwards: rnn.eval() "
             "switches the module itself; reading the weights needs no mode (take each tensor's .detach())")


@points(1)
def test_rnn_forward_matches_nn_rnn(student, rng):
    """rnn_forward with the weights from rnn_weights_from_torch reproduces nn.RNN's outputs, from zeros and an h0"""
    input_size, hidden_size, batch = 4, 6, 2
    rnn = _torch_rnn(input_size, hidden_size)
    inputs = random_inputs(rng, batch * TIMESTEPS, input_size).reshape(batch, TIMESTEPS, input_size)
    h0 = rng.normal(0, 0.5, (1, batch, hidden_size))
    with torch.no_grad():
        from_zeros = rnn(torch.tensor(inputs, dtype=torch.float32))[0].double().numpy()
        from_h0 = rnn(torch.tensor(inputs, dtype=torch.float32), torch.tensor(h0, dtype=torch.float32))[0]
    weights = unpack(student.call("rnn_weights_from_torch", rnn), 3, "rnn_weights_from_torch")
    for i in range(batch):
        for h, expected, label in ((None, from_zeros[i], "from zeros"),
                                   (h0[0, i], from_h0[i].double().numpy(), "from h0")):
            got = array(student.call("rnn_forward", inputs[i], *weights, h), "rnn_forward", expected.shape)
            close(got, expected, f"rnn_forward with the weights of an nn.RNN, {label}, compared with sequence {i} "
                  "of the nn.RNN's output", atol=config.FLOAT32_ATOL, rtol=0, rows="time step")


@points(1)
def test_numpy_rnn_functions_by_keyword(student, rng):
    """every function takes its arguments by keyword, with the contract's parameter names"""
    what = "init_rnn_params(input_size=3, hidden_size=4, seed=0)"
    by_keyword = init_weights(student, what, input_size=3, hidden_size=4, seed=0)
    if (name := _same(init_weights(student, "init_rnn_params(3, 4, 0)", 3, 4, 0), by_keyword)) is not None:
        fail(f"{what} gave another {name} than init_rnn_params(3, 4, 0): the same seed gives the same weights")
    Wx, Wh, b = random_cell(rng, 3, 5)
    x_t, h_prev = rng.normal(0, 1, 3), rng.normal(0, 0.5, 5)
    what = "rnn_cell_step(x_t=x_t, h_prev=h_prev, Wx=Wx, Wh=Wh, b=b)"
    expected = reference.rnn_cell_step(x_t, h_prev, Wx, Wh, b)
    close(array(student.call("rnn_cell_step", x_t=x_t, h_prev=h_prev, Wx=Wx, Wh=Wh, b=b), what, expected.shape),
          expected, what)
    inputs, h0 = random_inputs(rng, TIMESTEPS, 3), rng.normal(0, 0.5, 5)
    check_states(student.call("rnn_forward", inputs=inputs, Wx=Wx, Wh=Wh, b=b, h0=h0),
                 reference.rnn_forward(inputs, Wx, Wh, b, h0), "rnn_forward(inputs=inputs, Wx=Wx, Wh=Wh, b=b, h0=h0)")
    rnn = _torch_rnn(3, 5)
    what = "rnn_weights_from_torch(rnn=rnn)"
    got = unpack(student.call("rnn_weights_from_torch", rnn=rnn), 3, what)
    for name, g, e in zip(WEIGHT_NAMES, got, reference.rnn_weights_from_torch(rnn)):
        close(array(g, f"{name} from {what}", e.shape), e, f"{name} from {what}", atol=config.FLOAT32_ATOL, rtol=0)
