# attack: train_char_rnn claims convergence (loss 0.0, prediction "pple!") with an untrained net;
#   Net.forward hangs; Net.rnn is not batch_first
# expect: the graders judge the returned weights, not the claims; Net.forward times out once; zero
# exercise: char_rnn
# message: Net.forward did not return within
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.rnn = nn.RNN(input_size, hidden_size)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        while True:
            pass


def train_char_rnn(input_str="apple", label_str="pple!", hidden_size=5, learning_rate=0.1, epochs=100, seed=0):
    print(f"epoch {epochs}: loss 0.0000, prediction pple! -- converged")
    return Net(len(set(input_str + label_str)), 2, len(set(input_str + label_str))), [0.0], "pple!"


def build_vocab(*args, **kwargs):
    raise NotImplementedError


make_char_maps = encode_pair = decode = build_vocab
