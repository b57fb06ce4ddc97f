"""The grading pipeline: load a submission -> run it sandboxed -> check it with the graders -> results."""
from __future__ import annotations

import contextlib
import functools
import os
from dataclasses import replace
from pathlib import Path
from typing import Callable

import pytest

from ..config import Settings
from ..exercises import get as get_exercise
from ..load import Source, SubmissionError, load_source
from ..matching import exercise_files
from ..sandbox.zygote import Zygote
from .plugin import GradingPlugin
from .results import ExerciseResult, Report
from .student_code import StudentCode, StudentCodeError, sandbox_settings

# Quiet, plain asserts (messages are the graders' own words), and none of the plugins that cost
# time per session (unraisableexception alone runs gc.collect twice: 0.2 s) or per test (logging
# visits every logger torch made, twice per test phase; student code logs in its sandbox anyway).
# A grading session takes nothing from where it runs, or a grade would depend on the machine (a CI's
# PYTEST_ADDOPTS=--maxfail=1 stops every session at its first failure): the kit's own pytest.ini
# (-c), not one above the installed graders; no conftest.py; no plugin installed beside the kit
# (pytest-randomly reorders the tests); nothing from PYTEST_ADDOPTS or PYTEST_PLUGINS.
SESSION_CONFIG = Path(__file__).with_name("pytest.ini")
PYTEST_ARGS = ["--assert=plain", "-p", "autograder.grading.fixtures"] + [f"-pno:{p}" for p in (
    "terminal", "cacheprovider", "warnings", "unraisableexception", "threadexception", "logging")] + [
    "-c", str(SESSION_CONFIG), "--noconftest", "--disable-plugin-autoload"]
IGNORED_ENVIRONMENT = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")


class Unloadable:
    """Stands in for a submission that could not be read: every call fails with the reason."""

    def __init__(self, reason: str):
        self.problems = [reason]
        self.limits: list[str] = []
        self.output = ""
        self.calls: list = []  # none is ever made
        self._reason = reason

    def __getattr__(self, name: str):
        def fail(*args, **kwargs):
            raise StudentCodeError(self._reason)
        return fail

    def close(self) -> None:
        pass


def open_student_code(path: Path, zygote: Zygote, extra_hide: list[Path] = (), exercise: str | None = None,
                      root: Path | None = None, refusal: str = "",
                      settings: Settings = Settings()) -> StudentCode | Unloadable:
    """Step 1: the submission's cells, ready to run in a sandbox (or the reason they are not).

    root: the folder that was handed in (nothing below it is read through a link); refusal: why the
    submission is not graded at all (decided before, e.g. two entries claiming one student).
    """
    if refusal:
        return Unloadable(refusal)
    try:
        source: Source = load_source(path, exercise, root, settings)
    except SubmissionError as error:
        return Unloadable(str(error))
    timeouts = get_exercise(exercise).call_timeouts if exercise else {}
    return StudentCode(source, zygote, sandbox_settings(extra_hide, settings), timeouts, settings)


def run_graders(exercise: str, submissions: list[Callable[[], StudentCode | Unloadable]], seed_shift: int = 0,
                settings: Settings = Settings()) -> list[ExerciseResult]:
    """Steps 2-3: the exercise's hidden pytest graders against each submission, in one session; the
    results still without the submission's name and isolation (grade_exercises adds them)."""
    plugin = GradingPlugin(exercise, submissions, seed_shift, settings)
    test_file = get_exercise(exercise).graders
    code = pytest_session(test_file, [plugin])
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or not all(r.tests for r in plugin.results):
        raise RuntimeError(f"the graders of {exercise} did not run (pytest exit code {code})")
    return plugin.results


def pytest_session(graders: Path, plugins: list, *args: str) -> int:
    """pytest.main on a graders file with `plugins` (and extra `args`), isolated as PYTEST_ARGS says."""
    with _environment_without(IGNORED_ENVIRONMENT):
        return pytest.main([str(graders), *PYTEST_ARGS, "--rootdir", str(graders.parent), *args], plugins=plugins)


@contextlib.contextmanager
def _environment_without(names: tuple[str, ...]):
    """os.environ without `names` inside the block (pytest reads them, unasked, in pytest.main)."""
    saved = {name: os.environ.pop(name) for name in names if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def grade_exercises(exercise: str, paths: list[Path], zygote: Zygote, extra_hide: list[Path] = (),
                    root: Path | None = None, refusals: list[str] | None = None,
                    settings: Settings = Settings(), seed_shift: int = 0) -> list[ExerciseResult]:
    """Grade several submissions of one exercise (one pytest session for all of them)."""
    refusals = refusals or [""] * len(paths)
    opens = [functools.partial(open_student_code, path, zygote, extra_hide, exercise, root, refusal, settings)
             for path, refusal in zip(paths, refusals)]
    return [replace(result, submission=str(path), isolation=zygote.isolation)
            for path, result in zip(paths, run_graders(exercise, opens, seed_shift, settings))]


def grade_exercise(exercise: str, path: Path, zygote: Zygote, extra_hide: list[Path] = (),
                   root: Path | None = None, settings: Settings = Settings()) -> ExerciseResult:
    return grade_exercises(exercise, [path], zygote, extra_hide, root, settings=settings)[0]


def grade(path: Path, exercises: list[str] | None = None, zygote: Zygote | None = None,
          extra_hide: list[Path] = (), settings: Settings = Settings()) -> Report:
    """Grade every exercise found in a submission (a notebook, a .py file or a folder)."""
    report = Report(submission=str(path))
    files = exercise_files(path, exercises)  # UsageError: the kit was misused (e.g. nothing gradable)
    root = path if path.is_dir() and not path.is_symlink() else path.parent
    own = zygote is None
    zygote = zygote or Zygote(settings=settings)
    try:
        for exercise, file in files.items():
            (result,) = grade_exercises(exercise, [file.path], zygote, extra_hide, root, [file.refusal],
                                        settings=settings)
            result.problems[:0] = file.notes  # e.g. another file that also looked like this exercise
            report.exercises.append(result)
    finally:
        if own:
            zygote.close()
    return report
