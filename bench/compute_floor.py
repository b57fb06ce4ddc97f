"""The compute floor of grading one student: the calls the graders make into a submission, made on
the reference solutions directly in one process (no sandbox, no pytest, no wire), one torch thread.

The calls are not written out by hand, where they would drift from the graders: they are recorded
from one real grading of each reference solution (every call message the graders send into its
sandbox, arguments as sent), then replayed on the reference module loaded here, timing only the
calls themselves. Usage: python bench/compute_floor.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import copy
import statistics
import time
from pathlib import Path

from autograder import config
from autograder.exercises import names as exercise_names
from autograder.grading.run import grade_exercise
from autograder.sandbox import wire
from autograder.sandbox.process import SandboxProcess
from autograder.sandbox.zygote import Zygote

SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions"

Call = tuple[dict, list[bytes]]


def record_calls(exercise: str, zygote: Zygote) -> list[Call]:
    """Every call the graders of `exercise` make into the reference solution, as sent."""
    calls: list[Call] = []
    request = SandboxProcess.request

    def recording(self, message, blobs=(), **kwargs):
        if message.get("op") == "call":
            calls.append((copy.deepcopy(message), list(blobs)))
        return request(self, message, blobs, **kwargs)

    SandboxProcess.request = recording
    try:
        result = grade_exercise(exercise, SOLUTIONS / f"{exercise}.py", zygote)
    finally:
        SandboxProcess.request = request
    assert result.score == result.max_score, f"the reference of {exercise} lost points: {result.problems}"
    return calls


def replay(exercise: str, calls: list[Call]) -> tuple[float, float]:
    """(wall, CPU) seconds spent inside the reference's functions making `calls`, resolved as the
    sandbox's Child resolves them."""
    namespace = {"__name__": "submission"}
    exec(compile((SOLUTIONS / f"{exercise}.py").read_text(), f"<{exercise}>", "exec"), namespace)
    handles: dict[int, object] = {}
    resolve = lambda hid, _type: handles[hid]  # noqa: E731
    wall = cpu = 0.0
    for message, blobs in calls:
        target = message["target"]
        if isinstance(target, list):  # [handle, attribute or None]
            obj = handles[int(target[0])]
            function = obj if target[1] is None else getattr(obj, target[1])
        else:
            function = namespace[target]
        args = wire.decode(message["args"], blobs, resolve, build_modules=True)
        kwargs = wire.decode(message["kwargs"], blobs, resolve, build_modules=True)
        started, started_cpu = time.perf_counter(), time.process_time()
        try:
            result = function if message.get("getattr") else function(*args, **kwargs)
        except Exception:  # some graded calls must raise (e.g. an f that cannot be evaluated there)
            result = None
        wall += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
        if message.get("keep"):
            handles[len(handles) + 1] = result
    return wall, cpu


def floor_per_student(repeat: int = 3) -> dict[str, float]:
    """Median wall seconds of each exercise's graded calls on the reference, their sum ("total"),
    and the same in CPU seconds ("cpu": on a loaded machine the wall time is not the work)."""
    import torch

    torch.set_num_threads(1)  # as every grading worker
    with Zygote() as zygote:
        recorded = {e: record_calls(e, zygote) for e in exercise_names()}
    runs = {e: [replay(e, calls) for _ in range(repeat)] for e, calls in recorded.items()}
    floor = {e: statistics.median(wall for wall, _ in runs[e]) for e in exercise_names()}
    floor["calls"] = sum(len(calls) for calls in recorded.values())
    floor["total"] = sum(floor[e] for e in exercise_names())
    floor["cpu"] = sum(statistics.median(cpu for _, cpu in runs[e]) for e in exercise_names())
    return floor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    floor = floor_per_student(parser.parse_args().repeat)
    for exercise in exercise_names():
        print(f"{exercise:12}{floor[exercise]:8.3f} s")
    print(f"{'per student':12}{floor['total']:8.3f} s  ({floor['calls']} graded calls; CPU {floor['cpu']:.3f} s)")


if __name__ == "__main__":
    main()
