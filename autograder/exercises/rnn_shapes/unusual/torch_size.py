# Unusual: rnn_output_shapes returns output.shape and h_n.shape as they are: torch.Size objects,
# which ARE tuples of ints (torch.Size subclasses tuple); make_rnn sets batch_first after
# construction by assignment; the module runs on a one-hot batch built with torch.eye.
import torch
from torch import nn


def make_rnn(input_size, hidden_size, num_layers=1, bidirectional=False):
    rnn = nn.RNN(input_size, hidden_size, num_layers, bidirectional=bidirectional)
    rnn.batch_first = True
    return rnn


def rnn_output_shapes(batch_size, time_steps, input_size, hidden_size, num_layers=1, bidirectional=False):
    rnn = make_rnn(input_size, hidden_size, num_layers, bidirectional)
    eye = torch.eye(input_size)
    x = eye[torch.arange(batch_size * time_steps) % input_size].reshape(batch_size, time_steps, input_size)
    output, h_n = rnn(x)
    assert isinstance(output.shape, tuple)
    return output.shape, h_n.shape
