"""Every behaviour a released public check tests is graded.

A public check is a "# Public checks" cell of a released notebook; it checks the function whose stub
cell comes before it (and may use earlier ones). The checks run for real: the release notebook, its
stubs filled with a submission's source, runs cell by cell in a sandboxed process forked from the
warm zygote, as Jupyter would run it top to bottom; a check cell that raises is a failed check.

Proven over the whole bug catalogue (every exercise): a bug that fails the public check of a
function f also loses points on a grader test of f (the tests that fail when f itself is missing) or,
when f's check fails through a helper f calls, on a grader test of the function the bug edits.
The reference solutions and the unusual-correct submissions pass every public check, and the
untouched release fails every one (the checks can fail).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from autograder import config, notebooks
from autograder.exercises import names as exercise_names
from autograder.grading.run import grade_exercises
from autograder.grading.student_code import sandbox_settings
from autograder.sandbox.process import SandboxProcess
from autograder.exercises import all_bugs

BUGS = all_bugs()
from conftest import ASSIGNMENTS, SOLUTIONS, failed
from test_unusual_solutions import unusual_exercise, unusual_files

PUBLIC_CHECK = "# Public checks"
RUN_TIMEOUT_S = 60.0  # a whole notebook's cells, char_rnn's training included


def check_cells(exercise: str) -> dict[int, str]:
    """The release's public-check cells (their index), each with the function it checks."""
    release = notebooks.read(ASSIGNMENTS / f"{exercise}.ipynb")
    stubs = sorted((index, name) for name, index in notebooks.stub_cells(release).items())
    found = {}
    for index, cell in enumerate(release["cells"]):
        if cell.get("cell_type") == "code" and notebooks.cell_source(cell).lstrip().startswith(PUBLIC_CHECK):
            found[index] = [name for stub, name in stubs if stub < index][-1]
    return found


def filled_cells(exercise: str, source: str | None) -> list[tuple[int, str]]:
    """The release's code cells, its stubs replaced by source (None: the release as it is).

    The whole source goes where the first stub was (so its imports, globals and helpers exist as in
    the .py file); the stub cells of the names it defines (by def, class or assignment) are emptied.
    """
    release = notebooks.read(ASSIGNMENTS / f"{exercise}.ipynb")
    stubs = notebooks.stub_cells(release)
    cells = {i: notebooks.cell_source(c) for i, c in enumerate(release["cells"]) if c.get("cell_type") == "code"}
    if source is not None:
        names = defined_names(source)
        for name, index in stubs.items():
            if name in names:
                cells[index] = "pass"
        cells[min(stubs.values())] = source
    return sorted(cells.items())


def defined_names(source: str) -> set[str]:
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def edited_function(bug) -> str:
    """The top-level function or class of the reference that the bug edits."""
    reference = (SOLUTIONS / f"{bug.exercise}.py").read_text()
    nodes = [n for n in ast.parse(reference).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    start = reference.find(bug.old)
    while start >= 0:  # the edited text may also stand in a docstring
        line = reference[:start + len(bug.old.rstrip())].count("\n") + 1  # where the edit ends
        for node in nodes:
            if node.lineno <= line <= node.end_lineno:
                return node.name
        start = reference.find(bug.old, start + 1)
    raise ValueError(f"{bug.name} edits no function of the reference")


def failing_checks(zygote, exercise: str, source: str | None) -> dict[str, str]:
    """The functions whose public check fails, each with the check's error."""
    checks = check_cells(exercise)
    process = SandboxProcess(zygote, sandbox_settings())
    try:
        reply, _ = process.request({"op": "load", "cells": filled_cells(exercise, source), "skip": [],
                                    "module_name": "__main__"}, timeout=RUN_TIMEOUT_S,
                                   on_progress=lambda message: None)
    finally:
        process.close()
    errors = {e["cell"]: f"{e['type']}: {e['message']}"[:300] for e in reply["cell_errors"]}
    return {checks[cell]: error for cell, error in errors.items() if cell in checks}


def grade_sources(zygote, folder: Path, exercise: str, sources: list[str]) -> list[set[str]]:
    """The failed tests of each source, all graded in one session (as grade-all batches a class)."""
    paths = []
    for i, source in enumerate(sources):
        paths.append(folder / f"{i}.py")
        paths[-1].write_text(source)
    return [failed(result) for result in grade_exercises(exercise, paths, zygote, extra_hide=[folder])]


@pytest.fixture(scope="module")
def tests_of(zygote, tmp_path_factory):
    """The grader tests of a function: those the reference fails once that function only raises
    (every top-level function of a reference graded in one session, the first time one is asked for)."""
    cache: dict[tuple[str, str], frozenset[str]] = {}

    def find(exercise: str, function: str) -> frozenset[str]:
        if (exercise, function) not in cache:
            reference = (SOLUTIONS / f"{exercise}.py").read_text()
            functions = [n.name for n in ast.parse(reference).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
            sources = [reference + f"\n\ndef {f}(*args, **kwargs):\n    raise NotImplementedError()\n"
                       for f in functions]
            lost = grade_sources(zygote, tmp_path_factory.mktemp(f"without-{exercise}"), exercise, sources)
            cache.update({(exercise, f): frozenset(tests) for f, tests in zip(functions, lost)})
        return cache[exercise, function]
    return find


@pytest.fixture(scope="module")
def bug_checks(zygote, audited):
    """Per bug: the public checks it fails, and the grader tests it loses points on (its grading in
    the exercise's audit, shared with test_buggy_catalogue)."""
    def find(bug) -> tuple[dict[str, str], set[str]]:
        return failing_checks(zygote, bug.exercise, bug.source()), set(audited(bug.exercise).bug(bug.name).lost)
    return find


@pytest.mark.parametrize("bug", BUGS, ids=lambda b: f"{b.exercise}-{b.name}")
def test_bug_failing_a_public_check_loses_points_on_that_function(bug, tests_of, bug_checks):
    failing, lost = bug_checks(bug)
    if not failing:
        return  # the public checks miss this bug; the graders must catch it (test_buggy_catalogue)
    edited = tests_of(bug.exercise, edited_function(bug))  # a check of f may fail through a helper f uses
    for function, error in failing.items():
        graded = tests_of(bug.exercise, function)
        assert graded, f"no grader test depends on {function}"
        assert lost & (graded | edited), (f"{bug.name} fails the public check of {function} ({error}) but "
                                          f"loses no points on a grader test of {function} ({sorted(graded)})")


@pytest.mark.parametrize("exercise", exercise_names())
def test_reference_passes_every_public_check(zygote, exercise):
    assert check_cells(exercise), f"{exercise}.ipynb has no public checks"
    assert failing_checks(zygote, exercise, (SOLUTIONS / f"{exercise}.py").read_text()) == {}


@pytest.mark.parametrize("exercise", exercise_names())
def test_untouched_release_fails_every_public_check(zygote, exercise):
    failing = failing_checks(zygote, exercise, None)
    assert set(failing) == set(check_cells(exercise).values())
    assert all("NotImplementedError" in error for error in failing.values()), failing


@pytest.mark.parametrize("path", [p for p in unusual_files() if p.suffix == ".py"], ids=lambda p: p.name)
def test_unusual_correct_submission_passes_every_public_check(zygote, path: Path):
    """The public checks are no stricter than the graders: correct code in another style passes them."""
    assert failing_checks(zygote, unusual_exercise(path), path.read_text()) == {}
