"""Graders of exercise 3: the character RNN that learns "apple" -> "pple!"."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
import torch

from autograder import config
from autograder.grading.student_code import StudentCodeError
from autograder.sandbox.wire import ModuleData
from solutions import char_rnn as reference

from autograder.grading.checks import build, close, fail, kind, module, same, tensor, unpack
from . import EXERCISE
from .training import (judge_training, largest_difference, losses_of, net_loss, pair_data, rebuilt_net, reference_losses,
                       replay, trained_loss_difference, trusted_net, weights_of)

points = pytest.mark.points
TRAINING = EXERCISE.params

APPLE = ("apple", "pple!")
UNSEEN = [(word, word[1:] + "!") for word in TRAINING.unseen_words]


def vocab_of(student, input_str: str, label_str: str, keywords: bool = False) -> list:
    if keywords:
        what = f"build_vocab(input_str={input_str!r}, label_str={label_str!r})"
        vocab = student.call("build_vocab", input_str=input_str, label_str=label_str)
    else:
        what = f"build_vocab({input_str!r}, {label_str!r})"
        vocab = student.call("build_vocab", input_str, label_str)
    expected = reference.build_vocab(input_str, label_str)
    if not same(vocab, expected):
        fail(f"{what} should be the sorted list {expected}, got {kind(vocab)}")
    return vocab


@points(1)
def test_build_vocab_apple(student):
    """build_vocab('apple', 'pple!') is the sorted list ['!', 'a', 'e', 'l', 'p']"""
    vocab_of(student, *APPLE)


@points(1)
def test_build_vocab_other_words(student):
    """build_vocab gives the sorted unique characters of both strings for other words too, capitals
    and spaces included"""
    # Zoe: sorted() puts capitals before every lower-case letter ('Z' < 'e'), an alphabetical order does not
    for i, pair in enumerate([*UNSEEN, ("zebra", "abz"), ("a", "b"), ("ba", "ab"), ("Hi Bo", "i Bo!"), ("Zoe", "oe!")]):
        vocab_of(student, *pair, keywords=i % 2 == 1)


@points(1)
def test_make_char_maps(student):
    """make_char_maps maps each character to its position in the vocabulary, and back"""
    # the last is not sorted: the maps follow the vocabulary's own order, whatever it is
    for vocab, keywords in [(["!", "b", "c", "q", "x", "z"], False), (reference.build_vocab(*APPLE), True),
                            (["p", "l", "!", "e", "a"], False)]:
        what = f"make_char_maps(vocab={vocab})" if keywords else f"make_char_maps({vocab})"
        result = student.call("make_char_maps", vocab=vocab) if keywords else student.call("make_char_maps", vocab)
        c2i, i2c = unpack(result, 2, what)
        expected_c2i, expected_i2c = reference.make_char_maps(vocab)
        if not same(c2i, expected_c2i):
            fail(f"char_to_index from {what} should be {expected_c2i}, got {kind(c2i)}")
        if not same(i2c, expected_i2c):
            fail(f"index_to_char from {what} should be {expected_i2c}, got {kind(i2c)}")


# Not the pair's own map (two more characters, another order), so that only the map given can encode it.
OTHER_MAP = {"p": 0, "x": 1, "!": 2, "e": 3, "a": 4, "q": 5, "l": 6}
ENCODED = [(APPLE, None), *((pair, None) for pair in UNSEEN), (APPLE, OTHER_MAP)]


def encoded(student, input_str: str, label_str: str, c2i: dict | None = None) -> tuple:
    """encode_pair of a pair with its own map (apple positionally, other words with keywords: both are
    the contract's), or with the map c2i given (positionally)."""
    if c2i is not None:
        what = f"encode_pair({input_str!r}, {label_str!r}, {c2i})"
        result = student.call("encode_pair", input_str, label_str, c2i)
    elif (input_str, label_str) == APPLE:
        c2i, _ = reference.make_char_maps(reference.build_vocab(input_str, label_str))
        what = f"encode_pair({input_str!r}, {label_str!r}, char_to_index)"
        result = student.call("encode_pair", input_str, label_str, c2i)
    else:
        c2i, _ = reference.make_char_maps(reference.build_vocab(input_str, label_str))
        what = f"encode_pair(input_str={input_str!r}, label_str={label_str!r}, char_to_index=char_to_index)"
        result = student.call("encode_pair", input_str=input_str, label_str=label_str, char_to_index=c2i)
    X, Y = unpack(result, 2, what)
    return what, X, Y, reference.encode_pair(input_str, label_str, c2i)


@points(1)
def test_encode_pair_one_hot_inputs(student):
    """encode_pair's X is a float32 one-hot tensor of shape (1, T, V)"""
    for pair, c2i in ENCODED:
        what, X, _, (expected_X, _) = encoded(student, *pair, c2i)
        if isinstance(X, torch.Tensor) and X.dim() == 3 and X.shape[-1] != expected_X.shape[-1]:
            fail(f"X from {what} should have shape {tuple(expected_X.shape)}, with V = len(char_to_index) = "
                 f"{expected_X.shape[-1]}, but has shape {tuple(X.shape)}: encode with the char_to_index passed in")
        X = tensor(X, f"X from {what}", tuple(expected_X.shape), torch.float32)
        if not torch.equal(X, expected_X):
            t = int((X != expected_X).any(dim=-1)[0].nonzero()[0])
            hint = ": look each character up in the char_to_index passed in" if c2i is not None else ""
            fail(f"X from {what}: step {t} (character {pair[0][t]!r}) should be {expected_X[0, t].tolist()}, "
                 f"got {X[0, t].tolist()}{hint}")


@points(1)
def test_encode_pair_targets(student):
    """encode_pair's Y holds the label's character indices as an int64 tensor of shape (1, T)"""
    for pair, c2i in ENCODED:
        what, _, Y, (_, expected_Y) = encoded(student, *pair, c2i)
        Y = tensor(Y, f"Y from {what}", tuple(expected_Y.shape), torch.int64)
        if not torch.equal(Y, expected_Y):
            hint = ": look each character up in the char_to_index passed in" if c2i is not None else ""
            fail(f"Y from {what} should be {expected_Y.tolist()}, got {Y.tolist()}{hint}")


# The notebook's nn.RNN(input_size, hidden_size, batch_first=True): its h_t = tanh(...) is one layer with biases.
RNN_CONTRACT = dict(batch_first=True, num_layers=1, nonlinearity="tanh", bias=True, bidirectional=False)


@points(1)
def test_net_has_rnn_and_fc(student):
    """Net(input, hidden, output) has an nn.RNN `rnn` (batch_first, one tanh layer) and an nn.Linear `fc` of those
    sizes"""
    for what, net in [("Net(6, 7, 5)", student.new("Net", 6, 7, 5)),
                      ("Net(input_size=6, hidden_size=7, output_size=5)",
                       student.new("Net", input_size=6, hidden_size=7, output_size=5))]:
        rnn = build(module(student.attribute(net, "rnn"), f"{what}.rnn", "RNN"), f"{what}.rnn")
        fc = build(module(student.attribute(net, "fc"), f"{what}.fc", "Linear"), f"{what}.fc")
        got = {k: getattr(rnn, k) for k in RNN_CONTRACT}
        if (rnn.input_size, rnn.hidden_size) != (6, 7) or got != RNN_CONTRACT:
            shown = ", ".join(f"{k}={v!r}" for k, v in got.items() if k == "batch_first" or v != RNN_CONTRACT[k])
            fail(f"{what}.rnn should be nn.RNN(6, 7, batch_first=True) (the defaults for the rest: one layer, "
                 f"tanh, with biases, one direction), got nn.RNN({rnn.input_size}, {rnn.hidden_size}, {shown})")
        if (fc.in_features, fc.out_features, fc.bias is not None) != (7, 5, True):
            fail(f"{what}.fc should be nn.Linear(7, 5) (with its bias b_fc), got nn.Linear({fc.in_features}, "
                 f"{fc.out_features}, bias={fc.bias is not None})")


@points(1)
def test_net_forward_shape(student, rng):
    """Net.forward maps (batch, time, input_size) to logits (batch, time, output_size)"""
    net = student.new("Net", 6, 7, 5)
    x = torch.tensor(rng.normal(0, 1, (3, 4, 6)), dtype=torch.float32)
    tensor(student.method(net, "forward", x), "Net(6, 7, 5) on an input of shape (3, 4, 6)", (3, 4, 5))


@points(2)
def test_net_forward_uses_recurrence(student, rng):
    """Net.forward runs the RNN over time (batch_first) and applies fc to every hidden state"""
    for (batch, steps, size, hidden, out) in [(2, 6, 6, 7, 5), (1, 5, 5, 5, 5)]:  # the second is apple's shape
        net = student.new("Net", size, hidden, out)
        what = f"Net({size}, {hidden}, {out}) on an input of shape ({batch}, {steps}, {size})"
        forward = rebuilt_net(student.value(net), what)
        x = torch.tensor(rng.normal(0, 1, (batch, steps, size)), dtype=torch.float32)
        got = tensor(student.method(net, "forward", x), what, (batch, steps, out))
        expected = forward(x)
        close(got.detach().reshape(batch * steps, out).numpy(), expected.reshape(batch * steps, out).numpy(),
              f"{what}: compared with fc(rnn(x)) using your net's own weights", atol=config.FLOAT32_ATOL,
              rtol=0, rows="flattened (batch, time) position")


@points(1)
def test_net_forward_keeps_no_state(student, rng):
    """Net.forward keeps nothing between calls: every call starts from a zero hidden state"""
    net = student.new("Net", 6, 7, 5)
    forward = rebuilt_net(student.value(net), "Net(6, 7, 5)", batch_first=None)
    first = torch.tensor(rng.normal(0, 1, (2, 4, 6)), dtype=torch.float32)
    other = torch.tensor(rng.normal(0, 1, (1, 3, 6)), dtype=torch.float32)
    calls = [(first, "on an input of shape (2, 4, 6)"), (other, "then on another input, of shape (1, 3, 6)"),
             (first, "then on the first input again")]
    for i, (x, how) in enumerate(calls):
        what = f"Net(6, 7, 5).forward {how}"
        try:
            got = student.method(net, "forward", x)
        except StudentCodeError as error:
            if i == 0:
                raise
            fail(f"{what} failed, after working on the first: forward must not keep the hidden state of an "
                 f"earlier call (start every call from zeros): {error}")
        got = tensor(got, what, (x.shape[0], x.shape[1], 5)).detach()
        expected = forward(x)
        if i == 0 and not torch.allclose(got, expected, rtol=0, atol=config.FLOAT32_ATOL):
            fail(f"{what} should give fc(rnn(x)) (see test_net_forward_uses_recurrence); it differs by "
                 f"{float((got - expected).abs().max()):.3g}")
        if not torch.allclose(got, expected, rtol=0, atol=config.FLOAT32_ATOL):
            fail(f"{what} should give fc(rnn(x)) from a zero hidden state, as the first call did, but differs "
                 f"from it by {float((got - expected).abs().max()):.3g}\n  expected {expected[0, 0].tolist()}\n"
                 f"  got      {got[0, 0].tolist()} (first step): forward must not keep the hidden state of an "
                 "earlier call")


@points(1)
def test_decode_argmax(student, rng):
    """decode picks the most likely character at every step of a (1, T, V) tensor"""
    vocab = reference.build_vocab(*APPLE)
    _, index_to_char = reference.make_char_maps(vocab)
    logits = torch.tensor(rng.normal(0, 1, (1, 7, len(vocab))), dtype=torch.float32)
    expected = reference.decode(logits, index_to_char)
    got = student.call("decode", logits, index_to_char)
    if not same(got, expected):
        fail(f"decode of logits whose row-wise argmax is {logits.argmax(-1)[0].tolist()} should be {expected!r}, "
             f"got {kind(got)}")


@points(1)
def test_decode_single_step(student):
    """decode works for a single time step, T = 1 (e.g. it does not squeeze the time axis away)"""
    _, index_to_char = reference.make_char_maps(reference.build_vocab(*APPLE))
    logits = torch.tensor([[[0.1, -1.0, 2.0, 0.3, 0.0]]])
    got = student.call("decode", logits, index_to_char)
    if not same(got, "e"):
        fail(f"decode of logits of shape (1, 1, 5) with the largest value at index 2 should be 'e', got {kind(got)}")


@points(1)
def test_decode_uses_its_map(student, rng):
    """decode looks the characters up in the index_to_char it is given (any vocabulary, any order of calls)"""
    maps = [{0: "x", 1: "y", 2: "z"}, reference.make_char_maps(reference.build_vocab(*APPLE))[1],
            {0: "#", 1: "q", 2: "r", 3: "s", 4: "t", 5: "u", 6: "w"}, {0: "x", 1: "y", 2: "z"}]
    for index_to_char in maps:
        logits = torch.tensor(rng.normal(0, 1, (1, 6, len(index_to_char))), dtype=torch.float32)
        expected = reference.decode(logits, index_to_char)
        got = student.call("decode", logits=logits, index_to_char=index_to_char)
        if not same(got, expected):
            fail(f"decode(logits, index_to_char={index_to_char}) of logits whose row-wise argmax is "
                 f"{logits.argmax(-1)[0].tolist()} should be {expected!r}, got {kind(got)}: look each index up "
                 "in the index_to_char passed in")




# ---------------------------------------------------------------- training

@dataclass
class Run:
    """One train_char_rnn result, checked for its form: a Net that can be rebuilt, `epochs` float losses."""
    what: str
    net: ModuleData
    losses: list[float]
    prediction: Any
    kwargs: dict = field(default_factory=dict)  # how to make the same call again (keyword form)
    calls: list = field(default_factory=list)   # the sandbox calls that made it (for the feedback)


def reused(student, result: Run) -> Run:
    """A run an earlier test made, now used by this one: its calls count as this test's too, so
    that the feedback replays them when this test fails."""
    student.used_again(result.calls)
    return result


def call_text(args: tuple, kwargs: dict) -> str:
    return "train_char_rnn(" + ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())]) + ")"


def run_of(result: Any, what: str, epochs: int) -> Run:
    net, losses, prediction = unpack(result, 3, what)
    if epochs == 0 and not same(losses, []):
        fail(f"{what} should return the untrained net and no losses (an empty list: the loop runs no "
             f"epoch), got {kind(losses)}")
    losses = losses_of(result, what, epochs)
    trusted_net(net, f"the net returned by {what}")
    return Run(what, net, losses, prediction)


def run(student, input_str: str = "apple", label_str: str = "pple!", hidden_size: int = 5,
        learning_rate: float = 0.1, epochs: int = 100, *, seed: int, shared: dict | None = None,
        keywords: bool = False) -> Run:
    """A keyword call with every argument given (the form that needs no default), the strings positionally
    or, with `keywords`, as input_str= and label_str=. With `shared` (the session's runs), a run another
    test already made with the same arguments is reused: only for a test that does not exist to call
    again (not those of determinism or state between calls)."""
    kwargs = dict(hidden_size=hidden_size, learning_rate=learning_rate, epochs=epochs, seed=seed)
    key = (input_str, label_str, *kwargs.values())
    if shared is not None and key in shared:
        return reused(student, shared[key])
    strings = dict(input_str=input_str, label_str=label_str) if keywords else {}
    args = () if keywords else (input_str, label_str)
    what = call_text(args, {**strings, **kwargs})
    first = len(student.calls)
    result = run_of(student.call("train_char_rnn", *args, **strings, **kwargs), what, epochs)
    result.kwargs = dict(input_str=input_str, label_str=label_str, **kwargs)
    result.calls = student.calls[first:]
    if shared is not None:
        shared[key] = result
    return result


@pytest.fixture(scope="session")
def shared(student) -> dict:
    """The runs of one submission that several tests use (see run)."""
    return {}


def require_reproducible(student, result: Run) -> None:
    """Before blaming how a run trained: the same call twice must give the same run (else: seeding)."""
    again = run(student, **result.kwargs)
    difference = same_run(again, result)
    if difference:
        fail(f"{result.what} called twice gave two different runs ({difference}): call torch.manual_seed(seed) "
             "first, before building the Net, for every seed (0 is a seed too; see "
             "test_train_same_seed_same_losses)")


def untrained(student, **kwargs: Any) -> Run:
    """The contract's epochs=0: the freshly seeded, untrained Net."""
    return run(student, **{**kwargs, "epochs": 0})


def pair_of(kwargs: dict) -> tuple[str, str]:
    return kwargs.get("input_str", "apple"), kwargs.get("label_str", "pple!")


def loss_of(result: Run, pair: tuple[str, str]) -> float:
    return net_loss(result.net, *pair, f"the net returned by {result.what}")


def require_learnt(student, result: Run, start: Run, pair: tuple[str, str], behaviour: str,
                   reproducible: bool = False) -> None:
    """Pay for a property of training only when the run really trained: its returned net's loss is
    below that of the untrained net it started from (which only a seeded call pins down; the
    caller may have shown that already)."""
    if not reproducible:
        require_reproducible(student, start)
    before, after = loss_of(start, pair), loss_of(result, pair)
    if not after < before - TRAINING.learnt_margin:
        fail(f"{result.what} returned a net whose loss on {pair[0]!r} -> {pair[1]!r} is {after:.4f}, no lower than "
             f"the untrained net's {before:.4f} ({start.what}): it did not train, so {behaviour} is not shown")


def same_run(got: Run, expected: Run, atol: float = 1e-6) -> str:
    """'' when two runs agree (losses and weights), else what differs."""
    if len(got.losses) != len(expected.losses):
        return f"{len(got.losses)} losses instead of {len(expected.losses)}"
    for epoch, (a, b) in enumerate(zip(got.losses, expected.losses)):
        if not abs(a - b) <= atol:
            return f"the loss of epoch {epoch + 1} is {a:.6f} instead of {b:.6f}"
    difference, where = largest_difference(weights_of(got.net), weights_of(expected.net))
    if not difference <= atol:
        return f"the returned net's {where} differs by {difference:.3g}"
    if not same(got.prediction, expected.prediction):
        return f"the prediction is {got.prediction!r} instead of {expected.prediction!r}"
    return ""


@points(1)
def test_train_returns_net_losses_prediction(student, seed_shift):
    """train_char_rnn returns (net, losses, prediction): a Net that reads the one-hot input, one float loss per epoch, a string"""
    result = run(student, epochs=3, seed=seed_shift)
    loss_of(result, APPLE)  # its rnn and fc must chain on the (1, T, V) input
    if not isinstance(result.prediction, str) or len(result.prediction) != 5:
        fail(f"{result.what} should return the prediction as a string of 5 characters, got {kind(result.prediction)}")


def loss_curve(result: Run) -> dict:
    """The feedback page's plot (the reports' data contract): a run's losses and the reference's for the same call."""
    reference_series = reference_losses(**result.kwargs)
    return {"title": f"Training loss of {result.what}", "x_label": "epoch", "y_label": "cross-entropy loss",
            "series": [{"label": "your train_char_rnn", "role": "student", "values": result.losses},
                       {"label": "the reference solution", "role": "reference", "values": reference_series}]}


CONTRACT = dict(input_str="apple", label_str="pple!", hidden_size=5, learning_rate=0.1, epochs=100, seed=0)


def once(student, shared: dict, what: str, **kwargs: Any) -> Run:
    """train_char_rnn(**kwargs), a call spelled `what`, made once per submission; its failure too
    is kept, so that each test using it reports it."""
    if what not in shared:
        first = len(student.calls)
        try:
            shared[what] = run_of(student.call("train_char_rnn", **kwargs), what, kwargs.get("epochs", 100))
        except (pytest.fail.Exception, StudentCodeError) as error:
            shared[what] = Run(what, None, [], None, calls=student.calls[first:]), error
            raise
        shared[what].calls = student.calls[first:]
        return shared[what]
    if isinstance(shared[what], tuple):
        reused(student, shared[what][0])
        raise shared[what][1].with_traceback(None)
    return reused(student, shared[what])


def defaults_run(student, shared: dict) -> Run:
    """train_char_rnn(): every argument from the contract's defaults (100 epochs)."""
    return once(student, shared, "train_char_rnn()")


def short_defaults_run(student, shared: dict) -> Run:
    """train_char_rnn(epochs=4): the defaults but the epochs, cheap to compare with an explicit call."""
    return once(student, shared, "train_char_rnn(epochs=4)", epochs=4)


def apple_run(student, seed: int, shared: dict) -> Run:
    """The 100-epoch apple run with this seed. For seed 0 that is the defaults call train_char_rnn()
    once it is shown to be the same call (with epochs=4 the defaults give the keyword call's run,
    and its first 4 losses are train_char_rnn()'s): one 100-epoch training fewer per grading.
    Defaults that are wrong are test_train_call_forms' business: then the keyword call is made."""
    if seed == 0:
        try:
            defaults, short = defaults_run(student, shared), short_defaults_run(student, shared)
        except (pytest.fail.Exception, StudentCodeError):
            defaults = short = None
        if short is not None:
            keyword = run(student, **{**CONTRACT, "epochs": 4}, shared=shared)
            if not same_run(short, keyword) and all(abs(a - b) <= 1e-6 for a, b in zip(defaults.losses, short.losses)):
                return Run(defaults.what, defaults.net, defaults.losses, defaults.prediction, dict(CONTRACT),
                           defaults.calls + short.calls + keyword.calls)
    return run(student, seed=seed, shared=shared)


@points(3)
def test_train_learns_apple(student, seed_shift, shared, record_property):
    """train_char_rnn learns 'apple' -> 'pple!' (checked on the returned net, for several seeds)"""
    for seed in TRAINING.seeds:
        result = apple_run(student, seed + seed_shift, shared)
        if seed == TRAINING.plot_seed:  # for the feedback page's plot
            record_property("curve", loss_curve(result))
        judge_training((result.net, result.losses, result.prediction), *APPLE, 100, result.what)


@points(2)
def test_train_learns_unseen_words(student, seed_shift):
    """train_char_rnn learns other words the same way (hidden size = vocabulary size)"""
    for i, ((input_str, label_str), seed) in enumerate(zip(UNSEEN, TRAINING.seeds)):
        hidden = len(reference.build_vocab(input_str, label_str))
        # the last by keyword: input_str and label_str are the contract's names too
        result = run(student, input_str, label_str, hidden_size=hidden, seed=seed + seed_shift,
                     keywords=i == len(UNSEEN) - 1)
        judge_training((result.net, result.losses, result.prediction), input_str, label_str, 100, result.what)


# The second is the contract's default run, replayed whole: a change of the loop after a few epochs (a
# learning-rate schedule) shows, and the run itself is shared with the convergence tests. The first label
# is not the input shifted by one: train_char_rnn learns the label it is given (replayed over a few epochs,
# so this pair need not be learnt to the end). Its label is one character throughout, so that the untrained
# net's errors add up: the gradient's norm is above 1 in its first epochs (at least 1.05 over 30 seeds,
# where apple's stays below 0.65), so a clip_grad_norm_(..., 1.0) before the step changes the losses. The
# short run comes first: a loop that fails it fails before the 100-epoch call, and naming the mistake
# replays only the short run's calls.
LOOP_RUNS = [dict(input_str="tensor", label_str="rrrrrr", hidden_size=7, learning_rate=0.05, seed=2,
                  epochs=TRAINING.loop_epochs),
             dict(input_str="apple", label_str="pple!", hidden_size=5, learning_rate=0.1, seed=0, epochs=100)]


def loss_hint(epoch: int, got: float, replayed: list[float], steps: int) -> str:
    """What a loss that differs from the replayed loop most likely means."""
    if epoch == 0 and abs(got - steps * replayed[0]) <= 1e-3 * abs(got):
        return f": it is {steps} times the mean, the sum over the {steps} steps; use the mean (reduction='mean')"
    if epoch + 1 < len(replayed) and abs(got - replayed[epoch + 1]) <= TRAINING.loop_atol:
        return (": it is the loss the replay has one epoch later; record each epoch's loss computed before "
                "optimizer.step()")
    if epoch == 0:
        return (": the first loss is the untrained net's mean nn.CrossEntropyLoss of the raw logits (no softmax) "
                "on X against label_str's indices Y, from the weights torch.manual_seed(seed) gives (as epochs=0 "
                "returns them)")
    return (": the first epochs agree, so the loss is right but the updates differ; the contract's loop is "
            "torch.optim.Adam(net.parameters(), lr=learning_rate) with its default betas and no weight decay, "
            "optimizer.zero_grad() every epoch, and a Net whose forward keeps no state between calls")


@points(3)
def test_train_loop_is_adam_on_mean_cross_entropy(student, seed_shift, shared):
    """train_char_rnn runs the contract's loop: Adam(lr) on the mean cross-entropy, zero_grad each epoch, each
    loss before its update, every epoch alike (replayed from the net epochs=0 returns)"""
    for kwargs in LOOP_RUNS:
        kwargs = {**kwargs, "seed": kwargs["seed"] + seed_shift}
        epochs = kwargs.pop("epochs")
        start = untrained(student, **kwargs, shared=shared)
        result = run(student, **kwargs, epochs=epochs, shared=shared)
        pair = pair_of(kwargs)
        losses, replayed = replay(start.net, *pair, kwargs["learning_rate"], epochs, f"the net returned by {start.what}")
        for epoch, (got, expected) in enumerate(zip(result.losses, losses)):
            if not abs(got - expected) <= TRAINING.loop_atol:
                require_reproducible(student, start)
                fail(f"{result.what}: the loss of epoch {epoch + 1} should be {expected:.6f} (the contract's loop "
                     f"replayed from the net {start.what} returns), got {got:.6f}"
                     + loss_hint(epoch, got, losses, len(pair[0])))
        # The first loss is the untrained net's, before any update: only rounding separates correct code's.
        off = abs(result.losses[0] - losses[0]) if result.losses else 0.0
        if not off <= TRAINING.first_loss_atol:
            require_reproducible(student, start)
            fail(f"{result.what}: the loss of epoch 1 should be {losses[0]!r} (the mean cross-entropy of the net "
                 f"{start.what} returns, before any update), got {result.losses[0]!r}, {off:.2g} away (more "
                 f"than the {TRAINING.first_loss_atol:g} rounding explains): record each loss as loss.item() "
                 "gives it, unrounded")
        difference = trained_loss_difference(result.net, replayed, *pair, f"the net returned by {result.what}")
        if not difference <= TRAINING.loop_atol:
            fail(f"{result.what}: the losses agree with the contract's loop, but the returned net's loss on "
                 f"{pair[0]!r} -> {pair[1]!r} differs from the replayed net's by {difference:.3g}: return the net you "
                 f"trained, after its {epochs} updates by torch.optim.Adam(net.parameters(), lr=learning_rate)")
        difference, where = largest_difference(weights_of(result.net), replayed.state_dict())
        if not difference <= TRAINING.loop_weights_atol:
            fail(f"{result.what}: the losses agree with the contract's loop, but the returned net's {where} differs "
                 f"from the replayed net's by {difference:.3g} after its {epochs} updates (correct code stays within "
                 f"{TRAINING.loop_weights_atol:g}): the updates differ slightly from the contract's "
                 "torch.optim.Adam(net.parameters(), lr=learning_rate) with its defaults (no amsgrad, no weight "
                 "decay, betas (0.9, 0.999)), applied to the gradients as loss.backward() leaves them (no clipping)")


@points(1)
def test_train_prediction_is_the_nets(student, seed_shift, shared):
    """the prediction train_char_rnn returns is what its returned net predicts"""
    kwargs = dict(input_str=UNSEEN[0][0], label_str=UNSEEN[0][1], seed=1 + seed_shift)  # early in training, not yet the label
    result = run(student, **kwargs, epochs=3)
    pair = pair_of(kwargs)
    start = untrained(student, **kwargs)
    require_learnt(student, result, start, pair, "what its net predicts")
    # apple too (the untrained net other tests use): its prediction is not yet 'pple!'
    apple = untrained(student, seed=seed_shift, shared=shared)
    for returned, which in [(result, "trained net"), (start, "untrained net (epochs=0: the loop runs no epoch)"),
                            (apple, "untrained net (epochs=0: the loop runs no epoch)")]:
        X, _, index_to_char = pair_data(*pair_of(returned.kwargs))
        # batch_first=None: as the net computes; a decode that is wrong is test_decode_*'s business, so the
        # student's own decode of the net's logits counts too.
        logits = rebuilt_net(returned.net, f"the net returned by {returned.what}", batch_first=None)(X)
        expected = reference.decode(logits, index_to_char)
        if not (same(returned.prediction, expected)
                or same(returned.prediction, student.call("decode", logits, index_to_char))):
            fail(f"{returned.what} returned the prediction {returned.prediction!r}, but its returned net predicts "
                 f"{expected!r} (the argmax of its logits on X): return decode(net(X), index_to_char) of the "
                 f"{which}, after the loop")


@points(1)
def test_train_honours_epochs(student, seed_shift, shared):
    """train_char_rnn trains for `epochs` epochs: one loss per epoch, and more epochs train further"""
    start = untrained(student, seed=seed_shift, shared=shared)
    one, seven = run(student, epochs=1, seed=seed_shift), run(student, epochs=7, seed=seed_shift)
    if not abs(one.losses[0] - seven.losses[0]) <= 1e-6:
        require_reproducible(student, one)
        fail(f"the first loss of {seven.what} is {seven.losses[0]:.6f}, but {one.what} gave {one.losses[0]:.6f}: "
             "the first epoch should not depend on how many follow")
    require_learnt(student, seven, start, APPLE, "training for `epochs` epochs")
    difference, _ = largest_difference(weights_of(seven.net), weights_of(one.net))
    if not difference > 1e-6:
        fail(f"{seven.what} returned the same net as {one.what}: it should train for 7 epochs")


@points(1)
def test_train_honours_hidden_size(student, seed_shift):
    """train_char_rnn builds its Net with `hidden_size`"""
    result = run(student, hidden_size=9, epochs=2, seed=seed_shift)
    rnn, fc = result.net.children["rnn"].config, result.net.children["fc"].config
    if rnn.get("hidden_size") != 9 or fc.get("in_features") != 9:
        fail(f"{result.what} should build Net(V, 9, V): nn.RNN(V, 9) and nn.Linear(9, V), got hidden_size "
             f"{rnn.get('hidden_size')} and in_features {fc.get('in_features')}")
    require_learnt(student, result, untrained(student, hidden_size=9, seed=seed_shift), APPLE, "a net of that size")


@points(1)
def test_train_honours_learning_rate(student, seed_shift, shared):
    """train_char_rnn uses `learning_rate`: with 0 the net stays as built, other rates train it differently"""
    start = untrained(student, learning_rate=0.0, seed=seed_shift)
    frozen = run(student, learning_rate=0.0, epochs=TRAINING.loop_epochs, seed=seed_shift)
    difference, where = largest_difference(weights_of(frozen.net), weights_of(start.net))
    if not difference <= 1e-7:
        require_reproducible(student, start)
        fail(f"{frozen.what} should leave the net as {start.what} returns it, but its {where} moved by "
             f"{difference:.3g}: pass learning_rate to the optimizer (lr=learning_rate, also when it is 0)")
    if not max(frozen.losses) - min(frozen.losses) <= 1e-6:
        fail(f"{frozen.what} left the weights unchanged, yet the losses went from {frozen.losses[0]:.6f} to "
             f"{frozen.losses[-1]:.6f}; they should all be the same net's loss on the same X: does the Net keep "
             "its hidden state between forward calls (see test_net_forward_keeps_no_state)?")
    slow, fast = (run(student, learning_rate=lr, epochs=TRAINING.loop_epochs, seed=seed_shift, shared=shared)
                  for lr in (0.02, 0.1))
    for result in (slow, fast):
        require_learnt(student, result, start, APPLE, "that it uses the learning rate", reproducible=True)
    difference, _ = largest_difference(weights_of(slow.net), weights_of(fast.net))
    if not difference > 1e-6:
        fail(f"{slow.what} and {fast.what} returned the same net: pass learning_rate to the optimizer")


@points(1)
def test_train_same_seed_same_losses(student, seed_shift, shared):
    """train_char_rnn with the same seed (0 too) gives the same run: losses, net and prediction"""
    for seed in (0, 3 + seed_shift):  # seed 0 itself: the seed a falsy check (`if seed:`) skips
        first, again = (run(student, epochs=TRAINING.loop_epochs, seed=seed) for _ in range(2))
        difference = same_run(again, first)
        if difference:
            fail(f"{first.what} run a second time gave another result ({difference}): call "
                 "torch.manual_seed(seed) before building the Net, for every seed (0 is a seed too)")
        if seed == 0:
            require_learnt(student, first, untrained(student, seed=0, shared=shared), APPLE,
                           "a deterministic training", reproducible=True)


@points(1)
def test_train_different_seeds_differ(student, seed_shift):
    """train_char_rnn with another seed starts from other weights"""
    start_3, start_4 = untrained(student, seed=3 + seed_shift), untrained(student, seed=4 + seed_shift)
    difference, _ = largest_difference(weights_of(start_4.net), weights_of(start_3.net))
    if not difference > 1e-6:
        fail(f"{start_3.what} and {start_4.what} built the same net: seed torch with the `seed` argument")
    require_learnt(student, run(student, epochs=3, seed=3 + seed_shift), start_3, APPLE, "seeding")


@points(1)
def test_train_call_forms(student, shared):
    """train_char_rnn() uses the contract's defaults ('apple', 'pple!', 5, 0.1, 100, seed 0) and takes them
    positionally in that order"""
    keywords = {**CONTRACT, "epochs": 4}  # 4 epochs, so that epochs swapped with hidden_size shows
    contract = tuple(keywords.values())  # in the contract's order
    try:
        positional = run_of(student.call("train_char_rnn", *contract), call_text(contract, {}), 4)
    except StudentCodeError as error:
        fail(f"{call_text(contract, {})}, the contract's arguments in its order, failed: {error}")
    positional.kwargs = keywords
    defaults = defaults_run(student, shared)
    judge_training((defaults.net, defaults.losses, defaults.prediction), *APPLE, 100, defaults.what)
    short = short_defaults_run(student, shared)
    difference = same_run(short, positional)
    difference = f"in {short.what} {difference}" if difference else ""
    if not difference and not all(abs(a - b) <= 1e-6 for a, b in zip(defaults.losses, positional.losses)):
        difference = f"the first 4 losses of {defaults.what} are {[round(v, 6) for v in defaults.losses[:4]]}"
    if difference:
        require_reproducible(student, positional)
        fail(f"with the contract's defaults ('apple', 'pple!', hidden_size=5, learning_rate=0.1, epochs=100, "
             f"seed=0) {short.what} and {defaults.what} should train as {positional.what} does, but {difference}"
             f" (it gave the losses {[round(v, 6) for v in positional.losses]})")


@points(1)
def test_train_results_do_not_change_later(student, seed_shift, shared):
    """a train_char_rnn result stays as returned after later calls, and a call does not depend on earlier ones"""
    kwargs = dict(hidden_size=5, learning_rate=0.1, epochs=TRAINING.loop_epochs, seed=seed_shift)
    what = call_text(APPLE, kwargs)
    kept = student.new("train_char_rnn", *APPLE, **kwargs)
    first = run_of(student.value(kept), what, TRAINING.loop_epochs)
    # the same sizes as the kept run (V = 5, hidden 5), another pair and seed: a net kept per size shows
    later = dict(input_str="hello", label_str="ello!", hidden_size=5, learning_rate=0.05,
                 epochs=TRAINING.loop_epochs + 2, seed=1 + seed_shift)
    other = run(student, **later)
    value = student.value(kept)
    _, losses, _ = unpack(value, 3, what)
    if isinstance(losses, list) and len(losses) != TRAINING.loop_epochs:
        fail(f"the losses {what} returned changed after the later call {other.what}: they now hold {len(losses)} "
             "items: return a new list from every call, not a module-level one")
    difference = same_run(run_of(value, what, TRAINING.loop_epochs), first, atol=0.0)
    if difference:
        fail(f"the result {what} returned changed after the later call {other.what}: {difference}: keep nothing "
             "a later call changes (a module-level list, net or vocabulary)")
    fresh = run(student, *APPLE, **kwargs)
    difference = same_run(fresh, first)
    if difference:
        require_reproducible(student, fresh)
        fail(f"{what} called again after {other.what} gave another result ({difference}): a call must not "
             "depend on earlier calls")
    require_learnt(student, first, untrained(student, seed=seed_shift, shared=shared), APPLE, "a result that stays",
                   reproducible=True)
