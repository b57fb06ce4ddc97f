# Unusual: training runs inside torch.random.fork_rng(), so seeding leaves the caller's random state
# alone; the loss is the summed cross-entropy divided by the number of steps (the same mean); the
# gradients are cleared with zero_grad(set_to_none=True) after the forward pass (still once per
# epoch, before backward); the loss value is taken with float() before optimizer.step().
import torch
from torch import nn


def build_vocab(input_str, label_str):
    return sorted(dict.fromkeys(input_str + label_str))


def make_char_maps(vocab):
    return {c: vocab.index(c) for c in vocab}, dict(enumerate(vocab))


def encode_pair(input_str, label_str, char_to_index):
    X = torch.zeros((1, len(input_str), len(char_to_index)), dtype=torch.float32)
    for t, c in enumerate(input_str):
        X[0][t][char_to_index[c]] = 1
    Y = torch.zeros((1, len(label_str)), dtype=torch.long)
    for t, c in enumerate(label_str):
        Y[0, t] = char_to_index[c]
    return X, Y


class Net(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.rnn = nn.RNN(input_size, hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        states, _ = self.rnn(x)
        B, T, H = states.shape
        return self.fc(states.reshape(B * T, H)).reshape(B, T, -1)


def decode(logits, index_to_char):
    return "".join(index_to_char[i] for i in logits[0].argmax(-1).tolist())


def train_char_rnn(input_str="apple", label_str="pple!", hidden_size=5, learning_rate=0.1, epochs=100, seed=0):
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        vocab = build_vocab(input_str, label_str)
        c2i, i2c = make_char_maps(vocab)
        X, Y = encode_pair(input_str, label_str, c2i)
        net = Net(len(vocab), hidden_size, len(vocab))
        summed = nn.CrossEntropyLoss(reduction="sum")
        optimizer = torch.optim.Adam(net.parameters(), lr=learning_rate)
        steps = Y.numel()
        losses = []
        for _ in range(epochs):
            logits = net(X)
            optimizer.zero_grad(set_to_none=True)
            loss = summed(logits.view(steps, -1), Y.view(steps)) / steps
            loss.backward()
            value = float(loss)
            optimizer.step()
            losses.append(value)
        with torch.no_grad():
            prediction = decode(net(X), i2c)
    return net, losses, prediction
