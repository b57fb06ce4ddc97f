"""The released notebooks: untouched they earn zero with clean messages; filled in, full marks."""
from __future__ import annotations

import pytest

from autograder import config, notebooks
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
