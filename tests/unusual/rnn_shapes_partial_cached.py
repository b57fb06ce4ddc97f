# exercise: rnn_shapes
# Unusual: make_rnn is not a def at all but functools.partial(nn.RNN, batch_first=True);
# rnn_output_shapes is memoised with functools.lru_cache, runs the module under torch.inference_mode
# on torch.empty data with an explicit h0, and passes the shapes through list() and back to tuple().
import functools

import torch
from torch import nn

make_rnn = functools.partial(nn.RNN, batch_first=True)


@functools.lru_cache(maxsize=None)
def rnn_output_shapes(batch_size, time_steps, input_size, hidden_size, num_layers=1, bidirectional=False):
    rnn = make_rnn(input_size, hidden_size, num_layers=num_layers, bidirectional=bidirectional)
    directions = 1 + int(bidirectional)
    h0 = torch.zeros(num_layers * directions, batch_size, hidden_size)
    with torch.inference_mode():
        output, h_n = rnn(torch.empty(batch_size, time_steps, input_size).normal_(), h0)
    return tuple(list(output.size())), tuple(list(h_n.size()))
