"""Regenerate the bundled example submissions that `make demo` grades (run after editing notebooks).

Each example student is a folder with every registered exercise's released notebook, filled with
its reference solution except for the bugs named below (taken from the exercises' catalogues of
real bugs); "untouched" holds the notebooks as released.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from autograder import notebooks  # noqa: E402
from autograder.exercises import all_bugs, registry  # noqa: E402

BUGS = all_bugs()

STUDENTS = {
    "reference": [],
    "transposed-Wh": ["transposed_Wh"],
    "no-batch-first": ["hard_coded_batch_of_one", "net_without_batch_first"],
    "softmax-before-loss": ["forgets_bias_hh", "softmax_before_loss"],
}


def main() -> None:
    out = ROOT / "examples" / "submissions"
    shutil.rmtree(out, ignore_errors=True)
    bugs = {b.name: b for b in BUGS}
    for student, bug_names in STUDENTS.items():
        chosen = {bugs[n].exercise: bugs[n] for n in bug_names}
        for exercise in registry():
            bug = chosen.get(exercise.name)
            source = bug.source() if bug else exercise.reference.read_text()
            (out / student).mkdir(parents=True, exist_ok=True)
            notebooks.write(notebooks.fill(notebooks.read(exercise.notebook), source),
                            out / student / exercise.notebook.name)
    untouched = out / "untouched"
    untouched.mkdir(parents=True)
    for exercise in registry():
        shutil.copy(exercise.notebook, untouched / exercise.notebook.name)
    print(f"wrote {len(STUDENTS) + 1} example students to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
