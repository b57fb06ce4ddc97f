"""Correct but unusual submissions, and the reference solutions, get full marks through the real pipeline.

The gradings come from one audit per exercise (autograder/audit.py, the `audited` fixture shared with
test_buggy_catalogue.py), one test per solution so a failure names it.

Every file in an exercise's `unusual/` folder (autograder/exercises/<name>/unusual/) is that whole
exercise written in an unusual but correct way (its header comment says what is unusual). A grader
that fails one of them is too strict. Placeholders (tests/placeholders/) name their exercise with a
line `# exercise: NAME` (in a notebook: in any code cell).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from autograder.exercises import names as exercise_names, registry
from autograder.notebooks import cell_source

EXERCISE_LINE = re.compile(r"^#\s*exercise:\s*(\w+)\s*$", re.MULTILINE)


def exercise_of(path: Path) -> str:
    """The exercise a file declares with `# exercise: NAME`."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        cells = json.loads(text)["cells"]
        text = "\n".join(cell_source(c) for c in cells if c["cell_type"] == "code")
    found = EXERCISE_LINE.findall(text)
    if len(found) != 1 or found[0] not in exercise_names():
        raise ValueError(f"{path.name} should declare exactly one `# exercise: NAME` line, found {found}")
    return found[0]


def unusual_files() -> list[Path]:
    return [path for exercise in registry() for path in exercise.unusual()]


def unusual_exercise(path: Path) -> str:
    return path.parent.parent.name  # autograder/exercises/<name>/unusual/<file>


def full_marks_message(verdict) -> str:
    """Why a grading of correct code is not full marks: each test it lost points on, with its message."""
    lines = [f"{verdict.name} (seed shift {verdict.seed_shift}) lost points:"]
    lines += [f"  FAILED {test}: " + message.replace("\n", "\n      ") for test, message in verdict.lost.items()]
    lines += [f"  PROBLEM {problem}" for problem in verdict.problems]
    return "\n".join(lines)


# ---------------------------------------------------------------- the catalogue itself

def test_catalogue_is_big_and_mixed():
    files = unusual_files()
    counts = {e: sum(unusual_exercise(p) == e for p in files) for e in exercise_names()}
    assert len(files) >= 12, f"only {len(files)} unusual submissions"
    assert counts["numpy_rnn"] >= 4 and counts["rnn_shapes"] >= 3 and counts["char_rnn"] >= 4, counts
    assert any(p.suffix == ".ipynb" for p in files), "no notebook among the unusual submissions"


@pytest.mark.parametrize("path", unusual_files(), ids=lambda p: f"{unusual_exercise(p)}-{p.name}")
def test_unusual_file_says_what_is_unusual(path):
    """Every unusual submission names what is unusual in a `# Unusual: ...` comment next to its exercise line."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        text = "\n".join(cell_source(c) for c in json.loads(text)["cells"] if c["cell_type"] == "code")
    assert re.search(r"^# Unusual: \S", text, re.MULTILINE), f"{path.name} has no header comment `# Unusual: ...`"


def test_notebook_uses_magics_and_shell_lines():
    """At least one notebook is nbformat v4 and holds %matplotlib inline, a !pip list line and a %%time cell."""
    notebooks = [p for p in unusual_files() if p.suffix == ".ipynb"]
    found = False
    for path in notebooks:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        assert notebook["nbformat"] == 4, f"{path.name} is not nbformat v4"
        sources = [cell_source(c) for c in notebook["cells"] if c["cell_type"] == "code"]
        joined = "\n".join(sources)
        found |= ("%matplotlib inline" in joined and re.search(r"^!pip list", joined, re.MULTILINE) is not None
                  and any(s.lstrip().startswith("%%time") for s in sources))
    assert found, "no notebook has all of %matplotlib inline, !pip list and a %%time cell"


# ---------------------------------------------------------------- grading (one audit per exercise)

@pytest.mark.parametrize("path", unusual_files(), ids=lambda p: f"{unusual_exercise(p)}-{p.name}")
def test_unusual_submission_gets_full_marks(audited, path):
    verdict = audited(unusual_exercise(path)).solution(path.name)
    assert verdict.full_marks, full_marks_message(verdict)


@pytest.mark.parametrize("exercise", exercise_names())
def test_reference_solution_gets_full_marks(audited, exercise):
    verdict = audited(exercise).solution("reference")
    assert verdict.full_marks, full_marks_message(verdict)
