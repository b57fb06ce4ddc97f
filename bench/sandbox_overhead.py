"""What the sandbox costs in time (not a test): prints the figures.

  zygote start-up          a fresh zygote importing numpy and torch, until it is ready to spawn
  spawn + load             one sandbox forked, confined and running a small submission; and its
                           CPU on each side (the sandbox side: the zygote, its two forks, the
                           sandbox; from a cpuacct cgroup of this run's own, as root)
  round trip               one call into a loaded submission (tiny arguments; then 1 MB each way)
  grading                  each exercise's reference solution graded through the sandbox (the
                           graders' calls without sandbox or pytest: bench/compute_floor.py)

Usage: python bench/sandbox_overhead.py [--repeat 20]   (as root for full isolation)
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch

from cpu_account import CpuAccount

from autograder.exercises import get as get_exercise, names as exercise_names
from autograder.grading.run import grade_exercise
from autograder.grading.student_code import sandbox_settings
from autograder.sandbox import wire
from autograder.sandbox.process import SandboxProcess
from autograder.sandbox.zygote import Zygote

SMALL = "import numpy as np\n\ndef echo(x):\n    return x\n"


def timed(action: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def show(label: str, times: list[float]) -> None:
    ms = [t * 1000 for t in times]
    spread = f"  (min {min(ms):8.2f}, max {max(ms):8.2f}, n={len(ms)})" if len(ms) > 1 else ""
    print(f"{label:<44} {statistics.median(ms):9.2f} ms{spread}")


def call_message(name: str, *args: Any) -> tuple[dict, list[bytes]]:
    blobs: list[bytes] = []
    return {"op": "call", "target": name, "args": wire.encode(list(args), blobs),
            "kwargs": wire.encode({}, blobs)}, blobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(1)  # as every grading worker

    account = CpuAccount("sandbox")
    account.enter()  # before the zygote starts, so that it and its sandboxes are counted
    started = time.perf_counter()
    zygote = Zygote()
    print(f"isolation: {zygote.isolation}")
    show("zygote start-up (imports torch)", [time.perf_counter() - started])

    with zygote, tempfile.TemporaryDirectory() as folder:
        settings = sandbox_settings([Path(folder)])
        load = {"op": "load", "cells": [(1, SMALL)], "skip": [], "module_name": "submission"}

        def spawn_and_load() -> None:
            process = SandboxProcess(zygote, settings)
            process.request(load, timeout=30, on_progress=lambda message: None)
            process.close()
        spawn_and_load()  # the first fork touches more of the zygote's pages
        show("spawn + load a small submission", timed(spawn_and_load, args.repeat))
        if account.folder is not None:
            repeat = args.repeat * 5
            every, trusted = account.usage(), time.process_time()
            timed(spawn_and_load, repeat)
            every, trusted = account.usage() - every, time.process_time() - trusted
            show("  its CPU, sandbox side", [(every - trusted) / repeat])
            show("  its CPU, trusted side", [trusted / repeat])

        process = SandboxProcess(zygote, settings)
        process.request(load, timeout=30, on_progress=lambda message: None)
        tiny = call_message("echo", 1)
        show("round trip, echo(1)", timed(lambda: process.request(*tiny), args.repeat * 10))
        big = call_message("echo", np.zeros(2**17))  # 1 MB there and back
        show("round trip, echo(1 MB array)", timed(lambda: process.request(*big), args.repeat * 5))
        process.close()

        print()
        for exercise in exercise_names():
            path = get_exercise(exercise).reference
            graded = lambda: grade_exercise(exercise, path, zygote, [path.parent])
            result = graded()  # warm: the graders' imports, the first sandbox
            if result.score < result.max_score:  # a failing grading would measure something else
                raise SystemExit(f"the reference of {exercise} scores {result.score}/{result.max_score}")
            show(f"grade {exercise} through the sandbox", timed(graded, max(3, args.repeat // 4)))
    account.leave()
    account.close()


if __name__ == "__main__":
    main()
