"""How often would the reference solution fail the char-RNN training graders? (not a test)

Trains the reference with many seeds on every pair the graders use and judges each run exactly as
the graders do (autograder/graders/training.py). Usage: python bench/convergence.py [--seeds 200]
"""
from __future__ import annotations

import argparse
import time

import pytest
import torch

from autograder import config
from autograder.graders.training import judge_training
from autograder.sandbox.wire import module_to_data
from solutions import char_rnn as reference


def pairs() -> list[tuple[str, str, int]]:
    """(input, label, hidden size) as the graders train them."""
    apple = [("apple", "pple!", 5)]
    unseen = [(w, w[1:] + "!", len(reference.build_vocab(w, w[1:] + "!"))) for w in config.UNSEEN_PAIRS]
    return apple + unseen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=200)
    args = parser.parse_args()
    torch.set_num_threads(1)
    for input_str, label_str, hidden in pairs():
        failures, worst, started = [], 0.0, time.monotonic()
        for seed in range(args.seeds):
            net, losses, prediction = reference.train_char_rnn(input_str, label_str, hidden_size=hidden, seed=seed)
            try:
                _, loss = judge_training((module_to_data(net), losses, prediction), input_str, label_str, 100,
                                         f"seed {seed}")
                worst = max(worst, loss)
            except pytest.fail.Exception as failure:
                failures.append((seed, str(failure)))
        print(f"{input_str!r} -> {label_str!r} (hidden {hidden}): {len(failures)} of {args.seeds} seeds fail, "
              f"worst passing loss {worst:.2e}, {time.monotonic() - started:.1f} s")
        for seed, why in failures[:5]:
            print(f"   seed {seed}: {why}")


if __name__ == "__main__":
    main()
