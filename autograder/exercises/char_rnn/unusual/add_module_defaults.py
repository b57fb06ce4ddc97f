# Unusual: the modules are registered with add_module() and the RNN spells out every default
# (num_layers=1, nonlinearity='tanh', bias=True, dropout=0.0); forward passes an explicit zero h0
# built with new_zeros; the training data are wrapped as a one-batch list that the loop iterates;
# the optimizer is built from net.named_parameters(); decode goes through numpy's argmax; losses are
# appended with loss.detach().item() under a set_grad_enabled block for the final prediction.
import numpy as np
import torch
from torch import nn


def build_vocab(input_str, label_str):
    seen = []
    for c in input_str + label_str:
        if c not in seen:
            seen.append(c)
    return sorted(seen)


def make_char_maps(vocab):
    pairs = list(enumerate(vocab))
    return {c: i for i, c in pairs}, {i: c for i, c in pairs}


def encode_pair(input_str, label_str, char_to_index):
    V = len(char_to_index)
    X = torch.stack([torch.nn.functional.one_hot(torch.tensor(char_to_index[c]), V) for c in input_str])
    X = X.to(torch.float32).unsqueeze(0)
    Y = torch.LongTensor([[char_to_index[c] for c in label_str]])
    return X, Y


class Net(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.add_module("rnn", nn.RNN(input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                                      batch_first=True, dropout=0.0, bidirectional=False))
        self.add_module("fc", nn.Linear(hidden_size, output_size, bias=True))

    def forward(self, x):
        h0 = x.new_zeros(1, x.shape[0], self.rnn.hidden_size)
        out, _ = self.rnn(x, h0)
        return self.fc(out)


def decode(logits, index_to_char):
    best = np.argmax(logits.detach().cpu().numpy(), axis=-1)[0]
    return "".join(index_to_char[int(i)] for i in np.atleast_1d(best))


def train_char_rnn(input_str="apple", label_str="pple!", hidden_size=5, learning_rate=0.1, epochs=100, seed=0):
    torch.manual_seed(seed)
    vocab = build_vocab(input_str, label_str)
    c2i, i2c = make_char_maps(vocab)
    batches = [encode_pair(input_str, label_str, c2i)]
    net = Net(len(vocab), hidden_size, len(vocab))
    optimizer = torch.optim.Adam([p for _, p in net.named_parameters()], lr=learning_rate)
    loss_fn = nn.CrossEntropyLoss(reduction="mean")
    losses = []
    net.train()
    for _ in range(epochs):
        for X, Y in batches:
            optimizer.zero_grad(set_to_none=True)
            logits = net(X)
            loss = loss_fn(logits.squeeze(0), Y.squeeze(0))  # (T, V) against (T,)
            loss.backward()
            optimizer.step()
            losses.append(loss.detach().item())
    X, _ = batches[0]
    with torch.set_grad_enabled(False):
        prediction = decode(net(X), i2c)
    return net, losses, prediction
