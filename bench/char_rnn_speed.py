"""How long one char_rnn grading takes in a warm process (not a test): prints the figures.

Grades the reference solution through the real pipeline and sandbox, `--repeat` times in one
process with one zygote and one torch thread (so torch's start-up is paid once, as in a `grade-all`
worker), after one warm-up grading. The machine may be shared: compare figures measured back to back.
Where the host allows it (root, cgroup v1) it also prints the CPU seconds of each grading, the
sandboxes' included, which a busy machine inflates much less than the wall time.

With --against CHECKOUT (another checkout of the kit, e.g. `git worktree add ../base COMMIT`, with
its own .venv from `make .venv/.setup-done`), a warm process of each checkout grades in turn, one
grading at a time, so that both see the same machine; it prints both and their paired CPU ratio.

Usage: python bench/char_rnn_speed.py [--repeat 10] [--exercise char_rnn] [--against CHECKOUT]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
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


# One warm grading process of a checkout (run by its own Python, in it): grades on each input line.
WORKER = """
import sys, time, torch
from pathlib import Path
sys.path.insert(0, sys.argv[1])  # this bench's folder, for cpu_account
from autograder.grading.run import grade_exercise
from autograder.sandbox.zygote import Zygote
from cpu_account import CpuAccount
torch.set_num_threads(1)
account = CpuAccount("char-rnn-speed-" + Path.cwd().name)
account.enter()
path = Path("solutions") / (sys.argv[2] + ".py")
try:
    with Zygote() as zygote:
        grade_exercise(sys.argv[2], path, zygote)
        print("ready", flush=True)
        for _ in sys.stdin:
            started, cpu = time.perf_counter(), account.usage() or 0.0
            result = grade_exercise(sys.argv[2], path, zygote)
            assert result.score == result.max_score, result.score
            print(time.perf_counter() - started, (account.usage() or 0.0) - cpu, flush=True)
finally:
    account.leave()
    account.close()
"""


def quartiles(values: list[float]) -> str:
    q1, median, q3 = statistics.quantiles(values)
    return f"median {median:.3f} (quartiles {q1:.3f}-{q3:.3f})"


def against(other: Path, exercise: str, repeat: int) -> None:
    checkouts = {"this checkout": ROOT, str(other): other.resolve()}
    workers = {name: subprocess.Popen([str(path / ".venv" / "bin" / "python"), "-c", WORKER, str(ROOT / "bench"),
                                       exercise], cwd=path, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
               for name, path in checkouts.items()}
    for worker in workers.values():
        assert worker.stdout.readline().strip() == "ready"
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in workers}
    for i in range(repeat):
        for name in (list(workers) if i % 2 == 0 else list(workers)[::-1]):  # neither always goes first
            workers[name].stdin.write("grade\n")
            workers[name].stdin.flush()
            wall, cpu = map(float, workers[name].stdout.readline().split())
            figures[name].append((wall, cpu))
    for worker in workers.values():
        worker.stdin.close()
        worker.wait()
    for name, values in figures.items():
        print(f"{name}: wall {quartiles([w for w, _ in values])}, CPU {quartiles([c for _, c in values])} s")
    mine, theirs = figures.values()
    print(f"CPU of this checkout over {other}, paired gradings: {quartiles([a[1] / b[1] for a, b in zip(mine, theirs)])}; "
          f"ratio of the medians {statistics.median(c for _, c in mine) / statistics.median(c for _, c in theirs):.3f} "
          f"(n={repeat}, load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--exercise", default="char_rnn")
    parser.add_argument("--against", type=Path, help="another checkout of the kit to compare with")
    args = parser.parse_args()
    if args.against:
        against(args.against, args.exercise, args.repeat)
        return
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
