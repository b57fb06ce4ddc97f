# Unusual: extra state that does not leak between calls: a module-level RUNS history that stores a
# copy of every run's losses, an lru_cache'd vocabulary helper (a tuple, copied into a new list), a
# Net that counts its forward calls in an attribute, a global LAST_PREDICTION; every call still
# returns a new list and a new net.
import functools

import torch
from torch import nn

RUNS = []
LAST_PREDICTION = None


@functools.lru_cache(maxsize=None)
def _sorted_chars(text):
    return tuple(sorted(set(text)))


def build_vocab(input_str, label_str):
    return list(_sorted_chars(input_str + label_str))


def make_char_maps(vocab):
    return {c: i for i, c in enumerate(vocab)}, {i: c for i, c in enumerate(vocab)}


def encode_pair(input_str, label_str, char_to_index):
    X = torch.zeros(1, len(input_str), len(char_to_index))
    X[0, range(len(input_str)), [char_to_index[c] for c in input_str]] = 1.0
    Y = torch.tensor([[char_to_index[c] for c in label_str]])
    return X, Y


class Net(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.rnn = nn.RNN(input_size, hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, output_size)
        self.calls = 0

    def forward(self, x):
        self.calls += 1          # bookkeeping only: the output does not depend on it
        return self.fc(self.rnn(x)[0])


def decode(logits, index_to_char):
    return "".join(index_to_char[int(i)] for i in logits.argmax(dim=-1)[0])


def train_char_rnn(input_str="apple", label_str="pple!", hidden_size=5, learning_rate=0.1, epochs=100, seed=0):
    global LAST_PREDICTION
    torch.manual_seed(seed)
    vocab = build_vocab(input_str, label_str)
    c2i, i2c = make_char_maps(vocab)
    X, Y = encode_pair(input_str, label_str, c2i)
    net = Net(len(vocab), hidden_size, len(vocab))
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=learning_rate)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = loss_fn(net(X).reshape(-1, len(vocab)), Y.reshape(-1))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    with torch.no_grad():
        LAST_PREDICTION = decode(net(X), i2c)
    RUNS.append({"pair": (input_str, label_str), "seed": seed, "losses": list(losses)})
    return net, losses, LAST_PREDICTION
