"""How the graders judge a trained char-RNN: from its returned weights, never from its word.

Shared by the graders and by bench/convergence.py, which measures how often the reference fails.
"""
from __future__ import annotations

from typing import Any, Callable

import torch
from torch import nn

from autograder import config
from solutions import char_rnn as reference

from autograder.sandbox.wire import ModuleData

from .checks import build, fail, kind, module, unpack


def rebuilt_net(data: Any, what: str, batch_first: bool | None = True) -> Callable[[torch.Tensor], torch.Tensor]:
    """The student's Net rebuilt on the trusted side: its rnn and fc weights, wired as the contract
    says (fc on every state of a batch-first RNN). batch_first=None keeps the student's own setting,
    to reproduce what their net itself computes."""
    net = data
    if not isinstance(net, ModuleData):
        fail(f"{what} should be an nn.Module (the Net), but is {kind(net)}")
    for name, base in (("rnn", "RNN"), ("fc", "Linear")):
        if name not in net.children:
            fail(f"{what} has no attribute {name} (an nn.{base})")
        module(net.children[name], f"{what}.{name}", base)
    overrides = {} if batch_first is None else {"batch_first": batch_first}
    rnn = build(net.children["rnn"], f"{what}.rnn", **overrides)
    fc = build(net.children["fc"], f"{what}.fc")

    def forward(x: torch.Tensor) -> torch.Tensor:
        try:
            with torch.no_grad():
                return fc(rnn(x)[0])
        except RuntimeError as error:  # sizes that do not chain: the student's net, not the grader
            fail(f"{what} cannot compute fc(rnn(x)) on an input of shape {tuple(x.shape)}: {error}")
    return forward


def pair_data(input_str: str, label_str: str) -> tuple[torch.Tensor, torch.Tensor, dict]:
    vocab = reference.build_vocab(input_str, label_str)
    char_to_index, index_to_char = reference.make_char_maps(vocab)
    X, Y = reference.encode_pair(input_str, label_str, char_to_index)
    return X, Y, index_to_char


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
    recomputed = float(nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), Y.reshape(-1)))
    predicted = reference.decode(logits, index_to_char)
    if predicted != label_str:
        fail(f"after {what} the net predicts {predicted!r} for {input_str!r}; expected {label_str!r}")
    if not recomputed < config.CONVERGED_LOSS:
        fail(f"after {what} the net's cross-entropy on {input_str!r} -> {label_str!r} is {recomputed:.3g}; "
             f"expected below {config.CONVERGED_LOSS}")
    if not losses[-1] < config.CONVERGED_LOSS:
        fail(f"{what} reports a final loss of {losses[-1]:.3g}; expected below {config.CONVERGED_LOSS} "
             "(CrossEntropyLoss takes raw logits: is a softmax applied before it?)")
    return prediction, recomputed
