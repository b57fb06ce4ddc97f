# Unusual: make_rnn passes EVERY argument of nn.RNN positionally, in nn.RNN's own order
# (input_size, hidden_size, num_layers, nonlinearity, bias, batch_first, dropout, bidirectional);
# rnn_output_shapes collects its arguments with locals() and forwards them to make_rnn by keyword;
# the shapes are rebuilt with map(int, ...).
import torch
from torch import nn


def make_rnn(input_size, hidden_size, num_layers=1, bidirectional=False):
    return nn.RNN(input_size, hidden_size, num_layers, "tanh", True, True, 0.0, bidirectional)


def rnn_output_shapes(batch_size, time_steps, input_size, hidden_size, num_layers=1, bidirectional=False):
    config = dict(locals())
    rnn = make_rnn(**{k: config[k] for k in ("input_size", "hidden_size", "num_layers", "bidirectional")})
    output, h_n = rnn(torch.randn(config["batch_size"], config["time_steps"], config["input_size"]))
    return tuple(map(int, output.shape)), tuple(map(int, h_n.shape))
