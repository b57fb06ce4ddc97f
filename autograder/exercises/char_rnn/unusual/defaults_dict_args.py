# Unusual: train_char_rnn takes *args and **kwargs and binds them itself against a DEFAULTS dict in
# the contract's order, so the default, positional and keyword call forms all go through one path;
# Net has an extra keyword-only nonlinearity option; the loss is F.cross_entropy(logits[0], Y[0])
# (one sequence, no reshape); optimizer.zero_grad(set_to_none=False) keeps zeroed gradient tensors;
# losses via float().
import torch
import torch.nn.functional as F
from torch import nn

DEFAULTS = {"input_str": "apple", "label_str": "pple!", "hidden_size": 5, "learning_rate": 0.1,
            "epochs": 100, "seed": 0}


def build_vocab(input_str, label_str):
    return sorted(set(input_str) | set(label_str))


def make_char_maps(vocab):
    return {c: i for i, c in enumerate(vocab)}, {i: c for i, c in enumerate(vocab)}


def encode_pair(input_str, label_str, char_to_index):
    V = len(char_to_index)
    X = F.one_hot(torch.tensor([[char_to_index[c] for c in input_str]]), V).to(torch.float32)
    Y = torch.tensor([[char_to_index[c] for c in label_str]], dtype=torch.int64)
    return X, Y


class Net(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, *, nonlinearity="tanh"):
        super().__init__()
        self.rnn = nn.RNN(input_size, hidden_size, nonlinearity=nonlinearity, batch_first=True)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        return self.fc(self.rnn(x)[0])


def decode(logits, index_to_char):
    return "".join(index_to_char[k] for k in torch.argmax(logits, dim=2)[0].tolist())


def train_char_rnn(*args, **kwargs):
    unknown = set(kwargs) - set(DEFAULTS)
    if len(args) > len(DEFAULTS) or unknown:
        raise TypeError(f"train_char_rnn() got unexpected arguments {args[len(DEFAULTS):]} {unknown or ''}")
    settings = {**DEFAULTS, **dict(zip(DEFAULTS, args)), **kwargs}
    torch.manual_seed(settings["seed"])
    vocab = build_vocab(settings["input_str"], settings["label_str"])
    c2i, i2c = make_char_maps(vocab)
    X, Y = encode_pair(settings["input_str"], settings["label_str"], c2i)
    net = Net(len(vocab), settings["hidden_size"], len(vocab))
    optimizer = torch.optim.Adam(net.parameters(), lr=settings["learning_rate"])
    losses = []
    for _ in range(settings["epochs"]):
        optimizer.zero_grad(set_to_none=False)
        loss = F.cross_entropy(net(X)[0], Y[0])   # (T, V) against (T,)
        loss.backward()
        optimizer.step()
        losses.append(float(loss))
    with torch.no_grad():
        return net, losses, decode(net(X), i2c)
