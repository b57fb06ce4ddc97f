"""Graders of exercise 2: the shapes nn.RNN returns, checked against torch itself.

Both functions are called in every form the contract allows: defaults omitted, positional in the
contract's order, keywords (as the tutorial's public checks call them); every configuration has
input_size != hidden_size, so a shape that echoes the wrong size shows.
"""
from __future__ import annotations

import functools
import itertools

import numpy as np
import pytest
import torch
from torch import nn

from autograder.grading.student_code import StudentCodeError

from autograder.grading.checks import build, fail, kind, module, unpack
from autograder.sandbox.wire import ModuleData

points = pytest.mark.points

PARAMETERS = ("batch_size", "time_steps", "input_size", "hidden_size", "num_layers", "bidirectional")
# (batch_size, time_steps, input_size, hidden_size): the tutorial's, then others (batch > 1, T = 1)
SIZES = [(1, 10, 5, 8), (3, 4, 2, 6), (2, 1, 7, 3)]
# (batch_size, time_steps, input_size, hidden_size, num_layers, bidirectional)
MANY = [
    (batch, steps, 2 + layers + hidden, hidden, layers, bidirectional)
    for (batch, steps, hidden), layers, bidirectional in itertools.product(
        [(2, 7, 4), (5, 1, 6), (3, 12, 3)], [1, 2, 3], [False, True])
]
MODULES = [(5, 8, 1, False), (3, 4, 2, False), (4, 6, 2, True), (2, 3, 3, True), (6, 2, 1, True)]


@functools.lru_cache(maxsize=None)
def torch_shapes(batch_size: int, time_steps: int, input_size: int, hidden_size: int, num_layers: int = 1,
                 bidirectional: bool = False) -> tuple:
    """What torch itself reports for this configuration (the contract's parameters)."""
    rnn = nn.RNN(input_size, hidden_size, num_layers=num_layers, bidirectional=bidirectional, batch_first=True)
    with torch.no_grad():
        output, h_n = rnn(torch.randn(batch_size, time_steps, input_size))
    return tuple(output.shape), tuple(h_n.shape)


def call_text(args: tuple, kwargs: dict) -> str:
    return "rnn_output_shapes(" + ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())]) + ")"


def called(student, what: str, function: str, *args, **kwargs):
    """student.call, whose failure names the call form that failed (e.g. positional, keywords)."""
    try:
        return student.call(function, *args, **kwargs)
    except StudentCodeError as error:
        fail(f"{what}: {error}")


def shapes(student, *args, **kwargs) -> tuple[tuple, tuple]:
    """The student's (output shape, h_n shape) for this call, checked against torch's."""
    what = call_text(args, kwargs)
    return checked_shapes(called(student, what, "rnn_output_shapes", *args, **kwargs), what, *args, **kwargs)


def checked_shapes(result, what: str, *args, **kwargs) -> tuple[tuple, tuple]:
    """A result of rnn_output_shapes(*args, **kwargs) as its two shapes, checked against torch's."""
    got = unpack(result, 2, what)
    expected = torch_shapes(*args, **kwargs)
    for name, shape, want in zip(("output", "h_n"), got, expected):
        numbers = shape_numbers(shape)
        if numbers is None:
            shown = repr(tuple(shape)) if isinstance(shape, (tuple, list)) else kind(shape)
            fail(f"{what}: the {name} shape should be a tuple of ints, {want}, but is {shown}")
        if numbers != want:
            fail(f"{what}: the {name} shape should be {want}, got {numbers}")
    return got


def shape_numbers(shape) -> tuple[int, ...] | None:
    """A shape's numbers, whatever holds them (the form is test_rnn_output_shapes_are_tuples_of_ints'
    business); None when they are not whole numbers."""
    if isinstance(shape, (np.ndarray, torch.Tensor)):
        shape = shape.tolist() if shape.ndim == 1 else None
    if not isinstance(shape, (tuple, list)):
        return None
    whole = lambda n: (isinstance(n, (int, float, np.integer, np.floating))  # noqa: E731
                       and not isinstance(n, (bool, np.bool_)) and float(n).is_integer())
    return tuple(int(n) for n in shape) if all(whole(n) for n in shape) else None


@points(1)
def test_rnn_output_shapes_defaults(student):
    """rnn_output_shapes with num_layers and bidirectional left out gives one unidirectional layer's shapes"""
    for size in SIZES:
        shapes(student, *size)


@points(1)
def test_rnn_output_shapes_keywords(student):
    """rnn_output_shapes takes num_layers, bidirectional (and every other argument) by keyword, as the tutorial does"""
    for size in SIZES:
        shapes(student, *size, num_layers=2)
        shapes(student, *size, bidirectional=True)
        shapes(student, *size, num_layers=2, bidirectional=True)
        shapes(student, *size, bidirectional=False, num_layers=3)
    keywords = dict(zip(PARAMETERS, (2, 3, 4, 6, 2, True)))
    shapes(student, **dict(reversed(keywords.items())))


@points(3)
def test_rnn_output_shapes_many_configurations(student):
    """rnn_output_shapes, called positionally, is right for other batches, lengths, sizes, 1-3 layers, both directions"""
    for case in MANY:
        shapes(student, *case)


@points(1)
def test_rnn_output_shapes_are_tuples_of_ints(student):
    """rnn_output_shapes returns the right shapes as a tuple of two tuples of Python ints"""
    args = (3, 4, 2, 6, 2, True)
    what = call_text(args, {})
    pair = called(student, what, "rnn_output_shapes", *args)
    if isinstance(pair, list):
        fail(f"{what} should return the pair as a tuple (output_shape, h_n_shape), but returned a list: "
             "return tuple(output.shape), tuple(h_n.shape)")
    for name, shape in zip(("output", "h_n"), checked_shapes(pair, what, *args)):
        if not isinstance(shape, tuple):
            fail(f"{what}: the {name} shape should be a tuple, but is {kind(shape)}: return tuple(output.shape)")
        wrong = next((n for n in shape if type(n) is not int), None)
        if wrong is not None:
            numpy = isinstance(wrong, np.generic)
            fail(f"{what}: the {name} shape should hold Python ints, but its items are "
                 f"{'np.' + type(wrong).__name__ + ' (NumPy integers)' if numpy else type(wrong).__name__}: "
                 "return tuple(output.shape) of the torch.Size itself (its items are ints), or convert each "
                 "item with int(n)")


def rnn_of(student, what: str, *args, **kwargs) -> nn.RNN:
    """make_rnn(*args, **kwargs) as a trusted nn.RNN rebuilt from its weights, batch_first and tanh checked."""
    return checked_rnn(called(student, what, "make_rnn", *args, **kwargs), what)


def checked_rnn(value, what: str) -> nn.RNN:
    rnn = build(module(value, what, "RNN"), what)  # its weights must fit its configuration
    if rnn.batch_first is not True:
        fail(f"{what} should build its nn.RNN with batch_first=True, so inputs are (batch, time, features); "
             f"got batch_first={rnn.batch_first!r}")
    if rnn.nonlinearity != "tanh":
        fail(f"{what} should build tanh cells (nn.RNN's default nonlinearity), got nonlinearity="
             f"{rnn.nonlinearity!r}")
    return rnn


def check_configuration(rnn: nn.RNN, what: str, input_size: int, hidden: int, layers: int,
                        bidirectional: bool) -> None:
    got = (rnn.input_size, rnn.hidden_size, rnn.num_layers, rnn.bidirectional)
    if got != (input_size, hidden, layers, bidirectional):
        fail(f"{what} should build nn.RNN(input_size={input_size}, hidden_size={hidden}, num_layers={layers}, "
             f"bidirectional={bidirectional}), got nn.RNN(input_size={got[0]!r}, hidden_size={got[1]!r}, "
             f"num_layers={got[2]!r}, bidirectional={got[3]!r})")


def check_nn_rnn_defaults(data: ModuleData, rnn: nn.RNN, what: str) -> None:
    """What make_rnn is not asked for stays nn.RNN's default: biases, no dropout, float32 weights
    that are trained (require grad)."""
    if not rnn.bias:
        fail(f"{what} should keep nn.RNN's biases (bias=True, its default), got bias=False: "
             "leave bias out of nn.RNN(...)")
    if rnn.dropout:
        fail(f"{what} should build an nn.RNN without dropout (dropout=0, its default), got "
             f"dropout={rnn.dropout!r}: leave dropout out of nn.RNN(...)")
    dtypes = sorted({str(weight.dtype) for weight in data.parameters().values()})
    if dtypes != ["torch.float32"]:
        fail(f"{what} should have float32 weights (torch's default), got {', '.join(dtypes)}: "
             "do not call .double() or pass a dtype")
    if data.frozen:
        fail(f"{what} should return weights that can be trained, but {', '.join(sorted(data.frozen))} do not "
             "require grad: do not call .requires_grad_(False) on the module")


@points(1)
def test_make_rnn_defaults(student):
    """make_rnn(input_size, hidden_size) builds one unidirectional layer of tanh cells with batch_first=True
    and nn.RNN's other defaults (with more layers too)"""
    for input_size, hidden in ((5, 8), (4, 6)):
        what = f"make_rnn({input_size}, {hidden})"
        data = called(student, what, "make_rnn", input_size, hidden)
        rnn = checked_rnn(data, what)
        check_configuration(rnn, what, input_size, hidden, 1, False)
        check_nn_rnn_defaults(data, rnn, what)
    for args in ((4, 6, 2), (3, 5, 3, True)):  # dropout, for one, acts only between layers
        what = f"make_rnn({', '.join(map(repr, args))})"
        data = called(student, what, "make_rnn", *args)
        check_nn_rnn_defaults(data, checked_rnn(data, what), what)


@points(1)
def test_make_rnn_configuration(student):
    """make_rnn builds the sizes, layers and directions it is asked for by keyword"""
    for input_size, hidden, layers, bidirectional in MODULES:
        what = f"make_rnn({input_size}, {hidden}, num_layers={layers}, bidirectional={bidirectional})"
        rnn = rnn_of(student, what, input_size, hidden, num_layers=layers, bidirectional=bidirectional)
        check_configuration(rnn, what, input_size, hidden, layers, bidirectional)
    what = "make_rnn(input_size=3, hidden_size=7, bidirectional=True)"
    check_configuration(rnn_of(student, what, input_size=3, hidden_size=7, bidirectional=True), what, 3, 7, 1, True)


@points(1)
def test_make_rnn_positional(student):
    """make_rnn(input_size, hidden_size, num_layers, bidirectional) takes its arguments in the contract's order"""
    for input_size, hidden, layers, bidirectional in MODULES:
        what = f"make_rnn({input_size}, {hidden}, {layers}, {bidirectional})"
        rnn = rnn_of(student, what, input_size, hidden, layers, bidirectional)
        check_configuration(rnn, what, input_size, hidden, layers, bidirectional)
    what = "make_rnn(4, 6, 3)"
    check_configuration(rnn_of(student, what, 4, 6, 3), what, 4, 6, 3, False)


@points(1)
def test_make_rnn_returns_a_new_module_each_call(student):
    """make_rnn builds the right new nn.RNN on every call: two modules it returned never share their weights"""
    what = "make_rnn(4, 6)"
    first, second = (student.new("make_rnn", 4, 6) for _ in range(2))
    before = checked_rnn(student.value(second), what)
    check_configuration(before, what, 4, 6, 1, False)
    student.method(first, "reset_parameters")  # new random weights for the first module only
    after = checked_rnn(student.value(second), what)
    for name, value in before.state_dict().items():
        if not torch.equal(value, after.state_dict()[name]):
            fail(f"two calls of {what} returned the same module: re-initialising the first changed the "
                 f"second's {name}; build a new nn.RNN in every call (no cache of built modules)")
