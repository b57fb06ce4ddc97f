# Unusual: the shapes are computed with NumPy (np.array([...]) * factors) and converted back to
# Python ints with .tolist(), which gives ints, not np.int64; make_rnn takes *args/**kwargs after its
# own four parameters and builds the module from a keyword dict; bidirectional may be any truthy value.
import numpy as np
from torch import nn


def make_rnn(input_size, hidden_size, num_layers=1, bidirectional=False, *args, **kwargs):
    options = {"num_layers": num_layers, "bidirectional": bool(bidirectional), "batch_first": True}
    return nn.RNN(input_size, hidden_size, **options)


def rnn_output_shapes(batch_size, time_steps, input_size, hidden_size, num_layers=1, bidirectional=False):
    directions = 2 if bidirectional else 1
    output = np.array([batch_size, time_steps, hidden_size]) * np.array([1, 1, directions])
    h_n = np.array([num_layers, batch_size, hidden_size]) * np.array([directions, 1, 1])
    return tuple(output.tolist()), tuple(h_n.tolist())
