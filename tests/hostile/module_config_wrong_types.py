# attack: an nn.RNN whose configuration values have the wrong types: hidden_size a float
#   (8.5), num_layers True, batch_first the string "yes", dropout 1e308, nonlinearity a 100 KB
#   string; each would reach nn.RNN(**config) in the grader
# expect: every value is checked for its type and range as the reply is decoded, before anything is
#   built; the reply is refused with a plain message; zero
# exercise: rnn_shapes
# message: returned data the grader cannot read (its configuration has
from torch import nn


def make_rnn(input_size, hidden_size, num_layers=1, bidirectional=False):
    rnn = nn.RNN(input_size, hidden_size, num_layers=num_layers, bidirectional=bidirectional,
                 batch_first=True)
    rnn.hidden_size = hidden_size + 0.5
    rnn.num_layers = True
    rnn.batch_first = "yes"
    rnn.dropout = 1e308
    rnn.nonlinearity = "t" * 100_000
    return rnn


def rnn_output_shapes(*args, **kwargs):
    raise NotImplementedError
