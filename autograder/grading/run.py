"""The grading pipeline: load a submission -> run it sandboxed -> check it with the graders -> results."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Callable

import pytest

from ..exercises import get as get_exercise
from ..load import Source, SubmissionError, exercise_files, load_source
from ..sandbox.zygote import Zygote
from .plugin import Graded, GradingPlugin
from .results import ExerciseResult, Report
from .student_code import StudentCode, StudentCodeError, sandbox_settings

# Quiet, plain asserts (messages are the graders' own words), and none of the plugins that cost
# time per session (unraisableexception alone runs gc.collect twice: 0.2 s) or per test (logging
# visits every logger torch made, twice per test phase; student code logs in its sandbox anyway).
PYTEST_ARGS = ["--assert=plain", "-p", "autograder.grading.fixtures"] + [f"-pno:{p}" for p in (
    "terminal", "cacheprovider", "warnings", "unraisableexception", "threadexception", "logging")]


class Unloadable:
    """Stands in for a submission that could not be read: every call fails with the reason."""

    def __init__(self, reason: str):
        self.problems = [reason]
        self.limits: list[str] = []
        self.output = ""
        self._reason = reason

    def __getattr__(self, name: str):
        def fail(*args, **kwargs):
            raise StudentCodeError(self._reason)
        return fail

    def close(self) -> None:
        pass


def open_student_code(path: Path, zygote: Zygote, extra_hide: list[Path] = (), exercise: str | None = None,
                      root: Path | None = None, refusal: str = "") -> StudentCode | Unloadable:
    """Step 1: the submission's cells, ready to run in a sandbox (or the reason they are not).

    root: the folder that was handed in (nothing below it is read through a link); refusal: why the
    submission is not graded at all (decided before, e.g. two entries claiming one student).
    """
    if refusal:
        return Unloadable(refusal)
    try:
        source: Source = load_source(path, exercise, root)
    except SubmissionError as error:
        return Unloadable(str(error))
    timeouts = get_exercise(exercise).call_timeouts if exercise else {}
    return StudentCode(source, zygote, sandbox_settings(extra_hide), timeouts)


def run_graders(exercise: str, submissions: list[Callable[[], StudentCode | Unloadable]]) -> list[Graded]:
    """Steps 2-3: the exercise's hidden pytest graders against each submission, in one session."""
    plugin = GradingPlugin(exercise, submissions)
    test_file = get_exercise(exercise).graders
    code = pytest.main([str(test_file), *PYTEST_ARGS], plugins=[plugin])
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or not all(g.tests for g in plugin.graded):
        raise RuntimeError(f"the graders of {exercise} did not run (pytest exit code {code})")
    return plugin.graded


def grade_exercises(exercise: str, paths: list[Path], zygote: Zygote, extra_hide: list[Path] = (),
                    root: Path | None = None, refusals: list[str] | None = None) -> list[ExerciseResult]:
    """Grade several submissions of one exercise (one pytest session for all of them)."""
    refusals = refusals or [""] * len(paths)
    opens = [functools.partial(open_student_code, path, zygote, extra_hide, exercise, root, refusal)
             for path, refusal in zip(paths, refusals)]
    return [ExerciseResult(exercise=exercise, submission=str(path), tests=graded.tests,
                           problems=graded.problems, limits=graded.limits, data=graded.data,
                           output=graded.output, seconds=graded.seconds, isolation=zygote.isolation)
            for path, graded in zip(paths, run_graders(exercise, opens))]


def grade_exercise(exercise: str, path: Path, zygote: Zygote, extra_hide: list[Path] = (),
                   root: Path | None = None) -> ExerciseResult:
    return grade_exercises(exercise, [path], zygote, extra_hide, root)[0]


def grade(path: Path, exercises: list[str] | None = None, zygote: Zygote | None = None,
          extra_hide: list[Path] = ()) -> Report:
    """Grade every exercise found in a submission (a notebook, a .py file or a folder)."""
    report = Report(submission=str(path))
    files = exercise_files(path, exercises)  # SubmissionError: the kit was misused
    root = path if path.is_dir() and not path.is_symlink() else path.parent
    own = zygote is None
    zygote = zygote or Zygote()
    try:
        for exercise, file in files.items():
            report.exercises.append(grade_exercise(exercise, file, zygote, extra_hide, root))
    finally:
        if own:
            zygote.close()
    return report
