"""How long one char_rnn grading takes in a warm process (not a test): prints the figures.

Grades the reference solution through the real pipeline and sandbox, `--repeat` times in one
process with one zygote and one torch thread (so torch's start-up is paid once, as in a `grade-all`
worker), after one warm-up grading. The machine may be shared: compare figures measured back to back.
Where the host allows it (root, cgroup v1) it also prints the CPU seconds of each grading, the
sandboxes' included, which a busy machine inflates much less than the wall time.

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
from cpu_account import CpuAccount

ROOT = Path(__file__).resolve().parent.parent


def spread(name: str, values: list[float]) -> str:
    return (f"{name}: median {statistics.median(values):.3f} s, min {min(values):.3f} s, "
            f"max {max(values):.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--exercise", default="char_rnn")
    args = parser.parse_args()
    path = ROOT / "solutions" / f"{args.exercise}.py"
    torch.set_num_threads(1)  # as in the grade-all workers
    account = CpuAccount("char-rnn-speed")
    account.enter()  # before the zygote starts: its sandboxes count too
    try:
        with Zygote() as zygote:
            warm = grade_exercise(args.exercise, path, zygote)
            times, cpu = [], []
            for _ in range(args.repeat):
                started, cpu_started = time.perf_counter(), account.usage()
                result = grade_exercise(args.exercise, path, zygote)
                times.append(time.perf_counter() - started)
                if cpu_started is not None:
                    cpu.append(account.usage() - cpu_started)
                assert result.score == result.max_score, f"the reference scored {result.score}/{result.max_score}"
    finally:
        account.leave()
        account.close()
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"{args.exercise}: {len(warm.tests)} tests, {warm.max_score:g} points; one grading: "
          f"{spread('wall', times)}" + (f"; {spread('CPU', cpu)}" if cpu else "")
          + f" (n={len(times)}, load average {load})")


if __name__ == "__main__":
    main()
