"""Graders of exercise 3: the character RNN that learns "apple" -> "pple!"."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder import config
from solutions import char_rnn as reference

from .checks import build, close, fail, kind, module, tensor, unpack
from .training import judge_training, losses_of, pair_data, rebuilt_net

points = pytest.mark.points

APPLE = ("apple", "pple!")
UNSEEN = [(word, word[1:] + "!") for word in config.UNSEEN_PAIRS]


def vocab_of(student, input_str: str, label_str: str) -> list:
    what = f"build_vocab({input_str!r}, {label_str!r})"
    vocab = student.call("build_vocab", input_str, label_str)
    expected = reference.build_vocab(input_str, label_str)
    if not isinstance(vocab, list) or vocab != expected:
        fail(f"{what} should be the sorted list {expected}, got {kind(vocab)}")
    return vocab


@points(1)
def test_build_vocab_apple(student):
    """build_vocab('apple', 'pple!') is the sorted list ['!', 'a', 'e', 'l', 'p']"""
    vocab_of(student, *APPLE)


@points(1)
def test_build_vocab_other_words(student):
    """build_vocab gives the sorted unique characters of both strings for other words too"""
    for pair in [*UNSEEN, ("zebra", "abz"), ("a", "b")]:
        vocab_of(student, *pair)


@points(1)
def test_make_char_maps(student):
    """make_char_maps maps each character to its position in the vocabulary, and back"""
    vocab = ["!", "b", "c", "q", "x", "z"]
    c2i, i2c = unpack(student.call("make_char_maps", vocab), 2, f"make_char_maps({vocab})")
    expected_c2i, expected_i2c = reference.make_char_maps(vocab)
    if c2i != expected_c2i:
        fail(f"char_to_index from make_char_maps({vocab}) should be {expected_c2i}, got {kind(c2i)}")
    if i2c != expected_i2c:
        fail(f"index_to_char from make_char_maps({vocab}) should be {expected_i2c}, got {kind(i2c)}")


def encoded(student, input_str: str, label_str: str) -> tuple:
    c2i, _ = reference.make_char_maps(reference.build_vocab(input_str, label_str))
    what = f"encode_pair({input_str!r}, {label_str!r}, char_to_index)"
    X, Y = unpack(student.call("encode_pair", input_str, label_str, c2i), 2, what)
    return what, X, Y, reference.encode_pair(input_str, label_str, c2i)


@points(2)
def test_encode_pair_one_hot_inputs(student):
    """encode_pair's X is a float32 one-hot tensor of shape (1, T, V)"""
    for pair in [APPLE, *UNSEEN]:
        what, X, _, (expected_X, _) = encoded(student, *pair)
        X = tensor(X, f"X from {what}", tuple(expected_X.shape), torch.float32)
        if not torch.equal(X, expected_X):
            t = int((X != expected_X).any(dim=-1)[0].nonzero()[0])
            fail(f"X from {what}: step {t} (character {pair[0][t]!r}) should be {expected_X[0, t].tolist()}, "
                 f"got {X[0, t].tolist()}")


@points(1)
def test_encode_pair_targets(student):
    """encode_pair's Y holds the label's character indices as an int64 tensor of shape (1, T)"""
    for pair in [APPLE, *UNSEEN]:
        what, _, Y, (_, expected_Y) = encoded(student, *pair)
        Y = tensor(Y, f"Y from {what}", tuple(expected_Y.shape), torch.int64)
        if not torch.equal(Y, expected_Y):
            fail(f"Y from {what} should be {expected_Y.tolist()}, got {Y.tolist()}")


@points(1)
def test_net_has_rnn_and_fc(student):
    """Net(input, hidden, output) has an nn.RNN `rnn` (batch_first) and an nn.Linear `fc` of those sizes"""
    net = student.new("Net", 6, 7, 5)
    rnn = build(module(student.attribute(net, "rnn"), "Net(6, 7, 5).rnn", "RNN"), "Net(6, 7, 5).rnn")
    fc = build(module(student.attribute(net, "fc"), "Net(6, 7, 5).fc", "Linear"), "Net(6, 7, 5).fc")
    if (rnn.input_size, rnn.hidden_size) != (6, 7) or not rnn.batch_first:
        fail(f"Net(6, 7, 5).rnn should be nn.RNN(6, 7, batch_first=True), got nn.RNN({rnn.input_size}, "
             f"{rnn.hidden_size}, batch_first={rnn.batch_first})")
    if (fc.in_features, fc.out_features) != (7, 5):
        fail(f"Net(6, 7, 5).fc should be nn.Linear(7, 5), got nn.Linear({fc.in_features}, {fc.out_features})")


@points(1)
def test_net_forward_shape(student, rng):
    """Net.forward maps (batch, time, input_size) to logits (batch, time, output_size)"""
    net = student.new("Net", 6, 7, 5)
    x = torch.tensor(rng.normal(0, 1, (3, 4, 6)), dtype=torch.float32)
    tensor(student.method(net, "forward", x), "Net(6, 7, 5) on an input of shape (3, 4, 6)", (3, 4, 5))


@points(3)
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
def test_decode_argmax(student, rng):
    """decode picks the most likely character at every step of a (1, T, V) tensor"""
    vocab = reference.build_vocab(*APPLE)
    _, index_to_char = reference.make_char_maps(vocab)
    logits = torch.tensor(rng.normal(0, 1, (1, 7, len(vocab))), dtype=torch.float32)
    expected = reference.decode(logits, index_to_char)
    got = student.call("decode", logits, index_to_char)
    if got != expected:
        fail(f"decode of logits whose row-wise argmax is {logits.argmax(-1)[0].tolist()} should be {expected!r}, "
             f"got {kind(got)}")


@points(1)
def test_decode_single_step(student):
    """decode works for a single time step, T = 1 (e.g. it does not squeeze the time axis away)"""
    _, index_to_char = reference.make_char_maps(reference.build_vocab(*APPLE))
    logits = torch.tensor([[[0.1, -1.0, 2.0, 0.3, 0.0]]])
    got = student.call("decode", logits, index_to_char)
    if got != "e":
        fail(f"decode of logits of shape (1, 1, 5) with the largest value at index 2 should be 'e', got {kind(got)}")


def train(student, input_str: str = "apple", label_str: str = "pple!", hidden_size: int = 5,
          learning_rate: float = 0.1, epochs: int = 100, seed: int = 0) -> tuple[str, object]:
    what = (f"train_char_rnn({input_str!r}, {label_str!r}, hidden_size={hidden_size}, "
            f"learning_rate={learning_rate}, epochs={epochs}, seed={seed})")
    return what, student.call("train_char_rnn", input_str, label_str, hidden_size=hidden_size,
                              learning_rate=learning_rate, epochs=epochs, seed=seed)


@points(1)
def test_train_returns_net_losses_prediction(student):
    """train_char_rnn returns (net, losses, prediction): a Net, one float loss per epoch, a string"""
    what, result = train(student, epochs=3)
    net, _, prediction = unpack(result, 3, what)
    losses_of(result, what, 3)
    rebuilt_net(net, f"the net returned by {what}")
    if not isinstance(prediction, str) or len(prediction) != 5:
        fail(f"{what} should return the prediction as a string of 5 characters, got {kind(prediction)}")


@points(5)
def test_train_learns_apple(student, record_property):
    """train_char_rnn learns 'apple' -> 'pple!' (checked on the returned net, for several seeds)"""
    for seed in config.TRAIN_SEEDS:
        what, result = train(student, seed=seed)
        if seed == config.TRAIN_SEEDS[0]:  # for the feedback page's plot
            record_property("training_losses", losses_of(result, what, 100))
        judge_training(result, *APPLE, 100, what)


@points(4)
def test_train_learns_unseen_words(student):
    """train_char_rnn learns other words the same way (hidden size = vocabulary size)"""
    for (input_str, label_str), seed in zip(UNSEEN, config.TRAIN_SEEDS):
        hidden = len(reference.build_vocab(input_str, label_str))
        what, result = train(student, input_str, label_str, hidden_size=hidden, seed=seed)
        judge_training(result, input_str, label_str, 100, what)


@points(1)
def test_train_prediction_is_the_nets(student):
    """the prediction train_char_rnn returns is what its returned net predicts"""
    pair = UNSEEN[0]  # early in training, so the net's answer is not yet the label
    what, result = train(student, *pair, epochs=3, seed=1)
    net, _, prediction = unpack(result, 3, what)
    X, _, index_to_char = pair_data(*pair)
    own = rebuilt_net(net, f"the net returned by {what}", batch_first=None)  # as the student's net computes
    expected = reference.decode(own(X), index_to_char)
    if prediction != expected:
        fail(f"{what} returned the prediction {prediction!r}, but its net predicts {expected!r}: decode the "
             "trained net's output on X")


@points(1)
def test_train_honours_epochs(student):
    """train_char_rnn trains for `epochs` epochs (one loss per epoch)"""
    for epochs in (1, 7):
        what, result = train(student, epochs=epochs)
        losses_of(result, what, epochs)


@points(1)
def test_train_honours_hidden_size(student):
    """train_char_rnn builds its Net with `hidden_size`"""
    what, result = train(student, hidden_size=9, epochs=2)
    net, _, _ = unpack(result, 3, what)
    rebuilt_net(net, f"the net returned by {what}")
    size = net.children["rnn"].config.get("hidden_size")
    if size != 9:
        fail(f"{what} should build its RNN with hidden_size=9, got {size}")


@points(2)
def test_train_honours_learning_rate(student):
    """train_char_rnn uses `learning_rate`: with 0 nothing is learnt and the loss stays constant"""
    what, result = train(student, learning_rate=0.0, epochs=10)
    losses = losses_of(result, what, 10)
    if max(losses) - min(losses) > 1e-6:
        fail(f"{what} should leave the weights unchanged, so every loss should be equal; the losses went "
             f"from {losses[0]:.4f} to {losses[-1]:.4f}: pass learning_rate to the optimizer")


@points(1)
def test_train_same_seed_same_losses(student):
    """train_char_rnn with the same seed gives the same losses"""
    what, first = train(student, epochs=10, seed=3)
    _, again = train(student, epochs=10, seed=3)
    a, b = losses_of(first, what, 10), losses_of(again, what, 10)
    if not np.allclose(a, b, rtol=0, atol=1e-6):
        fail(f"{what} gave different losses on a second run ({a[0]:.4f}... then {b[0]:.4f}...): call "
             "torch.manual_seed(seed) before building the Net")


@points(1)
def test_train_different_seeds_differ(student):
    """train_char_rnn with another seed starts from other weights"""
    what, first = train(student, epochs=3, seed=3)
    _, other = train(student, epochs=3, seed=4)
    if losses_of(first, what, 3) == losses_of(other, what, 3):
        fail("train_char_rnn gave the same losses for seeds 3 and 4: seed torch with the `seed` argument")
