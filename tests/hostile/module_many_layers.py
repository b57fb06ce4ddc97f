# attack: make_rnn returns a small nn.RNN whose attributes claim 4096 layers of 4096 x 4096
#   (bidirectional): built from that configuration, the module alone is 1.1e11 parameters,
#   which runs the trusted process out of memory
# expect: refused from arithmetic on the configuration (over the parameter cap) before anything is
#   allocated; zero; the grader's memory stays small
# exercise: rnn_shapes
# message: cannot be rebuilt
from torch import nn


def make_rnn(input_size, hidden_size, num_layers=1, bidirectional=False):
    rnn = nn.RNN(2, 2)  # batch_first=False: the honest score is zero
    rnn.input_size = rnn.hidden_size = rnn.num_layers = 4096
    rnn.bidirectional = True
    return rnn


def rnn_output_shapes(*args, **kwargs):
    raise NotImplementedError
