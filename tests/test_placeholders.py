"""Placeholder submissions earn exactly what their code honestly does, no more.

Each file in tests/placeholders/ computes nothing real (zeros of the right shape, echoes of its
arguments, constant losses, an untrained net, the tutorial's shapes hard-coded): a `# Placeholder:`
line says what it does, `# exercise: NAME` what it is graded as and `# passes: test_a, test_b` (or
`# passes: none`) exactly which grader tests an honest grader lets it pass. The score must be the
points of those tests, to the point: a grader that pays more for nothing is too lenient.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograder.exercises import names as exercise_names
from conftest import failed
from test_unusual_solutions import exercise_of

PLACEHOLDERS = Path(__file__).resolve().parent / "placeholders"
PASSES_LINE = re.compile(r"^#\s*passes:\s*(.*)$", re.MULTILINE)


def placeholder_files() -> list[Path]:
    return sorted(p for p in PLACEHOLDERS.iterdir() if p.suffix == ".py")


def honest_passes(path: Path) -> set[str]:
    """The grader tests a placeholder may pass, from its `# passes:` line."""
    found = PASSES_LINE.findall(path.read_text(encoding="utf-8"))
    if len(found) != 1:
        raise ValueError(f"{path.name} should have exactly one `# passes:` line, found {len(found)}")
    names = {n.strip() for n in found[0].split(",") if n.strip()}
    return set() if names == {"none"} else names


def test_placeholder_set_covers_every_exercise():
    exercises = {exercise_of(p) for p in placeholder_files()}
    assert exercises == set(exercise_names()), exercises


@pytest.mark.parametrize("path", placeholder_files(), ids=lambda p: p.name)
def test_placeholder_earns_exactly_its_honest_points(grade_file, path):
    assert re.search(r"^# Placeholder: \S", path.read_text(encoding="utf-8"), re.MULTILINE), \
        f"{path.name} has no `# Placeholder: ...` line"
    result = grade_file(path, exercise_of(path))
    names = {t.name for t in result.tests}
    allowed = honest_passes(path)
    assert allowed <= names, f"unknown grader tests {allowed - names}"
    passed = names - failed(result)
    assert passed == allowed, (f"{path.name} passed {sorted(passed - allowed)} that it should not, "
                               f"and failed {sorted(allowed - passed)}")
    expected = sum(t.max_score for t in result.tests if t.name in allowed)
    assert result.score == expected
