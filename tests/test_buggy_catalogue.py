"""Every realistic bug loses points on the grader tests named for it.

The verdicts come from one audit per exercise (autograder/audit.py, shared with
test_unusual_solutions.py and test_public_checks.py through the `audited` fixture): the whole
catalogue graded in batches on two workers, as `autograder audit --jobs 2` and grade-all grade; one
test per bug, so a failure names it.
"""
from __future__ import annotations

import pytest

from autograder.exercises import all_bugs
from autograder.grading.feedback import said

BUGS = all_bugs()


def test_catalogue_is_large_and_unique():
    assert len(BUGS) >= 30
    assert len({(b.exercise, b.name) for b in BUGS}) == len(BUGS)


@pytest.mark.parametrize("bug", BUGS, ids=lambda b: f"{b.exercise}-{b.name}")
def test_bug_loses_points_on_its_test(bug, audited):
    verdict = audited(bug.exercise).bug(bug.name)
    assert not verdict.error, verdict.error
    assert verdict.caught, (f"{bug.name} ({bug.why}) kept its points on {verdict.escaped}"
                            f"{'; it lost points on ' + ', '.join(verdict.lost) if verdict.lost else ''}")
    for test, message in verdict.lost.items():
        assert message and "Traceback" not in message, (test, message)


@pytest.mark.parametrize("bug", BUGS, ids=lambda b: f"{b.exercise}-{b.name}")
def test_bug_is_named_in_its_own_feedback(bug, audited):
    """The feedback recognises the mistake: some failure's message says it in plain words (#12)."""
    verdict = audited(bug.exercise).bug(bug.name)
    assert any(said(bug) in message for message in verdict.lost.values()), (
        f"no failure of {bug.name} names it ({said(bug)!r}); its messages: {verdict.lost}")


