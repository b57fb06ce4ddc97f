# Unusual: Net.forward loops over the time steps itself, feeding one step at a time into self.rnn
# with the hidden state passed explicitly, then concatenates; the vocabulary is
# sorted(set().union(a, b)); X is F.one_hot(...).float(); decode uses .max(dim=-1).indices;
# training calls net.zero_grad() instead of optimizer.zero_grad().
import torch
import torch.nn.functional as F
from torch import nn


def build_vocab(input_str, label_str):
    return sorted(set().union(input_str, label_str))


def make_char_maps(vocab):
    return {c: i for i, c in enumerate(vocab)}, dict(enumerate(vocab))


def encode_pair(input_str, label_str, char_to_index):
    idx = torch.tensor([char_to_index[c] for c in input_str])
    X = F.one_hot(idx, num_classes=len(char_to_index)).float().unsqueeze(0)
    Y = torch.tensor([char_to_index[c] for c in label_str], dtype=torch.int64).unsqueeze(0)
    return X, Y


class Net(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.rnn = nn.RNN(input_size, hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        h = None
        outputs = []
        for t in range(x.shape[1]):
            step_out, h = self.rnn(x[:, t:t + 1, :], h)  # (B, 1, hidden), h: (1, B, hidden)
            outputs.append(step_out)
        return self.fc(torch.cat(outputs, dim=1))


def decode(logits, index_to_char):
    return "".join(index_to_char[i] for i in logits.max(dim=-1).indices[0].tolist())


def train_char_rnn(input_str="apple", label_str="pple!", hidden_size=5, learning_rate=0.1, epochs=100, seed=0):
    torch.manual_seed(seed)
    vocab = build_vocab(input_str, label_str)
    c2i, i2c = make_char_maps(vocab)
    X, Y = encode_pair(input_str, label_str, c2i)
    net = Net(len(vocab), hidden_size, len(vocab))
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=learning_rate)
    losses = []
    for _ in range(epochs):
        net.zero_grad()
        loss = criterion(net(X).view(-1, len(vocab)), Y.view(-1))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    with torch.no_grad():
        prediction = decode(net(X), i2c)
    return net, losses, prediction
