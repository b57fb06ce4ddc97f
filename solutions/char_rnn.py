"""Exercise 3: a character RNN that learns to turn "apple" into "pple!".

At every step the net reads one character (one-hot) and predicts the next one.
"""
from __future__ import annotations

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


def train_char_rnn(input_str="apple", label_str="pple!", hidden_size=5,
                   learning_rate=0.1, epochs=100, seed=0):
    """(net, losses, prediction) after `epochs` epochs of Adam on the mean cross-entropy; with
    epochs=0, the untrained net as seeded, [] and its prediction."""
    torch.manual_seed(seed)
    vocab = build_vocab(input_str, label_str)
    char_to_index, index_to_char = make_char_maps(vocab)
    X, Y = encode_pair(input_str, label_str, char_to_index)

    net = Net(len(vocab), hidden_size, len(vocab))
    loss_fn = nn.CrossEntropyLoss()  # takes raw logits: no softmax before it
    optimizer = torch.optim.Adam(net.parameters(), lr=learning_rate)

    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        logits = net(X)
        # CrossEntropyLoss wants (N, V) scores and (N,) targets: flatten batch and time.
        loss = loss_fn(logits.reshape(-1, len(vocab)), Y.reshape(-1))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())

    with torch.no_grad():
        prediction = decode(net(X), index_to_char)
    return net, losses, prediction
