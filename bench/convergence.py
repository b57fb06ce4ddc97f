"""How often would correct code fail the char-RNN training graders? (not a test)

Two measurements, each judging runs exactly as the graders do (autograder/exercises/char_rnn/training.py):

  convergence   the reference trained with many seeds on every pair the graders train to the end
                (--all: every unusual-correct solution of char_rnn too)
  --loop        the training-loop replay: for the reference and every unusual-correct solution,
                train_char_rnn(..., epochs=0) and (..., epochs=E) on the graders' loop settings (LOOP_RUNS,
                each with its epochs E) with many seeds, and the largest difference between the reported
                losses / returned weights and the contract's loop replayed from that untrained net;
                for the catalogued loop bugs, the smallest such difference. Each of the grader's three
                tolerances (TRAINING.loop_atol, first_loss_atol, loop_weights_atol) must lie between
                the two.

Usage: python bench/convergence.py [--seeds 200] [--all] [--loop]
"""
from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import sys
import time
import types
import warnings
from pathlib import Path

import pytest
import torch

from autograder import config
from autograder.exercises import get
from autograder.exercises.char_rnn.catalogue import LOOP
from autograder.exercises.char_rnn.test_char_rnn import LOOP_RUNS
from autograder.exercises.char_rnn.training import (TRAINING, judge_training, largest_difference, replay,
                                                     trained_loss_difference, weights_of)
from autograder.sandbox.wire import module_to_data
from solutions import char_rnn as reference

ROOT = Path(__file__).resolve().parent.parent
BUGS = get("char_rnn").bugs()


def pairs() -> list[tuple[str, str, int]]:
    """(input, label, hidden size) as the graders train them."""
    apple = [("apple", "pple!", 5)]
    unseen = [(w, w[1:] + "!", len(reference.build_vocab(w, w[1:] + "!"))) for w in TRAINING.unseen_words]
    return apple + unseen


def module_from(source: str, name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    exec(compile(source, name, "exec"), module.__dict__)
    return module


def correct_solutions() -> dict[str, types.ModuleType]:
    """The reference and the unusual-correct .py solutions (the notebook one is the reference's code)."""
    solutions = {"reference": reference}
    for path in sorted(get("char_rnn").folder.joinpath("unusual").glob("*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        solutions[path.stem] = module
    return solutions


def quietly(function, *args, **kwargs):
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def convergence(name: str, solution: types.ModuleType, seeds: int) -> None:
    for input_str, label_str, hidden in pairs():
        failures, worst, started = [], 0.0, time.monotonic()
        for seed in range(seeds):
            net, losses, prediction = quietly(solution.train_char_rnn, input_str, label_str, hidden_size=hidden,
                                              seed=seed)
            try:
                _, loss = judge_training((module_to_data(net), losses, prediction), input_str, label_str, 100,
                                         f"seed {seed}")
                worst = max(worst, loss)
            except pytest.fail.Exception as failure:
                failures.append((seed, str(failure)))
        print(f"{name}: {input_str!r} -> {label_str!r} (hidden {hidden}): {len(failures)} of {seeds} seeds fail, "
              f"worst passing loss {worst:.2e}, {time.monotonic() - started:.1f} s")
        for seed, why in failures[:5]:
            print(f"   seed {seed}: {why}")


# What loop_difference measures, each with the tolerance the grader holds it to.
MEASURES = [("losses", "loop_atol"), ("net's loss", "loop_atol"), ("weights", "loop_weights_atol"),
            ("first loss", "first_loss_atol")]


def beyond(differences: tuple[float, ...]) -> list[str]:
    """The measures on which a run differs from the replayed loop by more than the grader allows."""
    return [name for (name, tolerance), d in zip(MEASURES, differences) if not d <= getattr(TRAINING, tolerance)]


def loop_difference(solution: types.ModuleType, settings: dict, seed: int) -> tuple[float, float, float, float]:
    """The largest difference between a run and the replayed loop, one per MEASURES: (reported
    losses, the returned net's loss, its weights, the first reported loss)."""
    kwargs = {**settings, "seed": seed}
    epochs = kwargs.pop("epochs")
    start, _, _ = quietly(solution.train_char_rnn, **kwargs, epochs=0)
    net, losses, _ = quietly(solution.train_char_rnn, **kwargs, epochs=epochs)
    pair = settings["input_str"], settings["label_str"]
    expected, replayed = replay(module_to_data(start), *pair, settings["learning_rate"], epochs, "the untrained net")
    loss = max(abs(a - b) for a, b in zip(losses, expected)) if len(losses) == len(expected) else float("inf")
    trained = trained_loss_difference(module_to_data(net), replayed, *pair, "the trained net")
    weights = largest_difference(weights_of(module_to_data(net)), replayed.state_dict())[0]
    first = abs(losses[0] - expected[0]) if losses else float("inf")
    return loss, trained, weights, first


def raising_counted(solution: types.ModuleType, settings: dict, seed: int) -> tuple[float, ...]:
    """loop_difference of a bug; a run that raises fails the test, as the grader finds it."""
    try:
        return loop_difference(solution, settings, seed)
    except Exception:
        return (float("inf"),) * len(MEASURES)


def loop(seeds: int) -> None:
    tolerances = ", ".join(f"{name} {getattr(TRAINING, tolerance):g}" for name, tolerance in MEASURES)
    print(f"loop replay: {', '.join(str(run['epochs']) for run in LOOP_RUNS)} epochs, {seeds} seeds x "
          f"{len(LOOP_RUNS)} settings; tolerances: {tolerances}")
    show = lambda d: ", ".join(f"{name} {x:.2e}" for (name, _), x in zip(MEASURES, d))  # noqa: E731
    for name, solution in correct_solutions().items():
        worst = [0.0] * len(MEASURES)
        for settings in LOOP_RUNS:
            for seed in range(seeds):
                worst = [max(w, d) for w, d in zip(worst, loop_difference(solution, settings, seed))]
        over = beyond(worst)
        verdict = f"FAILS on {', '.join(over)}" if over else "ok"
        print(f"  correct {name:<40} largest difference: {show(worst)}  {verdict}", flush=True)
    for bug in (b for b in BUGS if b.exercise == "char_rnn" and LOOP in b.must_fail):
        solution = module_from(bug.source(), bug.name)
        caught = 0  # per seed, the test fails if one of its runs differs on one measure
        smallest = [float("inf")] * len(MEASURES)
        for seed in range(seeds):
            differences = [raising_counted(solution, settings, seed) for settings in LOOP_RUNS]
            worst = [max(d[i] for d in differences) for i in range(len(MEASURES))]
            smallest = [min(s, w) for s, w in zip(smallest, worst)]
            caught += any(beyond(d) for d in differences)
        print(f"  bug     {bug.name:<40} smallest difference (per seed, its larger run): {show(smallest)}; "
              f"caught at {caught} of {seeds} seeds", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--all", action="store_true", help="convergence of the unusual-correct solutions too")
    parser.add_argument("--loop", action="store_true", help="measure the loop replay's tolerance instead")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.loop:
        loop(args.seeds)
        return
    solutions = correct_solutions() if args.all else {"reference": reference}
    for name, solution in solutions.items():
        convergence(name, solution, args.seeds)


if __name__ == "__main__":
    main()
