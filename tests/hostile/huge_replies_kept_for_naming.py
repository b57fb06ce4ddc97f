# attack: every function, and the Net's forward, returns the largest reply the wire accepts (2**22
#   complex128 elements, 64 MiB), and a Net holds a 64 MiB buffer: each failed test's calls, values
#   included, used to be kept until the submission ended, to name its mistake (24 tests)
# expect: zero; what is kept for naming is bounded (Settings.naming_memory_bytes), so the trusted
#   side's memory does not grow with the number of failed tests (tests/test_hostile_replies.py
#   measures it in a class)
# exercise: char_rnn
# message: (4194304,)
import numpy as np
import torch
from torch import nn


def _huge(*args, **kwargs):
    return np.ones(2**22, dtype=np.complex128)


build_vocab = make_char_maps = encode_pair = decode = train_char_rnn = _huge


class Net(nn.Module):
    def __init__(self, *args, **kwargs):
        super().__init__()
        self.register_buffer("junk", torch.ones(2**22, dtype=torch.complex128))

    def forward(self, *args, **kwargs):
        return torch.ones(2**22, dtype=torch.complex128)
