# Unusual: training prints its progress every epoch and emits a UserWarning every epoch (a different
# message each time, so none is deduplicated); the optimizer step takes a closure; the loss is
# log_softmax + NLLLoss (the same as CrossEntropyLoss on raw logits); X is built with scatter_;
# extra helper functions and an `if __name__ == "__main__":` demo block.
import warnings

import torch
from torch import nn


def build_vocab(input_str, label_str):
    return sorted({*input_str, *label_str})


def make_char_maps(vocab):
    char_to_index = {}
    index_to_char = {}
    for i, c in enumerate(vocab):
        char_to_index[c] = i
        index_to_char[i] = c
    return char_to_index, index_to_char


def indices_of(text, char_to_index):
    """Helper: the indices of a string as an int64 tensor (T,)."""
    return torch.tensor(list(map(char_to_index.__getitem__, text)), dtype=torch.int64)


def encode_pair(input_str, label_str, char_to_index):
    idx = indices_of(input_str, char_to_index)
    X = torch.zeros(1, len(input_str), len(char_to_index)).scatter_(2, idx.view(1, -1, 1), 1.0)
    return X, indices_of(label_str, char_to_index).unsqueeze(0)


class Net(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.hidden_size = hidden_size  # a plain attribute next to the modules
        self.rnn = nn.RNN(input_size=input_size, hidden_size=hidden_size, batch_first=True)
        self.fc = nn.Linear(in_features=hidden_size, out_features=output_size)

    def forward(self, x, h0=None):
        states, _ = self.rnn(x, h0)
        return self.fc(states)


def decode(logits, index_to_char):
    return "".join(map(index_to_char.get, logits[0].argmax(1).tolist()))


def log_progress(epoch, epochs, loss):
    print(f"epoch {epoch + 1:3d}/{epochs}: loss {loss:.4f}", flush=True)
    warnings.warn(f"epoch {epoch + 1} finished with loss {loss:.6f}", UserWarning, stacklevel=2)


def train_char_rnn(input_str="apple", label_str="pple!", hidden_size=5, learning_rate=0.1, epochs=100, seed=0):
    torch.manual_seed(seed)
    vocab = build_vocab(input_str, label_str)
    c2i, i2c = make_char_maps(vocab)
    X, Y = encode_pair(input_str, label_str, c2i)
    net = Net(len(vocab), hidden_size, len(vocab))
    criterion = nn.NLLLoss()
    optimizer = torch.optim.Adam(params=list(net.parameters()), lr=learning_rate)

    def closure():
        optimizer.zero_grad()
        log_probs = torch.log_softmax(net(X), dim=-1)
        loss = criterion(log_probs.flatten(0, 1), Y.flatten())
        loss.backward()
        return loss

    losses = []
    for epoch in range(epochs):
        loss = optimizer.step(closure)
        losses.append(loss.item())
        log_progress(epoch, epochs, losses[-1])
    with torch.no_grad():
        prediction = decode(net(X), i2c)
    print("prediction:", prediction)
    return net, losses, prediction


if __name__ == "__main__":
    net, losses, prediction = train_char_rnn()
    print(prediction, losses[-1])
    for word in ("hello", "tensor"):
        print(word, train_char_rnn(word, word[1:] + "!", hidden_size=len(set(word + "!")))[2])
