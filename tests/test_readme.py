"""The README's figures that can be derived from the kit are checked against it."""
from __future__ import annotations

import re

from autograder import config
from autograder.exercises import get, names as exercise_names, tables
from conftest import ROOT


def grader_points(exercise: str) -> list[float]:
    """The points of every grader test of an exercise as pytest collects them in a grading session
    (independent of the registry, which reads the decorators from the source)."""
    import pytest

    from autograder.grading.plugin import points_of
    from autograder.grading.run import pytest_session

    class Collector:
        points: list[float] = []

        def pytest_collection_modifyitems(self, items):
            self.points = [points_of(item) for item in items]

    collector = Collector()
    code = pytest_session(get(exercise).graders, [collector], "--collect-only")
    assert code == pytest.ExitCode.OK and collector.points, f"could not collect the graders of {exercise}"
    return collector.points


def test_points_table_is_the_registrys():
    readme = (ROOT / "README.md").read_text()
    assert tables.with_points_table(readme) == readme, (
        "the README's points table is not the registry's: run `python -m autograder.exercises.tables README.md`")


def test_points_table_matches_the_graders():
    readme = (ROOT / "README.md").read_text()
    for exercise in exercise_names():
        row = re.search(rf"^\| {exercise} \| (\d+) \| (\d+) \|$", readme, re.MULTILINE)
        assert row, f"the README's points table has no row for {exercise}"
        points = grader_points(exercise)
        assert (int(row[1]), int(row[2])) == (sum(points), len(points)) == (get(exercise).points, len(points)), exercise
    total = re.search(r"^\| total \| (\d+) \| (\d+) \|$", readme, re.MULTILINE)
    assert total and int(total[1]) == sum(sum(grader_points(e)) for e in exercise_names())


def test_hostile_corpus_count():
    readme = " ".join((ROOT / "README.md").read_text().split())
    corpus = [p for p in (ROOT / "tests" / "hostile").iterdir() if p.suffix in (".py", ".ipynb")]
    assert f"holds {len(corpus)} hostile submissions" in readme
