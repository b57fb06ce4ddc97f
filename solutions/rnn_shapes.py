"""Exercise 2: what shapes nn.RNN returns.

With batch_first=True an input is (batch, time, features) and nn.RNN returns
    output: (batch, time, directions * hidden)   the last layer's state at every step
    h_n:    (layers * directions, batch, hidden)  every layer's and direction's last state
"""
from __future__ import annotations

import torch
from torch import nn


def make_rnn(input_size: int, hidden_size: int, num_layers: int = 1, bidirectional: bool = False) -> nn.RNN:
    return nn.RNN(input_size, hidden_size, num_layers=num_layers,
                  bidirectional=bidirectional, batch_first=True)


def rnn_output_shapes(batch_size: int, time_steps: int, input_size: int, hidden_size: int,
                      num_layers: int = 1, bidirectional: bool = False):
    """Run a real nn.RNN on random data and report (output.shape, h_n.shape) as tuples."""
    rnn = make_rnn(input_size, hidden_size, num_layers, bidirectional)
    x = torch.randn(batch_size, time_steps, input_size)
    output, h_n = rnn(x)
    return tuple(output.shape), tuple(h_n.shape)
