# attack: NumPy arrays wherever plain data is expected: a vocabulary of arrays, maps whose values
#   are arrays, a prediction and a decode that are arrays of characters, losses as an array, a
#   forward that returns an array: an array's == is elementwise, and its truth value an error
# expect: each is a wrong value with a plain message, never a grader crash; zero
# exercise: char_rnn
# message: should be the sorted list
import numpy as np, torch
from torch import nn
def build_vocab(*a, **k): return [np.array([0, 1])]
def make_char_maps(*a, **k): return {"a": np.array([0, 1])}, {0: np.array(["a", "b"])}
def encode_pair(*a, **k): return np.array([0, 1]), np.array([[0, 1]])
def decode(*a, **k): return np.array(["p", "p"])
class Net(nn.Module):
    def __init__(self, *a, **k):
        super().__init__(); self.rnn = nn.RNN(5, 5, batch_first=True); self.fc = nn.Linear(5, 5)
    def forward(self, x): return np.array([0, 1])
def train_char_rnn(*a, **k): return Net(), np.array([1.0, 2.0]), np.array(["p", "p"])
