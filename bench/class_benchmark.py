"""Grade one synthetic class with the kit and with `nbgrader autograde`; print the figures.

Not a test: run it on a quiet machine. It builds the nbgrader course from the kit's sources,
releases the assignment with nbgrader, builds a class from the release notebooks (so both tools
grade the very same files), then times `autograder grade-all` on all of it and
`nbgrader autograde` on the first --nbgrader-students students (nbgrader is slow; its time per
student is what is compared; 0 skips it). With --scheduler local it also times the same class on
a local Dask cluster of --jobs workers (and checks its gradebook is the pool's), and Dask's own
cost per task. The compute floor (bench/compute_floor.py), measured before and after those runs:
the graded calls of the reference solutions in one process, per student, and the kit's time over
it at --jobs cores; and (as root) the same calls sent through a sandbox per submission, with no
pytest and no checks: what the isolation costs by itself. Last, an estimate for 10,000 students
on N workers.

    python bench/class_benchmark.py [--students 200] [--nbgrader-students 10] [--jobs 2] [--scheduler local]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compute_floor import floor_per_student, sandboxed_per_student  # noqa: E402
from cpu_account import CpuAccount  # noqa: E402
from make_class import make_class  # noqa: E402

from autograder import config  # noqa: E402
from autograder.exercises import names as exercise_names
from autograder.nbgrader_course import DEFAULT_ASSIGNMENT, build_course  # noqa: E402

BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}  # nbgrader runs alembic and jupyter


class PeakMemory(threading.Thread):
    """Largest total resident memory of a process and all its descendants."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.process, self.peak, self.running = psutil.Process(pid), 0, True
        self.start()

    def run(self) -> None:
        while self.running:
            try:
                tree = [self.process, *self.process.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.2)


def timed(command: list[str], cwd: Path, name: str = "run") -> tuple[float, int, float | None]:
    """(seconds, peak bytes, CPU seconds or None) of a command."""
    account = CpuAccount(name)
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env=ENV, preexec_fn=account.enter)
    memory = PeakMemory(process.pid)
    _, err = process.communicate()
    memory.running = False
    seconds = time.monotonic() - started
    cpu = account.close()
    if process.returncode != 0:
        raise SystemExit(f"{command[0]} failed:\n{err[-2000:]}")
    return seconds, memory.peak, cpu


def course_with_class(folder: Path, students: int) -> Path:
    build_course(folder, DEFAULT_ASSIGNMENT)
    subprocess.run([BIN / "nbgrader", "generate_assignment", DEFAULT_ASSIGNMENT, "--force"], cwd=folder,
                   check=True, capture_output=True, env=ENV)
    make_class(folder, students, folder / "release" / DEFAULT_ASSIGNMENT, DEFAULT_ASSIGNMENT)
    return folder


def row(name: str, students: int, seconds: float, memory: int) -> str:
    per = seconds / students
    return f"{name:28}{students:>9}{seconds:>9.1f}{per:>11.3f}{1 / per:>12.2f}{memory / 2**20:>9.0f}"


def scaling(per_student: float, per_task: float, students: int = 10_000) -> list[str]:
    """Wall time for `students` on N single-threaded workers: the measured cost of a student on one
    worker spread over N, plus Dask's per-task cost, paid one task after another by the scheduler."""
    from autograder.batch.workers import batch_size

    lines = [f"estimate for {students:,} students ({per_student:.2f} worker-s per student, "
             f"{per_task * 1000:.1f} ms per task):", f"{'workers':>9}{'tasks':>8}{'minutes':>9}"]
    for workers in (2, 8, 32, 128, 512):
        notebooks = students * len(exercise_names())
        tasks = -(-notebooks // batch_size(notebooks, workers))
        minutes = (students * per_student / workers + tasks * per_task) / 60
        lines.append(f"{workers:>9}{tasks:>8}{minutes:>9.1f}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--nbgrader-students", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--scheduler", choices=["local"], help="also time grade-all --scheduler local")
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()[0]:.2f} (1-minute average on {os.cpu_count()} cores)")
    # The floor before and after the runs: on a shared VM the same calls' CPU time drifts by a third
    # within minutes, so one measurement taken at another time than the runs would skew every ratio.
    floors = [floor_per_student()]
    sandboxed = sandboxed_per_student()
    with tempfile.TemporaryDirectory() as tmp:
        kit_course = course_with_class(Path(tmp) / "kit", args.students)
        nb_course = Path(tmp) / "nbgrader"
        shutil.copytree(kit_course, nb_course)
        for student in sorted((nb_course / "submitted").iterdir())[args.nbgrader_students:]:
            shutil.rmtree(student)

        grade_all = [BIN / "autograder", "grade-all", kit_course, "--jobs", str(args.jobs)]
        kit_s, kit_mem, kit_cpu = timed([*grade_all, "-o", kit_course / "grades"], kit_course, "pool")
        if args.scheduler:
            dask_s, dask_mem, dask_cpu = timed([*grade_all, "-o", kit_course / "dask", "--scheduler",
                                                args.scheduler], kit_course, "dask")
            same = (kit_course / "dask" / "grades.csv").read_text() == (kit_course / "grades" / "grades.csv").read_text()
        if args.nbgrader_students:
            nb_s, nb_mem, _ = timed([BIN / "nbgrader", "autograde", DEFAULT_ASSIGNMENT], nb_course, "nbgrader")
    print(f"load after the grading runs: {os.getloadavg()[0]:.2f}")
    floors.append(floor_per_student())

    kit_per = kit_s / args.students
    print(f"class: {args.students} students x {len(exercise_names())} notebooks (reference, realistic bugs, untouched stubs, hostile)")
    print(f"{'':28}{'students':>9}{'total s':>9}{'s/student':>11}{'students/s':>12}{'peak MB':>9}")
    print(row("autograder grade-all", args.students, kit_s, kit_mem))
    if args.scheduler:
        print(row(f"grade-all --scheduler {args.scheduler}", args.students, dask_s, dask_mem))
    if args.nbgrader_students:
        print(row("nbgrader autograde", args.nbgrader_students, nb_s, nb_mem))
        print(f"kit / nbgrader throughput: {nb_s / args.nbgrader_students / kit_per:.1f}x (jobs={args.jobs})")
    if args.scheduler:
        print(f"Dask / pool time: {dask_s / kit_s:.2f}x (gradebooks {'identical' if same else 'DIFFER'})")

    floor = {key: sum(f[key] for f in floors) / len(floors) for key in floors[0]}  # the mean of before and after
    floor_s = floor["total"] * args.students / args.jobs  # the floor's work spread perfectly over the cores
    print(f"compute floor: {floor['total']:.3f} s per student ({floor['calls']:.0f} graded calls of the reference: "
          + ", ".join(f"{e} {floor[e]:.3f} s" for e in exercise_names())
          + f") -> {floor_s:.1f} s for the class on {args.jobs} cores")
    print("  measured before and after the runs: "
          + ", ".join(f"{f['total']:.3f} s ({f['cpu']:.3f} CPU-s)" for f in floors) + " per student")
    print(f"grade-all / floor: {kit_s / floor_s:.2f}x" + (f", --scheduler / floor: {dask_s / floor_s:.2f}x"
                                                          if args.scheduler else ""))
    if kit_cpu is not None:  # the same in CPU seconds: what a shared machine's load does not change
        cpu_floor = floor["cpu"] * args.students
        spread = sorted(kit_cpu / (f["cpu"] * args.students) for f in floors)
        print(f"CPU: grade-all {kit_cpu:.1f} s = {kit_cpu / cpu_floor:.2f}x the floor's {cpu_floor:.1f} s"
              + f" ({spread[0]:.2f}-{spread[-1]:.2f}x against each floor)"
              + (f"; --scheduler {dask_cpu:.1f} s = {dask_cpu / cpu_floor:.2f}x, {dask_cpu / kit_cpu:.2f}x the pool"
                 if args.scheduler else ""))
    if sandboxed is not None:
        print(f"the floor's calls through a sandbox per submission (spawn, load, the wire; no pytest, no checks): "
              f"{sandboxed['total']:.3f} CPU-s per student = {sandboxed['total'] / floor['cpu']:.2f}x the floor ("
              + ", ".join(f"{e} {sandboxed[e]:.3f}" for e in exercise_names()) + ")")
    if args.scheduler:
        from dask_overhead import per_task_seconds

        per_task = per_task_seconds(1000, args.jobs)
        print(f"Dask: {per_task * 1000:.2f} ms per task (1,000 trivial tasks on {args.jobs} workers)")
        print("\n".join(scaling(dask_s * args.jobs / args.students, per_task)))


if __name__ == "__main__":
    main()
