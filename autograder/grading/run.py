"""The grading pipeline: load a submission -> run it sandboxed -> check it with the graders -> results."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from .. import config
from ..load import Source, SubmissionError, exercise_files, load_source
from ..sandbox.zygote import Zygote
from .plugin import GradingPlugin
from .results import ExerciseResult, Report
from .student_code import StudentCode, StudentCodeError, sandbox_settings

# Quiet, plain asserts (messages are the graders' own words), and none of the plugins that cost
# time per session (unraisableexception alone runs gc.collect twice: 0.2 s).
PYTEST_ARGS = ["--assert=plain"] + [f"-pno:{p}" for p in (
    "terminal", "cacheprovider", "warnings", "unraisableexception", "threadexception")]


class Unloadable:
    """Stands in for a submission that could not be read: every call fails with the reason."""

    def __init__(self, reason: str):
        self.problems = [reason]
        self.output = ""
        self._reason = reason

    def __getattr__(self, name: str):
        def fail(*args, **kwargs):
            raise StudentCodeError(self._reason)
        return fail

    def close(self) -> None:
        pass


def open_student_code(path: Path, zygote: Zygote, extra_hide: list[Path] = ()) -> StudentCode | Unloadable:
    """Step 1: the submission's cells, ready to run in a sandbox (or the reason they are not)."""
    try:
        source: Source = load_source(path)
    except SubmissionError as error:
        return Unloadable(str(error))
    return StudentCode(source, zygote, sandbox_settings(extra_hide))


def run_graders(exercise: str, student: StudentCode | Unloadable) -> list:
    """Steps 2-3: the exercise's hidden pytest graders against the student's code."""
    plugin = GradingPlugin(exercise, student)
    test_file = config.GRADERS_DIR / f"test_{exercise}.py"
    code = pytest.main([str(test_file), *PYTEST_ARGS], plugins=[plugin])
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or not plugin.results:
        raise RuntimeError(f"the graders of {exercise} did not run (pytest exit code {code})")
    return plugin.results


def grade_exercise(exercise: str, path: Path, zygote: Zygote, extra_hide: list[Path] = ()) -> ExerciseResult:
    started = time.monotonic()
    student = open_student_code(path, zygote, extra_hide)
    try:
        tests = run_graders(exercise, student)
    finally:
        student.close()
    return ExerciseResult(exercise=exercise, submission=str(path), tests=tests,
                          problems=list(dict.fromkeys(student.problems)), output=student.output,
                          seconds=round(time.monotonic() - started, 3))


def grade(path: Path, exercises: list[str] | None = None, zygote: Zygote | None = None,
          extra_hide: list[Path] = ()) -> Report:
    """Grade every exercise found in a submission (a notebook, a .py file or a folder)."""
    report = Report(submission=str(path))
    files = exercise_files(path, exercises)  # SubmissionError: the kit was misused
    own = zygote is None
    zygote = zygote or Zygote()
    try:
        for exercise, file in files.items():
            report.exercises.append(grade_exercise(exercise, file, zygote, extra_hide))
    finally:
        if own:
            zygote.close()
    return report
