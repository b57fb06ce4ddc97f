"""The compute floor of grading one student: the calls the graders make into a submission, made on
the reference solutions directly in one process (no sandbox, no pytest, no wire), one torch thread.

The calls are not written out by hand, where they would drift from the graders: they are recorded
from one real grading of each reference solution (every call message the graders send into its
sandbox, arguments as sent), then replayed on the reference module loaded here, timing only the
calls themselves.

With --sandboxed (as root, for its cpuacct cgroup), also the same recorded messages sent through
a sandbox per submission as grading sends them (spawn, load, the wire both ways, the reply
decoded), with no pytest and no grader's check: what isolating each submission costs by itself,
before the trusted side does anything with the replies. Usage:
python bench/compute_floor.py [--repeat 3] [--sandboxed]
"""
from __future__ import annotations

import argparse
import copy
import statistics
import time

from cpu_account import CpuAccount

from autograder.exercises import get as get_exercise, names as exercise_names
from autograder.grading.run import grade_exercise
from autograder.grading.student_code import sandbox_settings
from autograder.sandbox import wire
from autograder.sandbox.process import SandboxProcess
from autograder.sandbox.zygote import Zygote

Call = tuple[dict, list[bytes]]


def record_calls(exercise: str, zygote: Zygote) -> list[Call]:
    """Every load and call the graders of `exercise` send to the reference solution, as sent."""
    calls: list[Call] = []
    request = SandboxProcess.request

    def recording(self, message, blobs=(), **kwargs):
        if message.get("op") in ("load", "call"):
            calls.append((copy.deepcopy(message), list(blobs)))
        return request(self, message, blobs, **kwargs)

    SandboxProcess.request = recording
    try:
        result = grade_exercise(exercise, get_exercise(exercise).reference, zygote)
    finally:
        SandboxProcess.request = request
    assert result.score == result.max_score, f"the reference of {exercise} lost points: {result.problems}"
    return calls


def replay(exercise: str, calls: list[Call]) -> tuple[float, float]:
    """(wall, CPU) seconds spent inside the reference's functions making `calls`, resolved as the
    sandbox's Child resolves them."""
    namespace = {"__name__": "submission"}
    exec(compile(get_exercise(exercise).reference.read_text(), f"<{exercise}>", "exec"), namespace)
    handles: dict[int, object] = {}
    resolve = lambda hid, _type: handles[hid]  # noqa: E731
    wall = cpu = 0.0
    for message, blobs in calls:
        if message["op"] == "load":  # the module above is what it loads
            continue
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


def sandboxed(calls: list[Call], zygote: Zygote) -> None:
    """`calls` sent as grading sends them: each load into a new sandbox, each reply decoded."""
    process = None
    try:
        for message, blobs in calls:
            if message["op"] == "load":
                if process is not None:
                    process.close()
                process = SandboxProcess(zygote, sandbox_settings())
            reply, reply_blobs = process.request(message, blobs, timeout=600)
            wire.decode(reply.get("value"), reply_blobs)
            wire.decode(reply.get("args", []), reply_blobs)
    finally:
        if process is not None:
            process.close()


def sandboxed_per_student(repeat: int = 3) -> dict[str, float] | None:
    """Median CPU seconds (both sides, the zygote's forks included) of each exercise's recorded
    messages sent through sandboxes, and their sum ("total"); None where no cgroup can be made."""
    import torch

    torch.set_num_threads(1)
    account = CpuAccount("sandboxed")
    if account.usage() is None:
        return None
    account.enter()  # before the zygote starts: its forks and sandboxes are counted too
    try:
        with Zygote() as zygote:
            runs: dict[str, list[float]] = {}
            for exercise in exercise_names():
                calls = record_calls(exercise, zygote)
                runs[exercise] = []
                for _ in range(repeat):
                    before = account.usage()
                    sandboxed(calls, zygote)
                    runs[exercise].append(account.usage() - before)
    finally:
        account.leave()
        account.close()
    floor = {e: statistics.median(runs[e]) for e in exercise_names()}
    floor["total"] = sum(floor.values())
    return floor


def floor_per_student(repeat: int = 3) -> dict[str, float]:
    """Median wall seconds of each exercise's graded calls on the reference, their sum ("total"),
    and the same in CPU seconds ("cpu": on a loaded machine the wall time is not the work)."""
    import torch

    torch.set_num_threads(1)  # as every grading worker
    with Zygote() as zygote:
        recorded = {e: record_calls(e, zygote) for e in exercise_names()}
    runs = {e: [replay(e, calls) for _ in range(repeat)] for e, calls in recorded.items()}
    floor = {e: statistics.median(wall for wall, _ in runs[e]) for e in exercise_names()}
    floor["calls"] = sum(m["op"] == "call" for calls in recorded.values() for m, _ in calls)
    floor["total"] = sum(floor[e] for e in exercise_names())
    floor["cpu"] = sum(statistics.median(cpu for _, cpu in runs[e]) for e in exercise_names())
    return floor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sandboxed", action="store_true", help="also through a sandbox per submission")
    args = parser.parse_args()
    floor = floor_per_student(args.repeat)
    through = sandboxed_per_student(args.repeat) if args.sandboxed else None
    print(f"{'':12}{'floor s':>8}" + (f"{'sandboxed CPU-s':>17}" if through else ""))
    for exercise in exercise_names():
        print(f"{exercise:12}{floor[exercise]:8.3f}" + (f"{through[exercise]:17.3f}" if through else ""))
    print(f"{'per student':12}{floor['total']:8.3f}" + (f"{through['total']:17.3f}" if through else "")
          + f"  ({floor['calls']} graded calls; the floor's CPU {floor['cpu']:.3f} s)")
    if args.sandboxed and through is None:
        print("--sandboxed: no cpuacct cgroup could be made (run as root)")


if __name__ == "__main__":
    main()
