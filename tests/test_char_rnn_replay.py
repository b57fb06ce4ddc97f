"""The trusted replay of the char-RNN training loop is remembered per process (a class's correct nets
start from the same weights): a remembered replay must be exactly what replaying again gives, for that
net and those settings only, and never shared with the caller."""
from __future__ import annotations

import copy

import pytest
import torch

from autograder.exercises.char_rnn import training
from autograder.sandbox.wire import module_to_data
from solutions import char_rnn as reference

LOOP = ("apple", "pple!", 0.1, 30)


@pytest.fixture
def untrained():
    training._REPLAYS.clear()
    with training.one_thread():
        net, _, _ = reference.train_char_rnn(*LOOP[:2], hidden_size=5, seed=0, epochs=0)
    yield module_to_data(net)
    training._REPLAYS.clear()


def fresh(data, *loop):
    """The replay made anew, nothing remembered."""
    training._REPLAYS.clear()
    return training.replay(data, *loop, "the net")


def same(a, b) -> bool:
    (losses_a, net_a), (losses_b, net_b) = a, b
    weights_a, weights_b = net_a.state_dict(), net_b.state_dict()
    return losses_a == losses_b and weights_a.keys() == weights_b.keys() and all(
        torch.equal(weights_a[k], weights_b[k]) for k in weights_a)


def test_a_remembered_replay_is_what_replaying_again_gives(untrained):
    first = training.replay(untrained, *LOOP, "the net")
    again = training.replay(untrained, *LOOP, "another net")
    assert len(training._REPLAYS) == 1
    assert same(again, first) and same(again, fresh(untrained, *LOOP))
    assert again[1].what == "another net"  # failures name this call's net


def test_the_caller_gets_its_own_copy(untrained):
    losses, net = training.replay(untrained, *LOOP, "the net")
    losses.append(0.0)
    with torch.no_grad():
        net.fc.weight.add_(1.0)
    assert same(training.replay(untrained, *LOOP, "the net"), fresh(untrained, *LOOP))


def changed(data, where: str):
    """The untrained net with one thing it or its replay depends on changed."""
    data = copy.deepcopy(data)
    if where == "a weight's last bit":
        weight = data.children["fc"].tensors["weight"]
        weight.view(torch.int32)[0, 0] ^= 1
    elif where == "the nonlinearity":
        data.children["rnn"].config["nonlinearity"] = "relu"
    elif where == "the dtype":
        for child in data.children.values():
            child.tensors = {k: v.double() for k, v in child.tensors.items()}
    elif where == "no fc bias":
        data.children["fc"].tensors.pop("bias")
        data.children["fc"].config["bias"] = False
    return data


@pytest.mark.parametrize("where", ["a weight's last bit", "the nonlinearity", "the dtype", "no fc bias"])
def test_another_net_is_replayed_for_itself(untrained, where):
    training.replay(untrained, *LOOP, "the net")
    other = changed(untrained, where)
    got = training.replay(other, *LOOP, "the net")
    assert not same(got, fresh(untrained, *LOOP))
    assert same(got, fresh(other, *LOOP))


@pytest.mark.parametrize("loop", [("apple", "pple!", 0.05, 30), ("apple", "pple!", 0.1, 31),
                                  ("apple", "ppl!e", 0.1, 30)])
def test_other_loop_settings_are_replayed_for_themselves(untrained, loop):
    training.replay(untrained, *LOOP, "the net")
    assert same(training.replay(untrained, *loop, "the net"), fresh(untrained, *loop))


def test_large_nets_are_not_remembered(untrained, monkeypatch):
    monkeypatch.setattr(training, "MAX_REPLAYED_BYTES", 64)
    first = training.replay(untrained, *LOOP, "the net")
    assert not training._REPLAYS
    assert same(first, fresh(untrained, *LOOP))
