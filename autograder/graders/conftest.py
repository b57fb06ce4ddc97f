"""Shared fixtures of the graders.

`student` is the submission under test (see grading/student_code.py). The grading pipeline
provides it; run by hand, `pytest autograder/graders/test_numpy_rnn.py --submission FILE` grades
FILE the same way.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autograder import config
from autograder.grading.plugin import GradingPlugin


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--submission", help="a notebook or .py file to grade with these graders")


@pytest.fixture(scope="session")
def student(request: pytest.FixtureRequest):
    for plugin in request.config.pluginmanager.get_plugins():
        if isinstance(plugin, GradingPlugin):
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

    with Zygote() as zygote:
        code = open_student_code(Path(path), zygote)
        yield code
        code.close()


@pytest.fixture
def rng() -> np.random.Generator:
    """The same random, non-saturating inputs on every run: graders never flake."""
    return np.random.default_rng(config.GRADER_SEED)
