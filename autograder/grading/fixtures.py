"""The fixtures every grader gets: `student` (the submission under test, see student_code.py) and `rng`.

A pytest plugin (entry point `pytest11`, and `-p` in grading/run.py): the grading pipeline feeds it
the submissions; run by hand, `pytest autograder/exercises/<name>/test_<name>.py --submission
FILE` grades FILE the same way. The exercises' folders hold only exercise content.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autograder import config
from autograder.config import Settings
from autograder.grading.plugin import GradingPlugin


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--submission", help="a notebook or .py file to grade with these graders")
    parser.addoption("--seed-shift", type=int, default=0,
                     help="shift every seed the graders draw inputs and train with (autograder audit --seeds)")


def grading_plugin(config: pytest.Config) -> GradingPlugin | None:
    return next((p for p in config.pluginmanager.get_plugins() if isinstance(p, GradingPlugin)), None)


@pytest.fixture(scope="session")
def student(request: pytest.FixtureRequest):
    plugin = grading_plugin(request.config)
    if plugin is not None:
        index = getattr(request, "param", 0)
        code = plugin.open(index)
        yield code
        plugin.close(index, code)
        return
    path = request.config.getoption("--submission")
    if not path:
        pytest.exit("pass --submission FILE (or grade with `autograder grade`)", returncode=2)
    from autograder.grading.run import open_student_code
    from autograder.sandbox.zygote import Zygote

    settings = Settings.from_environment()  # run by hand: like `autograder grade`
    with Zygote(settings=settings) as zygote:
        exercise = request.session.items[0].module.__name__.split(".")[-2]  # autograder.exercises.<name>.test_<name>
        code = open_student_code(Path(path), zygote, exercise=exercise, settings=settings)
        yield code
        code.close()


@pytest.fixture(scope="session")
def seed_shift(request: pytest.FixtureRequest) -> int:
    """0 when grading; `autograder audit --seeds N` grades correct code again with shifts 1 .. N-1,
    and every seed a grader uses (inputs, training runs) must move with it."""
    plugin = grading_plugin(request.config)
    return plugin.seed_shift if plugin is not None else request.config.getoption("--seed-shift")


@pytest.fixture
def rng(seed_shift: int) -> np.random.Generator:
    """The same random, non-saturating inputs on every run: graders never flake."""
    return np.random.default_rng(config.GRADER_SEED + seed_shift)
