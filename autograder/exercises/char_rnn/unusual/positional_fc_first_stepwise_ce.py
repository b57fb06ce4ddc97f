# Unusual: Net builds fc before rnn (another random draw order than the reference) and passes the
# RNN's arguments positionally, nn.RNN(input_size, hidden_size, 1, "tanh", True, True); the loss is
# the mean of per-step F.cross_entropy calls, one per time step (the same mean over T steps);
# Adam gets the learning rate positionally; the one-hot rows are a list comprehension.
import torch
import torch.nn.functional as F
from torch import nn


def build_vocab(input_str, label_str):
    return sorted(set("".join([input_str, label_str])))


def make_char_maps(vocab):
    index_to_char = dict(enumerate(vocab))
    return {c: i for i, c in index_to_char.items()}, index_to_char


def encode_pair(input_str, label_str, char_to_index):
    V = len(char_to_index)
    rows = [[1.0 if k == char_to_index[c] else 0.0 for k in range(V)] for c in input_str]
    return torch.tensor([rows]), torch.tensor([[char_to_index[c] for c in label_str]])


class Net(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.fc = nn.Linear(hidden_size, output_size)
        self.rnn = nn.RNN(input_size, hidden_size, 1, "tanh", True, True)  # layers, tanh, bias, batch_first

    def forward(self, x):
        return self.fc(self.rnn(x)[0])


def decode(logits, index_to_char):
    return "".join(index_to_char[int(logits[0, t].argmax())] for t in range(logits.shape[1]))


def train_char_rnn(input_str="apple", label_str="pple!", hidden_size=5, learning_rate=0.1, epochs=100, seed=0):
    torch.manual_seed(seed)
    vocab = build_vocab(input_str, label_str)
    c2i, i2c = make_char_maps(vocab)
    X, Y = encode_pair(input_str, label_str, c2i)
    net = Net(len(vocab), hidden_size, len(vocab))
    optimizer = torch.optim.Adam(net.parameters(), learning_rate)
    T = X.shape[1]
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        logits = net(X)
        loss = sum(F.cross_entropy(logits[:, t], Y[:, t]) for t in range(T)) / T
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    with torch.no_grad():
        prediction = decode(net(X), i2c)
    return net, losses, prediction
