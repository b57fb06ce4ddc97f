# exercise: rnn_shapes
# Placeholder: echoes of the arguments: the output shape is the input's (batch, time, input_size),
#   h_n is (num_layers, batch, hidden_size); make_rnn ignores its arguments and
#   returns a one-unit nn.RNN; nothing about nn.RNN's shapes is computed.
# passes: none
from torch import nn


def make_rnn(input_size, hidden_size, num_layers=1, bidirectional=False):
    return nn.RNN(1, 1, batch_first=True)


def rnn_output_shapes(batch_size, time_steps, input_size, hidden_size, num_layers=1, bidirectional=False):
    return (batch_size, time_steps, input_size), (num_layers, batch_size, hidden_size)
