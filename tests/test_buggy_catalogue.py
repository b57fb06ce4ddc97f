"""Every realistic bug loses points on the grader test named for it."""
from __future__ import annotations

import pytest

from autograder.exercises import all_bugs

BUGS = all_bugs()
from conftest import failed


def test_catalogue_is_large_and_unique():
    assert len(BUGS) >= 30
    assert len({b.name for b in BUGS}) == len(BUGS)


@pytest.mark.parametrize("bug", BUGS, ids=lambda b: f"{b.exercise}-{b.name}")
def test_bug_loses_points_on_its_test(bug, grade_code):
    result = grade_code(bug.source(), bug.exercise)
    names = {t.name for t in result.tests}
    assert set(bug.must_fail) <= names, f"unknown grader tests {set(bug.must_fail) - names}"
    missed = set(bug.must_fail) - failed(result)
    assert not missed, f"{bug.name} ({bug.why}) passed {missed}"
    assert result.score < result.max_score
    for test in result.tests:
        if not test.passed:
            assert test.message and "Traceback" not in test.message, test
