# Unusual: Adam gets two parameter groups (rnn, then fc) with the same learning rate and spells out
# its defaults (betas, eps, weight_decay=0, amsgrad=False) with foreach=True; the loss is
# nn.CrossEntropyLoss on logits.permute(0, 2, 1), shape (N, C, T), against the (1, T) targets; the
# loop is a while loop; losses via loss.detach().cpu().item(); the RNN is built by a helper function.
import torch
from torch import nn


def build_vocab(input_str, label_str):
    chars = set()
    for text in (input_str, label_str):
        chars.update(text)
    return sorted(chars)


def make_char_maps(vocab):
    char_to_index = dict((c, i) for i, c in enumerate(vocab))
    index_to_char = dict((i, c) for c, i in char_to_index.items())
    return char_to_index, index_to_char


def encode_pair(input_str, label_str, char_to_index):
    eye = torch.eye(len(char_to_index), dtype=torch.float32)
    X = torch.stack([eye[char_to_index[c]] for c in input_str]).unsqueeze(0)
    Y = torch.tensor([char_to_index[c] for c in label_str]).reshape(1, -1)
    return X, Y


def make_rnn(input_size, hidden_size):
    return nn.RNN(input_size=input_size, hidden_size=hidden_size, num_layers=1, batch_first=True)


class Net(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.rnn = make_rnn(input_size, hidden_size)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        out, _h_n = self.rnn(x)
        return self.fc(out)


def decode(logits, index_to_char):
    values, indices = logits[0].max(dim=1)
    return "".join(index_to_char[int(k)] for k in indices)


def train_char_rnn(input_str="apple", label_str="pple!", hidden_size=5, learning_rate=0.1, epochs=100, seed=0):
    torch.manual_seed(seed)
    vocab = build_vocab(input_str, label_str)
    c2i, i2c = make_char_maps(vocab)
    X, Y = encode_pair(input_str, label_str, c2i)
    net = Net(len(vocab), hidden_size, len(vocab))
    groups = [{"params": net.rnn.parameters()}, {"params": net.fc.parameters()}]
    optimizer = torch.optim.Adam(groups, lr=learning_rate, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                                 amsgrad=False, foreach=True)
    criterion = nn.CrossEntropyLoss()
    losses = []
    epoch = 0
    while epoch < epochs:
        optimizer.zero_grad()
        loss = criterion(net(X).permute(0, 2, 1), Y)   # (1, V, T) against (1, T)
        loss.backward()
        optimizer.step()
        losses.append(loss.detach().cpu().item())
        epoch += 1
    net.eval()
    with torch.inference_mode():
        prediction = decode(net(X), i2c)
    return net, losses, prediction
