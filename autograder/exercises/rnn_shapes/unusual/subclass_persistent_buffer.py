# Unusual: make_rnn returns a subclass of nn.RNN that keeps its number of directions in a
# (persistent) buffer of its own, part of its state_dict though not one of nn.RNN's weights.
import torch
from torch import nn


class BatchFirstRNN(nn.RNN):
    def __init__(self, input_size, hidden_size, num_layers=1, bidirectional=False):
        super().__init__(input_size, hidden_size, num_layers=num_layers, bidirectional=bidirectional,
                         batch_first=True)
        self.register_buffer("num_directions", torch.tensor(2 if bidirectional else 1))

    def zero_state(self, batch_size):
        return torch.zeros(self.num_layers * int(self.num_directions), batch_size, self.hidden_size)


def make_rnn(input_size, hidden_size, num_layers=1, bidirectional=False):
    return BatchFirstRNN(input_size, hidden_size, num_layers, bidirectional)


def rnn_output_shapes(batch_size, time_steps, input_size, hidden_size, num_layers=1, bidirectional=False):
    rnn = make_rnn(input_size, hidden_size, num_layers, bidirectional)
    output, h_n = rnn(torch.randn(batch_size, time_steps, input_size), rnn.zero_state(batch_size))
    return tuple(output.shape), tuple(h_n.shape)
