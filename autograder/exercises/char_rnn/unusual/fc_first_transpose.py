# Unusual: Net creates fc BEFORE rnn, so the same seed draws different initial weights than the
# reference (its losses differ from the reference's); the loss is F.cross_entropy on
# logits.transpose(1, 2) with the (1, T) targets unflattened; X is torch.eye(V)[indices]; decode is
# a plain Python loop over the rows; make_char_maps builds its dicts with zip.
import torch
import torch.nn.functional as F
from torch import nn


def build_vocab(input_str, label_str):
    vocab = list(set(input_str) | set(label_str))
    vocab.sort()
    return vocab


def make_char_maps(vocab):
    return dict(zip(vocab, range(len(vocab)))), dict(zip(range(len(vocab)), vocab))


def encode_pair(input_str, label_str, char_to_index):
    V = len(char_to_index)
    X = torch.eye(V)[[char_to_index[c] for c in input_str]][None]
    Y = torch.as_tensor([[char_to_index[c] for c in label_str]], dtype=torch.long)
    return X, Y


class Net(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.fc = nn.Linear(hidden_size, output_size)   # created first on purpose
        self.rnn = nn.RNN(input_size, hidden_size, batch_first=True)

    def forward(self, x):
        output, _hidden = self.rnn(x)
        return self.fc(output)


def decode(logits, index_to_char):
    text = ""
    for row in logits[0]:
        best, best_value = 0, None
        for i, value in enumerate(row.tolist()):
            if best_value is None or value > best_value:
                best, best_value = i, value
        text += index_to_char[best]
    return text


def train_char_rnn(input_str="apple", label_str="pple!", hidden_size=5, learning_rate=0.1, epochs=100, seed=0):
    torch.manual_seed(seed)
    vocab = build_vocab(input_str, label_str)
    c2i, i2c = make_char_maps(vocab)
    X, Y = encode_pair(input_str, label_str, c2i)
    net = Net(len(vocab), hidden_size, len(vocab))
    opt = torch.optim.Adam(net.parameters(), lr=learning_rate)
    losses = []
    for epoch in range(epochs):
        opt.zero_grad()
        logits = net(X)                                   # (1, T, V)
        loss = F.cross_entropy(logits.transpose(1, 2), Y)  # (1, V, T) against (1, T)
        loss.backward()
        opt.step()
        losses.append(float(loss))
    net.eval()
    with torch.no_grad():
        prediction = decode(net(X), i2c)
    return net, losses, prediction
