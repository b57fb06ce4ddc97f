"""Regenerate the bundled example submissions that `make demo` grades (run after editing notebooks).

Each example student is a folder with the three released notebooks, filled with the reference
solutions except for the bugs named below (taken from the test suite's catalogue of real bugs).
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from autograder import config, notebooks  # noqa: E402
from autograder.exercises import names as exercise_names
from autograder.exercises import all_bugs

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
        for exercise in exercise_names():
            release = notebooks.read(ROOT / "assignments" / f"{exercise}.ipynb")
            source = chosen[exercise].source() if exercise in chosen else (ROOT / "solutions" / f"{exercise}.py").read_text()
            (out / student).mkdir(parents=True, exist_ok=True)
            notebooks.write(notebooks.fill(release, source), out / student / f"{exercise}.ipynb")
    untouched = out / "untouched"
    shutil.copytree(ROOT / "assignments", untouched, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    print(f"wrote {len(STUDENTS) + 1} example students to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
