# Unusual: make_rnn returns a subclass of nn.RNN (batch_first forced on in its constructor, an
# extra helper method); rnn_output_shapes runs a real module on torch.zeros under torch.no_grad()
# and converts each size with int() in a generator expression.
import torch
from torch import nn


class BatchFirstRNN(nn.RNN):
    """An nn.RNN that always reads (batch, time, features)."""

    def __init__(self, input_size, hidden_size, num_layers=1, bidirectional=False):
        super().__init__(input_size, hidden_size, num_layers=num_layers, bidirectional=bidirectional,
                         batch_first=True)

    def directions(self):
        return 2 if self.bidirectional else 1


def make_rnn(input_size, hidden_size, num_layers=1, bidirectional=False):
    return BatchFirstRNN(input_size, hidden_size, num_layers, bidirectional)


def rnn_output_shapes(batch_size, time_steps, input_size, hidden_size, num_layers=1, bidirectional=False):
    rnn = make_rnn(input_size, hidden_size, num_layers=num_layers, bidirectional=bidirectional)
    with torch.no_grad():
        output, h_n = rnn(torch.zeros(batch_size, time_steps, input_size))
    return tuple(int(n) for n in output.shape), tuple(int(n) for n in h_n.shape)
