"""Grade one synthetic class with the kit and with `nbgrader autograde`; print the figures.

Not a test: run it on a quiet machine. It builds the nbgrader course from the kit's sources,
releases the assignment with nbgrader, builds a class from the release notebooks (so both tools
grade the very same files), then times `autograder grade-all` on all of it and
`nbgrader autograde` on the first --nbgrader-students students (nbgrader is slow; its time per
student is what is compared).

    python bench/class_benchmark.py [--students 200] [--nbgrader-students 10] [--jobs 2]
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

from make_class import make_class  # noqa: E402

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


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    """(seconds, peak bytes) of a command."""
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env=ENV)
    memory = PeakMemory(process.pid)
    _, err = process.communicate()
    memory.running = False
    if process.returncode != 0:
        raise SystemExit(f"{command[0]} failed:\n{err[-2000:]}")
    return time.monotonic() - started, memory.peak


def course_with_class(folder: Path, students: int) -> Path:
    build_course(folder, DEFAULT_ASSIGNMENT)
    subprocess.run([BIN / "nbgrader", "generate_assignment", DEFAULT_ASSIGNMENT, "--force"], cwd=folder,
                   check=True, capture_output=True, env=ENV)
    make_class(folder, students, folder / "release" / DEFAULT_ASSIGNMENT, DEFAULT_ASSIGNMENT)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--nbgrader-students", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        kit_course = course_with_class(Path(tmp) / "kit", args.students)
        nb_course = Path(tmp) / "nbgrader"
        shutil.copytree(kit_course, nb_course)
        for student in sorted((nb_course / "submitted").iterdir())[args.nbgrader_students:]:
            shutil.rmtree(student)

        kit_s, kit_mem = timed([BIN / "autograder", "grade-all", kit_course, "-o", kit_course / "grades",
                                "--jobs", str(args.jobs)], kit_course)
        nb_s, nb_mem = timed([BIN / "nbgrader", "autograde", DEFAULT_ASSIGNMENT], nb_course)

    kit_per = kit_s / args.students
    nb_per = nb_s / args.nbgrader_students
    print(f"class: {args.students} students x 3 notebooks (reference, realistic bugs, untouched stubs, hostile)")
    print(f"{'':24}{'students':>9}{'total s':>9}{'s/student':>11}{'students/s':>12}{'peak MB':>9}")
    print(f"{'autograder grade-all':24}{args.students:>9}{kit_s:>9.1f}{kit_per:>11.2f}{1 / kit_per:>12.2f}"
          f"{kit_mem / 2**20:>9.0f}")
    print(f"{'nbgrader autograde':24}{args.nbgrader_students:>9}{nb_s:>9.1f}{nb_per:>11.2f}{1 / nb_per:>12.2f}"
          f"{nb_mem / 2**20:>9.0f}")
    print(f"kit / nbgrader throughput: {nb_per / kit_per:.1f}x (jobs={args.jobs})")


if __name__ == "__main__":
    main()
