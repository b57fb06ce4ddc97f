# exercise: rnn_shapes
# Placeholder: tuples of Python ints that are all zero, and an nn.RNN whose sizes are fixed at 1;
#   the right types, nothing computed.
# passes: none
from torch import nn


def make_rnn(input_size, hidden_size, num_layers=1, bidirectional=False):
    return nn.RNN(1, 1, batch_first=True)


def rnn_output_shapes(batch_size, time_steps, input_size, hidden_size, num_layers=1, bidirectional=False):
    return (0, 0, 0), (0, 0, 0)
