# exercise: char_rnn
# Placeholder: train_char_rnn returns the untrained Net with made-up losses falling from 1.6 to below 0.05 and
# the label itself as its prediction; the helpers are right.
# passes: test_build_vocab_apple, test_build_vocab_other_words, test_make_char_maps, test_encode_pair_one_hot_inputs, test_encode_pair_targets, test_net_has_rnn_and_fc, test_net_forward_shape, test_net_forward_uses_recurrence, test_net_forward_keeps_no_state, test_decode_argmax, test_decode_single_step, test_decode_uses_its_map, test_train_returns_net_losses_prediction
import torch
from torch import nn


def build_vocab(input_str: str, label_str: str) -> list[str]:
    return sorted(set(input_str + label_str))


def make_char_maps(vocab):
    char_to_index = {c: i for i, c in enumerate(vocab)}
    index_to_char = {i: c for i, c in enumerate(vocab)}
    return char_to_index, index_to_char


def encode_pair(input_str: str, label_str: str, char_to_index):
    """X: one-hot inputs (1, T, V) float32; Y: target indices (1, T) int64."""
    V = len(char_to_index)
    X = torch.zeros(1, len(input_str), V)
    for t, c in enumerate(input_str):
        X[0, t, char_to_index[c]] = 1.0
    Y = torch.tensor([[char_to_index[c] for c in label_str]])
    return X, Y


class Net(nn.Module):
    """An RNN reads the characters; a linear layer turns each hidden state into logits."""

    def __init__(self, input_size: int, hidden_size: int, output_size: int):
        super().__init__()
        self.rnn = nn.RNN(input_size, hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        states, _ = self.rnn(x)  # (B, T, hidden): the state after every character
        return self.fc(states)   # (B, T, output_size)


def decode(logits, index_to_char) -> str:
    """The most likely character at every step of a (1, T, V) tensor."""
    indices = logits.argmax(dim=-1)[0]
    return "".join(index_to_char[int(i)] for i in indices)


def train_char_rnn(input_str="apple", label_str="pple!", hidden_size=5, learning_rate=0.1, epochs=100, seed=0):
    torch.manual_seed(seed)
    vocab = build_vocab(input_str, label_str)
    char_to_index, index_to_char = make_char_maps(vocab)
    X, Y = encode_pair(input_str, label_str, char_to_index)
    net = Net(len(vocab), hidden_size, len(vocab))  # never trained
    losses = [1.6 * 0.9 ** epoch for epoch in range(epochs)]
    return net, losses, label_str
