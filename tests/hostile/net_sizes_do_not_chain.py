# attack: a Net whose rnn and fc sizes do not chain (nn.RNN(3, hidden), nn.Linear(2, output)),
#   returned by train_char_rnn: the grader's trusted copy of the net cannot run
#   on the input, which crashed the grader ("please tell your instructor")
# expect: the student's net is at fault and the message says so in plain words; zero
# exercise: char_rnn
# message: cannot compute fc(rnn(x)) on an input of shape
from torch import nn


class Net(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.rnn = nn.RNN(3, hidden_size + 1, batch_first=True)
        self.fc = nn.Linear(2, output_size)

    def forward(self, x):
        return self.fc(self.rnn(x)[0])


def train_char_rnn(input_str="apple", label_str="pple!", hidden_size=5, learning_rate=0.1, epochs=100, seed=0):
    size = len(set(input_str + label_str))
    return Net(size, hidden_size, size), [1.0] * epochs, label_str  # made-up losses: zero is honest


def build_vocab(*args, **kwargs):
    raise NotImplementedError


make_char_maps = encode_pair = decode = build_vocab
