# Unusual: rnn_output_shapes never touches torch: the shapes come from the formula
# (batch, time, directions * hidden) and (layers * directions, batch, hidden); make_rnn builds its
# nn.RNN from a kwargs dict (keyword names only, nonlinearity and bias spelled out).
from torch import nn


def make_rnn(input_size, hidden_size, num_layers=1, bidirectional=False):
    options = dict(input_size=input_size, hidden_size=hidden_size, num_layers=num_layers,
                   nonlinearity="tanh", bias=True, batch_first=True, bidirectional=bidirectional)
    return nn.RNN(**options)


def rnn_output_shapes(batch_size, time_steps, input_size, hidden_size, num_layers=1, bidirectional=False):
    directions = 2 if bidirectional else 1
    output_shape = (batch_size, time_steps, directions * hidden_size)
    h_n_shape = (num_layers * directions, batch_size, hidden_size)
    return output_shape, h_n_shape
