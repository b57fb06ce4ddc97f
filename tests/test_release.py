"""The released notebooks: untouched they earn zero with clean messages; filled in, full marks;
every line short enough to read without scrolling sideways."""
from __future__ import annotations

import pytest

from autograder import config, notebooks
from autograder.exercises import Exercise, registry
from autograder.exercises import names as exercise_names
from conftest import ASSIGNMENTS, SOLUTIONS, failed


@pytest.mark.parametrize("exercise", exercise_names())
def test_untouched_stubs_earn_zero_with_clean_messages(exercise, grade_file):
    result = grade_file(ASSIGNMENTS / f"{exercise}.ipynb", exercise)
    assert result.score == 0 and result.max_score > 0
    for test in result.tests:
        assert "is not implemented yet" in test.message, test
        assert "Traceback" not in test.message and "autograder/" not in test.message, test


@pytest.mark.parametrize("exercise", exercise_names())
def test_release_filled_with_reference_earns_full_marks(exercise, grade_file, tmp_path):
    release = notebooks.read(ASSIGNMENTS / f"{exercise}.ipynb")
    filled = notebooks.fill(release, (SOLUTIONS / f"{exercise}.py").read_text())
    notebooks.write(filled, tmp_path / f"{exercise}.ipynb")
    result = grade_file(tmp_path / f"{exercise}.ipynb", exercise)
    assert not failed(result), [(t.name, t.message) for t in result.tests if not t.passed]
    assert result.score == result.max_score
    assert result.problems == []


@pytest.mark.parametrize("exercise", exercise_names())
def test_every_contract_function_has_a_stub_cell(exercise):
    stubs = notebooks.stub_cells(notebooks.read(ASSIGNMENTS / f"{exercise}.ipynb"))
    reference = notebooks.definitions((SOLUTIONS / f"{exercise}.py").read_text())
    assert set(stubs) == set(reference)


NOTEBOOK_LINE_CHARS = 100  # the kit's notebooks read at 1400 px without scrolling sideways (#12)


def long_lines(notebook: dict, name: str) -> list[str]:
    """Each line of a cell (markdown or code) longer than NOTEBOOK_LINE_CHARS, with where it is."""
    found = []
    for number, cell in enumerate(notebook["cells"], start=1):
        for line_number, line in enumerate(notebooks.cell_source(cell).split("\n"), start=1):
            if len(line) > NOTEBOOK_LINE_CHARS:
                found.append(f"{name} cell {number} ({cell.get('cell_type')}, id {cell.get('id')}) "
                             f"line {line_number}: {len(line)} characters: {line[:50]!r}...")
    return found


@pytest.mark.parametrize("exercise", registry(), ids=lambda e: e.name)
def test_notebook_lines_are_at_most_100_characters(exercise: Exercise):
    found = long_lines(notebooks.read(exercise.notebook), exercise.notebook.name)
    assert not found, (f"{len(found)} lines longer than {NOTEBOOK_LINE_CHARS} characters (wrap them):\n"
                       + "\n".join(found))


def test_long_lines_names_notebook_cell_and_line():
    notebook = {"cells": [{"cell_type": "markdown", "id": "intro", "source": ["# Title\n", "x" * 100]},
                          {"cell_type": "code", "id": "c2", "source": "ok = 1\n\n" + "y" * 101}]}
    assert long_lines(notebook, "demo.ipynb") == [
        f"demo.ipynb cell 2 (code, id c2) line 3: 101 characters: {'y' * 50!r}..."]
