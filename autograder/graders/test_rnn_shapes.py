"""Graders of exercise 2: the shapes nn.RNN returns, checked against torch itself."""
from __future__ import annotations

import itertools

import pytest
import torch
from torch import nn

from .checks import build, fail, kind, module, unpack

points = pytest.mark.points

# (batch_size, time_steps, input_size, hidden_size, num_layers, bidirectional)
TUTORIAL = [(1, 10, 5, 8, 1, False), (1, 10, 5, 8, 2, False), (1, 10, 5, 8, 2, True)]
MANY = [
    (batch, steps, 3 + layers, hidden, layers, bidirectional)
    for (batch, steps, hidden), layers, bidirectional in itertools.product(
        [(2, 7, 4), (5, 1, 6), (3, 12, 3)], [1, 2, 3], [False, True])
]
MODULES = [(5, 8, 1, False), (3, 4, 2, False), (4, 6, 2, True), (2, 3, 3, True)]


def torch_shapes(batch: int, steps: int, input_size: int, hidden: int, layers: int, bidirectional: bool) -> tuple:
    """What torch itself reports for this configuration."""
    rnn = nn.RNN(input_size, hidden, num_layers=layers, bidirectional=bidirectional, batch_first=True)
    with torch.no_grad():
        output, h_n = rnn(torch.randn(batch, steps, input_size))
    return tuple(output.shape), tuple(h_n.shape)


def call_text(case: tuple) -> str:
    batch, steps, input_size, hidden, layers, bidirectional = case
    return (f"rnn_output_shapes(batch_size={batch}, time_steps={steps}, input_size={input_size}, "
            f"hidden_size={hidden}, num_layers={layers}, bidirectional={bidirectional})")


def check_shapes(student, cases: list[tuple]) -> None:
    for case in cases:
        what = call_text(case)
        output_shape, h_n_shape = unpack(student.call("rnn_output_shapes", *case), 2, what)
        expected_output, expected_h_n = torch_shapes(*case)
        for name, got, expected in (("output", output_shape, expected_output), ("h_n", h_n_shape, expected_h_n)):
            got_tuple = tuple(got) if isinstance(got, (tuple, list)) else got
            if got_tuple != expected:
                fail(f"{what}: the {name} shape should be {expected}, got {got_tuple!r}")


@points(2)
def test_rnn_output_shapes_tutorial(student):
    """rnn_output_shapes gives the tutorial's shapes (one layer, two layers, two layers bidirectional)"""
    check_shapes(student, TUTORIAL)


@points(3)
def test_rnn_output_shapes_many_configurations(student):
    """rnn_output_shapes is right for other batch sizes, lengths, sizes, layers and directions"""
    check_shapes(student, MANY)


@points(1)
def test_rnn_output_shapes_are_tuples_of_ints(student):
    """rnn_output_shapes returns two tuples of Python ints"""
    what = call_text(TUTORIAL[0])
    for name, shape in zip(("output", "h_n"), unpack(student.call("rnn_output_shapes", *TUTORIAL[0]), 2, what)):
        if not isinstance(shape, tuple) or not all(type(n) is int for n in shape):
            fail(f"{what}: the {name} shape should be a tuple of ints like (1, 10, 8), but is {kind(shape)} "
                 "(tuple(t.shape) gives one)")


@points(1)
def test_make_rnn_returns_batch_first_rnn(student):
    """make_rnn returns an nn.RNN with batch_first=True"""
    rnn = module(student.call("make_rnn", 5, 8), "make_rnn(5, 8)", "RNN")
    if rnn.config.get("batch_first") is not True:
        fail("make_rnn(5, 8) should build its nn.RNN with batch_first=True, so inputs are (batch, time, features)")


@points(2)
def test_make_rnn_configuration(student):
    """make_rnn builds the sizes, layers and directions it is asked for"""
    for input_size, hidden, layers, bidirectional in MODULES:
        what = f"make_rnn({input_size}, {hidden}, num_layers={layers}, bidirectional={bidirectional})"
        data = module(student.call("make_rnn", input_size, hidden, num_layers=layers, bidirectional=bidirectional),
                      what, "RNN")
        rnn = build(data, what)  # its weights must fit its configuration
        got = (rnn.input_size, rnn.hidden_size, rnn.num_layers, rnn.bidirectional)
        if got != (input_size, hidden, layers, bidirectional):
            fail(f"{what} built nn.RNN(input_size={got[0]}, hidden_size={got[1]}, num_layers={got[2]}, "
                 f"bidirectional={got[3]})")


@points(1)
def test_make_rnn_defaults(student):
    """make_rnn without num_layers and bidirectional builds one unidirectional layer"""
    rnn = build(module(student.call("make_rnn", 4, 6), "make_rnn(4, 6)", "RNN"), "make_rnn(4, 6)")
    if rnn.num_layers != 1 or rnn.bidirectional:
        fail(f"make_rnn(4, 6) should default to num_layers=1, bidirectional=False; got num_layers="
             f"{rnn.num_layers}, bidirectional={rnn.bidirectional}")
