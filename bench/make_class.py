"""Build a synthetic class for the benchmark: an nbgrader tree submitted/<student>/<assignment>/.

Students cycle through kinds: the reference, one realistic bug per exercise (from the test
suite's bug catalogue), untouched stubs, and a few hostile submissions (a crash, an output flood,
a function that hangs). Usage: python bench/make_class.py OUT [--students 60] [--release DIR]
"""
from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from autograder import notebooks  # noqa: E402
from autograder.exercises import names as exercise_names
from autograder.exercises import all_bugs
from test_hostile import header

BUGS = all_bugs()

HOSTILE = [ROOT / "tests" / "hostile" / name for name in ("segfault.py", "output_flood.py", "loop_in_function.py")]


def reference(exercise: str) -> str:
    return (ROOT / "solutions" / f"{exercise}.py").read_text()


def make_class(out: Path, students: int, release: Path, assignment: str = "rnn", seed: int = 0) -> Path:
    """Write the class; return its submitted/ folder."""
    rng = random.Random(seed)
    submitted = out / "submitted"
    shutil.rmtree(submitted, ignore_errors=True)
    bugs = {e: [b for b in BUGS if b.exercise == e] for e in exercise_names()}
    hostile = [(path, header(path)["exercise"]) for path in HOSTILE]  # graded as the file's header says
    for number in range(students):
        folder = submitted / f"student{number:03d}" / assignment
        folder.mkdir(parents=True)
        kind = number % 10
        for exercise in exercise_names():
            notebook = notebooks.read(release / f"{exercise}.ipynb")
            if kind == 9 and number // 10 < len(hostile) and hostile[number // 10][1] == exercise:
                code = hostile[number // 10][0].read_text()
                notebook = notebooks.fill(notebook, code)
            elif kind == 8:
                pass  # untouched stubs
            elif kind < 3:
                notebook = notebooks.fill(notebook, reference(exercise))
            else:
                notebook = notebooks.fill(notebook, rng.choice(bugs[exercise]).source())
            notebooks.write(notebook, folder / f"{exercise}.ipynb")
    return submitted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--release", type=Path, default=ROOT / "assignments")
    args = parser.parse_args()
    print(make_class(args.out, args.students, args.release))


if __name__ == "__main__":
    main()
