"""A grading session takes nothing from where it runs: the same submission gets the same grade on a
TA's laptop, in CI and on Gradescope, whatever pytest options, plugins and config files are around."""
from __future__ import annotations

import shutil
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from autograder.exercises import Exercise, get as get_exercise
from autograder.grading.run import grade_exercise

EXERCISE = "numpy_rnn"  # light to grade; a bug of its catalogue fails some tests and passes others

# A plugin that keeps only the first test, as a session's option or a stray plugin could.
FIRST_TEST_ONLY = "def pytest_collection_modifyitems(items):\n    del items[1:]\n"


def grades(result) -> list[tuple[str, float]]:
    return [(test.name, test.score) for test in result.tests]


@pytest.fixture(scope="module")
def buggy(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("buggy") / "submission.py"
    path.write_text(get_exercise(EXERCISE).bugs()[0].source())
    return path


@pytest.fixture(scope="module")
def expected(buggy, zygote) -> list[tuple[str, float]]:
    result = grades(grade_exercise(EXERCISE, buggy, zygote))
    assert {score > 0 for _, score in result} == {True, False}, "the bug should pass some tests and fail others"
    return result


@pytest.mark.parametrize("options", ["--maxfail=1", "-x", "-k shape", "--deselect x -p no:python"])
def test_pytest_addopts_does_not_change_a_grade(buggy, expected, grade_file, monkeypatch, options):
    monkeypatch.setenv("PYTEST_ADDOPTS", options)
    assert grades(grade_file(buggy, EXERCISE)) == expected


def test_pytest_plugins_from_the_environment_are_not_loaded(buggy, expected, grade_file, monkeypatch, tmp_path):
    (tmp_path / "first_test_only.py").write_text(FIRST_TEST_ONLY)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTEST_PLUGINS", "first_test_only")
    assert grades(grade_file(buggy, EXERCISE)) == expected


def test_a_plugin_installed_beside_the_kit_is_not_loaded(buggy, expected, grade_file, monkeypatch, tmp_path):
    """As pytest-randomly or pytest-xdist would be: found through its entry point, unasked."""
    (tmp_path / "stray_plugin.py").write_text(FIRST_TEST_ONLY)
    info = tmp_path / "stray_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: stray-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pytest11]\nstray = stray_plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "stray" in {e.name for e in entry_points(group="pytest11")}, "the stray plugin is not installed"
    assert grades(grade_file(buggy, EXERCISE)) == expected


def test_config_files_and_conftest_beside_the_graders_do_not_apply(buggy, expected, grade_file, monkeypatch,
                                                                    tmp_path):
    """Wherever the kit is installed (a venv inside a repository, a course folder), a pytest.ini,
    tox.ini, setup.cfg, pyproject.toml or conftest.py above its graders is not theirs."""
    graders = tmp_path / "installed" / get_exercise(EXERCISE).graders.name
    graders.parent.mkdir()
    shutil.copy(get_exercise(EXERCISE).graders, graders)
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = --maxfail=1\n")
    (tmp_path / "conftest.py").write_text(FIRST_TEST_ONLY)
    (graders.parent / "conftest.py").write_text(FIRST_TEST_ONLY)
    installed = Exercise.graders.fget
    monkeypatch.setattr(Exercise, "graders", property(lambda self: graders if self.name == EXERCISE else installed(self)))
    assert grades(grade_file(buggy, EXERCISE)) == expected
