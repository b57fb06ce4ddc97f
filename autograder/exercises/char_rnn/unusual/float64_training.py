# Unusual: training runs in float64 (net.double() and X.double()), so the returned net holds float64
# weights while encode_pair still returns float32; Net has an extra nn.Identity submodule and an
# extra (unused) keyword argument; decode indexes a NumPy array of characters; the losses are
# converted with float() from 0-d numpy values.
import numpy as np
import torch
from torch import nn


def build_vocab(input_str, label_str):
    return sorted(frozenset(input_str).union(label_str))


def make_char_maps(vocab):
    char_to_index = {char: index for index, char in enumerate(vocab)}
    return char_to_index, {index: char for char, index in char_to_index.items()}


def encode_pair(input_str, label_str, char_to_index):
    V = len(char_to_index)
    rows = np.zeros((1, len(input_str), V), dtype=np.float32)
    rows[0, np.arange(len(input_str)), [char_to_index[c] for c in input_str]] = 1.0
    targets = np.array([[char_to_index[c] for c in label_str]], dtype=np.int64)
    return torch.from_numpy(rows), torch.from_numpy(targets)


class Net(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, name="char-rnn"):
        super().__init__()
        self.name = name
        self.rnn = nn.RNN(input_size, hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, output_size)
        self.between = nn.Identity()

    def forward(self, x):
        x = x.to(self.fc.weight.dtype)
        return self.fc(self.between(self.rnn(x)[0]))


def decode(logits, index_to_char):
    chars = np.array([index_to_char[i] for i in range(len(index_to_char))])
    picked = chars[logits.detach().argmax(-1)[0].numpy()]
    return "".join(picked.tolist())


def train_char_rnn(input_str="apple", label_str="pple!", hidden_size=5, learning_rate=0.1, epochs=100, seed=0):
    torch.manual_seed(seed)
    vocab = build_vocab(input_str, label_str)
    c2i, i2c = make_char_maps(vocab)
    X, Y = encode_pair(input_str, label_str, c2i)
    X = X.double()
    net = Net(len(vocab), hidden_size, len(vocab)).double()
    optimizer = torch.optim.Adam(net.parameters(), lr=learning_rate)
    criterion = nn.CrossEntropyLoss()
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = criterion(net(X).reshape(-1, len(vocab)), Y.reshape(-1))
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach().numpy()))
    with torch.no_grad():
        prediction = decode(net(X), i2c)
    return net, losses, prediction
