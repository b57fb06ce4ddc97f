"""The pytest plugin that grades one or more submissions of one exercise in a single session.

Each grader test becomes a TestResult (never parsed from printed output). With several
submissions the `student` fixture is parametrized over them at session scope, so pytest runs
every test for one submission, tears its sandbox down, then moves to the next: the session's
start-up is paid once per batch, not once per submission.
"""
from __future__ import annotations

import time
from typing import Callable

import pytest

from .. import config
from ..exercises import get as get_exercise
from ..sandbox.wire import WireError
from .feedback import Mistakes, explanation, uses, with_root_causes
from .results import TestResult, clip
from .student_code import StudentCode, StudentCodeError


def points_of(item: pytest.Item) -> float:
    marker = item.get_closest_marker("points")
    if marker is None:
        raise pytest.UsageError(f"grader test {item.nodeid} declares no @pytest.mark.points(n)")
    return float(marker.args[0])


def description_of(item: pytest.Item) -> str:
    doc = (getattr(item, "function", None).__doc__ or "").strip()
    return doc.splitlines()[0] if doc else item.originalname.removeprefix("test_").replace("_", " ")


def failure_message(excinfo: pytest.ExceptionInfo) -> str:
    """What a student reads: our own words for expected failures, never a grader traceback; cut to
    a few KB, since it may quote what the submission returned."""
    error = excinfo.value
    if isinstance(error, (StudentCodeError, AssertionError)) or excinfo.typename == "Failed":
        message = str(error).strip() or "the check failed"
    elif isinstance(error, WireError):  # what the submission sent could not be read: its fault
        message = f"what your code returned could not be read: {error}"
    else:
        message = f"the grader could not check this ({type(error).__name__}: {error}); please tell your instructor"
    return clip(message, config.MAX_TEST_MESSAGE_CHARS)


def bounded(lines: list[str]) -> list[str]:
    """Distinct lines, each cut, at most config.MAX_PROBLEMS of them (and how many more there were)."""
    lines = list(dict.fromkeys(clip(line, config.MAX_PROBLEM_CHARS) for line in lines))
    if len(lines) <= config.MAX_PROBLEMS:
        return lines
    return lines[:config.MAX_PROBLEMS] + [f"... and {len(lines) - config.MAX_PROBLEMS} more not shown"]


class Graded:
    """What a session decided about one submission."""

    def __init__(self) -> None:
        self.tests: list[TestResult] = []
        self.problems: list[str] = []
        self.limits: list[str] = []
        self.data: dict = {}    # what tests recorded with pytest's record_property
        self.output = ""
        self.seconds = 0.0


class GradingPlugin:
    def __init__(self, exercise: str, submissions: list[Callable[[], object]], seed_shift: int = 0):
        self.exercise = exercise
        self.seed_shift = seed_shift  # see the seed_shift fixture
        self.mistakes = Mistakes(get_exercise(exercise))
        self.open_code: dict[int, object] = {}
        self.submissions = submissions  # each opens one submission's student code
        self.graded = [Graded() for _ in submissions]

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "student" in metafunc.fixturenames and len(self.submissions) > 1:
            metafunc.parametrize("student", range(len(self.submissions)), indirect=True, scope="session")

    def open(self, index: int):
        """Called by the `student` fixture; close() is called when its tests are done."""
        self.graded[index].seconds = time.monotonic()
        self.open_code[index] = self.submissions[index]()
        return self.open_code[index]

    def close(self, index: int, student) -> None:
        student.close()
        graded = self.graded[index]
        if isinstance(student, StudentCode):
            exercise = get_exercise(self.exercise)
            with_root_causes(graded.tests, uses(student.source.cells, exercise.functions), exercise)
        graded.problems = bounded(student.problems)
        graded.limits = bounded(student.limits)
        graded.output = clip(student.output, config.MAX_OUTPUT_CHARS)
        graded.seconds = round(time.monotonic() - graded.seconds, 3)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        if not (report.when == "call" or (report.when == "setup" and not report.passed)):
            return
        index = item.callspec.params.get("student", 0) if hasattr(item, "callspec") else 0
        self.graded[index].data.update(dict(report.user_properties))
        points = points_of(item)
        passed = report.passed
        message = "" if passed or call.excinfo is None else failure_message(call.excinfo)
        mistake = ""
        code = self.open_code.get(index)
        if isinstance(code, StudentCode):
            calls, code.calls = code.calls, []
            if not passed and report.when == "call":
                bugs = self.mistakes.matching(item.originalname, calls)
                if bugs:
                    mistake, message = bugs[0].name, f"{message}\n{explanation(bugs)}"
        self.graded[index].tests.append(TestResult(
            exercise=self.exercise, name=item.originalname, description=description_of(item),
            max_score=points, score=points if passed else 0.0, passed=passed, message=message,
            mistake=mistake))
