# attack: make_rnn returns a real 1-layer nn.RNN(2, 2) whose attributes claim
#   input_size = hidden_size = 4096 and num_layers = 4 (each value within the per-value cap): a
#   grader that builds the module from its configuration before checking the weights allocates
#   over 1 GB in the trusted process
# expect: the parameter shapes the configuration implies are worked out by arithmetic (and capped,
#   config.MAX_MODULE_PARAMETERS) and compared with the weights that came back before anything is
#   built; the module is refused; zero
# exercise: rnn_shapes
# message: cannot be rebuilt: its configuration claims 134250496 parameters, over the limit
from torch import nn


def make_rnn(input_size, hidden_size, num_layers=1, bidirectional=False):
    rnn = nn.RNN(2, 2)  # batch_first=False: the honest score is zero
    rnn.input_size = rnn.hidden_size = 4096
    rnn.num_layers = 4
    return rnn


def rnn_output_shapes(*args, **kwargs):
    raise NotImplementedError
