# Unusual: harmless state: the correct form of functools.partial(nn.RNN, batch_first=True), wrapped
# in a def that names num_layers and bidirectional; rnn_output_shapes is memoised with lru_cache on
# ALL its arguments (so cached answers are right), and keeps a module-level list of the
# configurations it was asked about.
import functools

import torch
from torch import nn

_BatchFirstRNN = functools.partial(nn.RNN, batch_first=True)
ASKED = []


def make_rnn(input_size, hidden_size, num_layers=1, bidirectional=False):
    return _BatchFirstRNN(input_size, hidden_size, num_layers=num_layers, bidirectional=bidirectional)


@functools.lru_cache(maxsize=64)
def rnn_output_shapes(batch_size, time_steps, input_size, hidden_size, num_layers=1, bidirectional=False):
    ASKED.append((batch_size, time_steps, input_size, hidden_size, num_layers, bidirectional))
    with torch.no_grad():
        output, h_n = make_rnn(input_size, hidden_size, num_layers, bidirectional)(
            torch.randn(batch_size, time_steps, input_size))
    return tuple(output.shape), tuple(h_n.shape)
