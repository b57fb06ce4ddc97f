"""The hidden part of each exercise's autograded test cell in the nbgrader course.

nbgrader runs a submitted notebook in a Jupyter kernel, cell by cell, and the last cell of each
notebook (locked, checksummed, `grade_<exercise>`) ends with a hidden call

    score("<exercise>", points=<the exercise's points>)

which grades, with the kit's own pipeline, exactly the code the kernel has run so far: the cells
of the submission as nbgrader executed them (its read-only cells restored to the instructor's
version). Those cells are written to a private temporary notebook and graded by
`grading.run.grade_exercise` with a fresh sandbox zygote, just as `autograder grade` grades a
submitted notebook, so both give the same score for the same code. The student's code never runs
in this kernel for grading: it runs again in the sandbox, as in the CLI.

nbgrader reads the cell's result as its partial credit (utils.determine_grade): any stderr output
or error in the cell gives 0, a value above the cell's points drops the whole notebook, anything
that is not a number gives full points. So `score` prints the text report (which nbgrader's
feedback shows, with every failed test's message) to stdout, never writes to stderr, never
raises, and returns a plain float in [0, points]: 0.0 with the reason printed when grading
itself failed.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
import tempfile
import warnings
from pathlib import Path

BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
COURSE_CONFIG = "nbgrader_config.py"

_HIDDEN_REGION = re.compile(
    r"^[^\n]*" + re.escape(BEGIN_HIDDEN) + r".*?^[^\n]*" + re.escape(END_HIDDEN) + r"[^\n]*(\n|\Z)",
    re.MULTILINE | re.DOTALL)


def without_hidden_tests(code: str) -> str:
    """The cell as the student saw it: every hidden-test region (marker lines included) removed."""
    return _HIDDEN_REGION.sub("", code)


def executed_cells() -> list[str]:
    """The raw source of every cell this kernel has run before the current one, by execution
    count (entry n - 1 is `In [n]`), hidden-test regions removed."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise RuntimeError("score() runs in a Jupyter kernel (it grades the cells the kernel ran)")
    history = list(shell.history_manager.input_hist_raw)
    # input_hist_raw[0] is a placeholder and the running cell is stored before it runs, as
    # input_hist_raw[execution_count]: keep 1 .. execution_count - 1.
    return [without_hidden_tests(str(code)) for code in history[1:shell.execution_count]]


def as_notebook(cells: list[str]) -> dict:
    """A notebook whose cell n is `In [n]`, so problems such as "cell 3 raised ..." name In [3]."""
    return {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "cells": [{"cell_type": "code", "id": f"in-{n}", "metadata": {}, "execution_count": None,
                   "outputs": [], "source": code} for n, code in enumerate(cells, start=1)],
    }


def course_directory(start: Path) -> Path | None:
    """The nbgrader course holding `start`: the nearest directory up with nbgrader_config.py."""
    for directory in [start, *start.parents]:
        if (directory / COURSE_CONFIG).is_file():
            return directory
    return None


def _grade(exercise: str, points: float | None) -> tuple[float, str]:
    from .exercises import names as exercise_names
    from .grading.results import Report
    from .grading.run import grade_exercise
    from .reports import text
    from .config import Settings
    from .sandbox.zygote import Zygote

    if exercise not in exercise_names():
        return 0.0, f"unknown exercise {exercise!r}: the course does not match this kit"
    cwd = Path.cwd()
    hide = [cwd] + [d for d in [course_directory(cwd)] if d is not None]
    with tempfile.TemporaryDirectory(prefix="autograder-nbgrader-") as scratch:
        notebook = Path(scratch) / f"{exercise}.ipynb"
        notebook.write_text(json.dumps(as_notebook(executed_cells())))
        settings = Settings.from_environment()  # the kernel's, as `autograder grade` reads them
        with Zygote(settings=settings) as zygote:
            result = grade_exercise(exercise, notebook, zygote, extra_hide=[Path(scratch), *hide], settings=settings)
    result.submission = f"{exercise}.ipynb"
    report = text.render(Report(submission=result.submission, exercises=[result]))
    if points is not None and float(result.max_score) != float(points):
        return 0.0, (report + f"\nThis cell is worth {points:g} points but the graders of {exercise} now give "
                     f"{result.max_score:g}: the course is out of date. Rebuild it with "
                     "`autograder nbgrader-course` and autograde again.\n")
    return float(result.score), report


def score(exercise: str, points: float | None = None) -> float:
    """Grade the cells run so far as `exercise`; print the report; return the score (a float).

    Never raises and never writes to stderr (either would make nbgrader give the cell 0 points
    without saying why): an internal failure prints its reason and scores 0.0.
    """
    buffer = io.StringIO()
    value = 0.0
    saved_fd = None
    try:
        # Everything written while grading, by Python or by a child process on fd 2 (the zygote
        # inherits the kernel's stderr), goes to stdout, where it cannot zero the cell.
        with contextlib.redirect_stderr(buffer), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                sys.stdout.flush()
                saved_fd = os.dup(2)
                os.dup2(1, 2)
            except (OSError, ValueError, AttributeError):
                saved_fd = None
            try:
                value, report = _grade(exercise, points)
            finally:
                if saved_fd is not None:
                    os.dup2(saved_fd, 2)
                    os.close(saved_fd)
        print(report, end="")
    except BaseException as error:  # noqa: BLE001 - never let the cell fail: it would score 0 silently
        value = 0.0
        # the reason only, not a traceback: students read this in their feedback
        print(f"The autograder could not grade {exercise} ({type(error).__name__}: {error}); "
              "please tell your instructor.")
    captured = buffer.getvalue().strip()
    if captured:
        print("\nMessages while grading:\n" + captured)
    if not (0.0 <= value) or (points is not None and value > float(points)):
        print(f"The score {value!r} is outside [0, {points}]; it is counted as 0.")
        value = 0.0
    return float(value)
