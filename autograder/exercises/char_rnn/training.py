"""How the graders judge a trained char-RNN: from its returned weights, never from its word.

Shared by the graders and by bench/convergence.py, which measures how often correct code fails.
"""
from __future__ import annotations

import collections
import contextlib
import copy
import functools
import hashlib
import weakref
from typing import Any, Callable, Iterator

import torch
from torch import nn

from autograder.grading.checks import build, fail, kind, module, unpack
from autograder.sandbox.wire import ModuleData
from solutions import char_rnn as reference

from . import EXERCISE

TRAINING = EXERCISE.params


class TrustedNet(nn.Module):
    """The student's Net rebuilt on the trusted side: its own rnn and fc weights, in their own dtype,
    wired as the contract says (fc on every state of the RNN). Sizes that do not chain fail with a
    message naming them (`what` is the net, as the student should read it), on every path."""

    def __init__(self, rnn: nn.RNN, fc: nn.Linear, what: str):
        super().__init__()
        self.rnn, self.fc, self.what = rnn, fc, what

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        states = self.rnn.hidden_size * (2 if self.rnn.bidirectional else 1)
        if x.shape[-1] != self.rnn.input_size or states != self.fc.in_features:
            fail(f"{self.what} cannot compute fc(rnn(x)) on an input of shape {tuple(x.shape)}: its rnn reads "
                 f"{self.rnn.input_size} features per step and gives states of {states}, its fc takes "
                 f"{self.fc.in_features}")
        return self.fc(self.rnn(x.to(self.fc.weight.dtype))[0])


# Nets already rebuilt, per returned net (one is rebuilt for several checks): id -> (the data, nets).
_rebuilt: dict[int, tuple[weakref.ref, dict[bool, TrustedNet]]] = {}


def trusted_net(data: Any, what: str, batch_first: bool | None = True) -> TrustedNet:
    """batch_first=None keeps the student's own setting, to reproduce what their net computes.
    Rebuilt once per returned net and shared: callers that change it (replay) train a copy."""
    net = data
    if not isinstance(net, ModuleData):
        fail(f"{what} should be an nn.Module (the Net), but is {kind(net)}")
    children = {}
    for name, base in (("rnn", "RNN"), ("fc", "Linear")):
        if name not in net.children:
            fail(f"{what} has no attribute {name} (an nn.{base})")
        children[name] = module(net.children[name], f"{what}.{name}", base)
    if batch_first is None:
        batch_first = children["rnn"].config.get("batch_first") is True
    entry = _rebuilt.get(id(net))
    if entry is not None and entry[0]() is net and batch_first in entry[1]:
        rebuilt = entry[1][batch_first]
        rebuilt.what = what
        return rebuilt
    parts = {}
    for name, child in children.items():
        overrides = {"batch_first": batch_first} if name == "rnn" else {}
        part = build(child, f"{what}.{name}", **overrides)
        dtypes = {t.dtype for t in child.parameters().values()}
        if len(dtypes) == 1 and dtypes.pop() == torch.float64:
            part.to(torch.float64).load_state_dict(child.parameters())  # build() loaded them as float32
        parts[name] = part
    rebuilt = TrustedNet(parts["rnn"], parts["fc"], what)
    if entry is None or entry[0]() is not net:
        key = id(net)
        entry = _rebuilt[key] = (weakref.ref(net, lambda _, key=key: _rebuilt.pop(key, None)), {})
    entry[1][batch_first] = rebuilt
    return rebuilt


def rebuilt_net(data: Any, what: str, batch_first: bool | None = True) -> Callable[[torch.Tensor], torch.Tensor]:
    """The forward pass of trusted_net, without gradients."""
    net = trusted_net(data, what, batch_first)

    def forward(x: torch.Tensor) -> torch.Tensor:
        net.what = what
        with torch.no_grad():
            return net(x)
    return forward


def pair_data(input_str: str, label_str: str) -> tuple[torch.Tensor, torch.Tensor, dict]:
    vocab = reference.build_vocab(input_str, label_str)
    char_to_index, index_to_char = reference.make_char_maps(vocab)
    X, Y = reference.encode_pair(input_str, label_str, char_to_index)
    return X, Y, index_to_char


def mean_cross_entropy(logits: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
    """The contract's loss: the mean cross-entropy of the raw logits over every (batch, time) step."""
    return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), Y.reshape(-1))


def net_loss(data: Any, input_str: str, label_str: str, what: str) -> float:
    """The loss of a returned net on a pair, recomputed from its weights (as the net itself computes)."""
    X, Y, _ = pair_data(input_str, label_str)
    return float(mean_cross_entropy(rebuilt_net(data, what, batch_first=None)(X), Y))


# Replays made in this process: a class's correct nets start from the same weights (the same seed),
# and a replay is a deterministic function of what its key holds, so its result is reused, not trusted.
_REPLAYS: collections.OrderedDict[bytes, tuple[list[float], TrustedNet]] = collections.OrderedDict()
MAX_REPLAYS, MAX_REPLAYED_BYTES = 16, 1 << 20  # nets remembered, and the weights of each at most


def _replay_key(net: TrustedNet, *settings: Any) -> bytes | None:
    """Everything a replay of `net` depends on: the rnn's and fc's settings, every weight's name,
    dtype, shape and bytes, and the loop's settings. None for a net that is not remembered: one
    that draws random numbers (dropout), or whose weights are large."""
    weights = net.state_dict()
    if net.rnn.dropout or sum(t.numel() * t.element_size() for t in weights.values()) > MAX_REPLAYED_BYTES:
        return None
    digest = hashlib.sha256(repr([[(c, getattr(part, c)) for c in part.__constants__]
                                  for part in (net.rnn, net.fc)] + list(settings)).encode())
    for name, tensor in weights.items():
        digest.update(repr((name, str(tensor.dtype), tuple(tensor.shape))).encode())
        digest.update(tensor.detach().contiguous().numpy().tobytes())
    return digest.digest()


def replay(initial: Any, input_str: str, label_str: str, learning_rate: float, epochs: int,
           what: str) -> tuple[list[float], TrustedNet]:
    """The contract's training loop run on the trusted side from a student's untrained net:
    Adam(lr) on the mean cross-entropy of raw logits, zero_grad every epoch, each epoch's loss
    taken before its update. Returns the losses and the trained net (the caller's own copies)."""
    start = trusted_net(initial, what, batch_first=None)
    key = _replay_key(start, input_str, label_str, learning_rate, epochs)
    if key is None:
        return _replayed(start, input_str, label_str, learning_rate, epochs)
    if key in _REPLAYS:
        _REPLAYS.move_to_end(key)
    else:
        _REPLAYS[key] = _replayed(start, input_str, label_str, learning_rate, epochs)
        if len(_REPLAYS) > MAX_REPLAYS:
            _REPLAYS.popitem(last=False)
    losses, net = _REPLAYS[key]
    net = copy.deepcopy(net)
    net.what = what
    return list(losses), net


def _replayed(start: TrustedNet, input_str: str, label_str: str, learning_rate: float,
              epochs: int) -> tuple[list[float], TrustedNet]:
    net = copy.deepcopy(start)
    X, Y, _ = pair_data(input_str, label_str)
    optimizer = torch.optim.Adam(net.parameters(), lr=learning_rate)
    losses = []
    with one_thread(), torch.enable_grad():  # the grader's own autograd, whatever the process's grad mode
        for _ in range(epochs):
            optimizer.zero_grad()
            loss = mean_cross_entropy(net(X), Y)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses, net


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Train on one torch thread, as the grading workers do: many times faster for these tiny nets on busy cores."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def reference_losses(input_str: str, label_str: str, hidden_size: int, learning_rate: float, epochs: int,
                     seed: int) -> list[float]:
    """The reference solution's losses for a train_char_rnn call (the feedback page plots them beside
    the student's), trained on the trusted side once per process."""
    return list(_reference_losses(input_str, label_str, hidden_size, learning_rate, epochs, seed))


@functools.lru_cache(maxsize=8)
def _reference_losses(*args: Any) -> tuple[float, ...]:
    with one_thread(), torch.random.fork_rng():  # the grader's own random state stays as it was
        _, losses, _ = reference.train_char_rnn(*args)
    return tuple(losses)


def trained_loss_difference(data: Any, replayed: TrustedNet, input_str: str, label_str: str, what: str) -> float:
    """How far a returned net's loss on the pair is from the replayed net's. The loss, not the weights
    or logits: in correct code a weight whose gradient is all rounding noise can take another of
    Adam's nearly sign-like steps (2e-5 measured), but such a weight barely moves the loss."""
    X, Y, _ = pair_data(input_str, label_str)
    with torch.no_grad():
        expected = float(mean_cross_entropy(replayed(X), Y))
    return abs(net_loss(data, input_str, label_str, what) - expected)


def weights_of(data: ModuleData) -> dict[str, torch.Tensor]:
    """A returned net's rnn and fc weights, named as in replay()'s result."""
    return {k: v for k, v in data.parameters().items() if k.split(".")[0] in ("rnn", "fc")}


def largest_difference(got: dict[str, torch.Tensor], expected: dict[str, torch.Tensor]) -> tuple[float, str]:
    """The largest absolute difference between two sets of weights, and where it is."""
    worst, where = 0.0, ""
    for name, value in expected.items():
        other = got.get(name)
        if other is None or tuple(other.shape) != tuple(value.shape):
            return float("inf"), name
        difference = float((other.double() - value.double()).abs().max()) if value.numel() else 0.0
        if not difference <= worst:  # NaN counts as the worst
            worst, where = difference, name
    return worst, where


def losses_of(result: Any, what: str, epochs: int) -> list[float]:
    """The losses of a train_char_rnn result: a list of `epochs` Python floats."""
    _, losses, _ = unpack(result, 3, what)
    if not isinstance(losses, list) or len(losses) != epochs or not all(type(v) is float for v in losses):
        fail(f"{what} should return losses as a list of {epochs} Python floats (loss.item() each epoch), "
             f"got {kind(losses)}")
    return losses


def judge_training(result: Any, input_str: str, label_str: str, epochs: int, what: str) -> tuple[str, float]:
    """Check one train_char_rnn result; returns (the prediction it reported, recomputed loss)."""
    net, _, prediction = unpack(result, 3, what)
    losses = losses_of(result, what, epochs)
    X, Y, index_to_char = pair_data(input_str, label_str)
    logits = rebuilt_net(net, f"the net returned by {what}")(X)
    recomputed = float(mean_cross_entropy(logits, Y))
    predicted = reference.decode(logits, index_to_char)
    if predicted != label_str:
        fail(f"after {what} the net predicts {predicted!r} for {input_str!r}; expected {label_str!r}")
    if not recomputed < TRAINING.converged_loss:
        fail(f"after {what} the net's cross-entropy on {input_str!r} -> {label_str!r} is {recomputed:.3g}; "
             f"expected below {TRAINING.converged_loss}")
    if not losses[-1] < TRAINING.converged_loss:
        fail(f"{what} reports a final loss of {losses[-1]:.3g}; expected below {TRAINING.converged_loss} "
             "(CrossEntropyLoss takes raw logits: is a softmax applied before it?)")
    return prediction, recomputed
