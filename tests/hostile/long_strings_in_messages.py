# attack: strings of 300 KB (under the reply's JSON cap) inside returned shapes and as a module's
#   class name, so that every failure message quotes them whole: hundreds of KB per test,
#   copied into every report format
# expect: messages are cut on the trusted side to a few KB per test (config.MAX_TEST_MESSAGE_CHARS);
#   zero
# exercise: rnn_shapes
# message: characters not shown
from torch import nn


def rnn_output_shapes(*args, **kwargs):
    return (1, 10, "8" * 300_000), ("1" * 300_000,)


def make_rnn(*args, **kwargs):
    return type("R" * 300_000, (nn.RNN,), {})(5, 8, num_layers=2)  # wrong on purpose: zero is honest
