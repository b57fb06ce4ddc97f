"""The pytest plugin that turns each grader test into a TestResult (never parsing printed output)."""
from __future__ import annotations

import pytest

from .results import TestResult
from .student_code import StudentCodeError

NAME = "autograder-grading"


def points_of(item: pytest.Item) -> float:
    marker = item.get_closest_marker("points")
    if marker is None:
        raise pytest.UsageError(f"grader test {item.nodeid} declares no @pytest.mark.points(n)")
    return float(marker.args[0])


def description_of(item: pytest.Item) -> str:
    doc = (getattr(item, "function", None).__doc__ or "").strip()
    return doc.splitlines()[0] if doc else item.name.removeprefix("test_").replace("_", " ")


def failure_message(excinfo: pytest.ExceptionInfo) -> str:
    """What a student reads: our own words for expected failures, never a grader traceback."""
    error = excinfo.value
    if isinstance(error, (StudentCodeError, AssertionError)) or excinfo.typename == "Failed":
        return str(error).strip() or "the check failed"
    return f"the grader could not check this ({type(error).__name__}: {error}); please tell your instructor"


class GradingPlugin:
    """Holds the student code under test and collects one TestResult per grader test."""

    def __init__(self, exercise: str, student: object):
        self.exercise = exercise
        self.student = student
        self.results: list[TestResult] = []

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        decided = report.when == "call" or (report.when == "setup" and not report.passed)
        if not decided:
            return
        points = points_of(item)
        passed = report.passed
        message = "" if passed or call.excinfo is None else failure_message(call.excinfo)
        self.results.append(TestResult(
            exercise=self.exercise, name=item.name, description=description_of(item),
            max_score=points, score=points if passed else 0.0, passed=passed, message=message))
