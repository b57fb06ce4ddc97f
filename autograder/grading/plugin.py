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

from ..config import Settings
from ..exercises import get as get_exercise
from ..sandbox.wire import WireError
from .feedback import Mistakes, explanation, said, uses, with_root_causes
from .results import ExerciseResult, TestResult, clip
from .student_code import StudentCode, StudentCodeError


def points_of(item: pytest.Item) -> float:
    marker = item.get_closest_marker("points")
    if marker is None:
        raise pytest.UsageError(f"grader test {item.nodeid} declares no @pytest.mark.points(n)")
    return float(marker.args[0])


def description_of(item: pytest.Item) -> str:
    doc = (getattr(item, "function", None).__doc__ or "").strip()
    return doc.splitlines()[0] if doc else item.originalname.removeprefix("test_").replace("_", " ")


def failure_message(excinfo: pytest.ExceptionInfo, limit: int = Settings.max_test_message_chars) -> str:
    """What a student reads: our own words for expected failures, never a grader traceback; cut to
    a few KB, since it may quote what the submission returned."""
    error = excinfo.value
    if isinstance(error, (StudentCodeError, AssertionError)) or excinfo.typename == "Failed":
        message = str(error).strip() or "the check failed"
    elif isinstance(error, WireError):  # what the submission sent could not be read: its fault
        message = f"what your code returned could not be read: {error}"
    else:
        message = f"the grader could not check this ({type(error).__name__}: {error}); please tell your instructor"
    return clip(message, limit)


def bounded(lines: list[str], settings: Settings) -> list[str]:
    """Distinct lines, each cut, at most settings.max_problems of them (and how many more there were)."""
    most = settings.max_problems
    lines = list(dict.fromkeys(clip(line, settings.max_problem_chars) for line in lines))
    if len(lines) <= most:
        return lines
    return lines[:most] + [f"... and {len(lines) - most} more not shown"]


class GradingPlugin:
    def __init__(self, exercise: str, submissions: list[Callable[[], object]], seed_shift: int = 0,
                 settings: Settings = Settings()):
        self.exercise = exercise
        self.settings = settings
        self.seed_shift = seed_shift  # see the seed_shift fixture
        self.mistakes = Mistakes(get_exercise(exercise))
        self.open_code: dict[int, object] = {}
        # Per submission, its failed tests' calls: named at its end, the cheapest test first.
        self.to_name: dict[int, list[tuple[TestResult, list]]] = {}
        self.kept_bytes: dict[int, int] = {}  # of the calls in to_name: bounded by naming_memory_bytes
        self.submissions = submissions  # each opens one submission's student code
        # What the session decides about each submission (run.py names the file and the sandbox).
        self.results = [ExerciseResult(exercise=exercise, submission="") for _ in submissions]

    def pytest_configure(self, config: pytest.Config) -> None:
        # A failure's message is read from its exception (failure_message); pytest's own report of
        # it, never shown, would re-parse the graders' source once per frame: about 0.15 s per
        # failed test. Its "value" form is only the exception's text.
        config.option.tbstyle = "value"

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "student" in metafunc.fixturenames and len(self.submissions) > 1:
            metafunc.parametrize("student", range(len(self.submissions)), indirect=True, scope="session")

    def open(self, index: int):
        """Called by the `student` fixture; close() is called when its tests are done."""
        self.results[index].seconds = time.monotonic()
        self.open_code[index] = self.submissions[index]()
        self.results[index].attempted = isinstance(self.open_code[index], StudentCode)  # else Unloadable
        self.mistakes.new_submission()
        return self.open_code[index]

    def close(self, index: int, student) -> None:
        student.close()
        result = self.results[index]
        self.name_mistakes(self.to_name.pop(index, []))
        self.kept_bytes.pop(index, None)
        if isinstance(student, StudentCode):
            exercise = get_exercise(self.exercise)
            with_root_causes(result.tests, uses(student.source.cells, exercise.functions), exercise)
        result.problems = bounded(student.problems, self.settings)
        result.limits = bounded(student.limits, self.settings)
        result.output = clip(student.output, self.settings.max_output_chars)
        result.seconds = round(time.monotonic() - result.seconds, 3)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        if not (report.when == "call" or (report.when == "setup" and not report.passed)):
            return
        index = item.callspec.params.get("student", 0) if hasattr(item, "callspec") else 0
        self.results[index].data.update(dict(report.user_properties))
        points = points_of(item)
        passed = report.passed
        message = ("" if passed or call.excinfo is None
                   else failure_message(call.excinfo, self.settings.max_test_message_chars))
        test = TestResult(exercise=self.exercise, name=item.originalname, description=description_of(item),
                          max_score=points, score=points if passed else 0.0, passed=passed, message=message)
        self.results[index].tests.append(test)
        code = self.open_code.get(index)
        if isinstance(code, StudentCode):
            calls, code.calls = code.calls, []
            if not passed and report.when == "call":
                kept = self.kept_bytes.get(index, 0) + sum(c.reply_bytes for c in calls)
                if all(c.kept for c in calls) and kept <= self.settings.naming_memory_bytes:
                    self.kept_bytes[index] = kept
                    self.to_name.setdefault(index, []).append((test, calls))

    def name_mistakes(self, failed: list[tuple[TestResult, list]]) -> None:
        """The catalogued mistake behind each failed test, where its calls show one, within the naming
        budget: first the mistakes each test is declared to catch, then the others for the tests
        still unnamed, the cheapest tests first in both passes (long trainings would use it all up)."""
        failed = sorted(failed, key=lambda entry: sum(call.seconds for call in entry[1]))
        for likeliest in (True, False):
            for test, calls in failed:
                bugs = [] if test.misconception else self.mistakes.matching(test.name, calls, likeliest)
                if bugs:
                    test.misconception = said(bugs[0])
                    test.message = f"{test.message}\n{explanation(bugs, self.mistakes.how)}"
