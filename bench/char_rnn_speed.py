"""How long one char_rnn grading takes in a warm process (not a test): prints the figures.

Grades the reference solution through the real pipeline and sandbox, `--repeat` times in one
process with one zygote and one torch thread (so torch's start-up is paid once, as in a `grade-all`
worker), after one warm-up grading. The machine may be shared: compare figures measured back to back.

Usage: python bench/char_rnn_speed.py [--repeat 10] [--exercise char_rnn]
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import torch

from autograder.grading.run import grade_exercise
from autograder.sandbox.zygote import Zygote

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--exercise", default="char_rnn")
    args = parser.parse_args()
    path = ROOT / "solutions" / f"{args.exercise}.py"
    torch.set_num_threads(1)  # as in the grade-all workers
    with Zygote() as zygote:
        warm = grade_exercise(args.exercise, path, zygote)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = grade_exercise(args.exercise, path, zygote)
            times.append(time.perf_counter() - started)
            assert result.score == result.max_score, f"the reference scored {result.score}/{result.max_score}"
    print(f"{args.exercise}: {len(warm.tests)} tests, {warm.max_score:g} points; one grading: median "
          f"{statistics.median(times):.3f} s, min {min(times):.3f} s, max {max(times):.3f} s (n={len(times)})")


if __name__ == "__main__":
    main()
