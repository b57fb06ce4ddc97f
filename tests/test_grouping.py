"""`make test`'s two workers keep each module whole (tests/grouping.py), as xdist is asked to.

xdist obeys the groups only through the node ids it rewrites: with pytest 9.2 and xdist 3.8 that
rewrite is silently lost (pytest-dev/pytest-xdist#1386), every test is dealt out alone, and both
workers build test_nbgrader's course and the audit (the README has the cost). So a small suite is
run the way `make test` runs, and where each test ran is checked.
"""
from __future__ import annotations

import collections
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grouping import SHARED_FIXTURE

pytest.importorskip("xdist", reason="make test's workers: pip install -e '.[test]'")

TESTS = Path(__file__).resolve().parent

MODULE = '''\
import os
import pytest
{mark}

@pytest.fixture(scope="module")
def built():
    with open("setups", "a") as log:
        log.write("{name} " + str(os.getpid()) + "\\n")


@pytest.mark.parametrize("i", range(6))
def test_runs(built, i, {fixtures}):
    with open("runs", "a") as log:
        log.write("{name} " + str(os.getpid()) + "\\n")
'''
SHARED = f'''\
import pytest


@pytest.fixture(scope="session")
def {SHARED_FIXTURE}():
    return None
'''


def pids(log: Path) -> dict[str, list[str]]:
    found = collections.defaultdict(list)
    for line in log.read_text().splitlines():
        module, pid = line.split()
        found[module].append(pid)
    return found


def test_each_module_and_the_audits_users_run_on_one_worker(tmp_path):
    modules = {"plain_a": "", "plain_b": "", "slow_one": "pytestmark = pytest.mark.slow",
               "audit_x": "", "audit_y": ""}
    for name, mark in modules.items():
        fixtures = SHARED_FIXTURE if name.startswith("audit") else "tmp_path"
        (tmp_path / f"test_{name}.py").write_text(MODULE.format(name=name, mark=mark, fixtures=fixtures))
    (tmp_path / "conftest.py").write_text(SHARED)
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    slow: slow\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")])
    run = subprocess.run([sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-p", "grouping",
                          "-p", "no:cacheprovider", "-q"], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    setups, runs = pids(tmp_path / "setups"), pids(tmp_path / "runs")
    assert set(runs) == set(modules) and all(len(r) == 6 for r in runs.values()), runs
    assert len({pid for r in runs.values() for pid in r}) == 2, "the small suite did not use both workers"
    split = {m: sorted(set(p)) for m, p in runs.items() if len(set(p)) > 1}
    assert not split, (f"modules split between xdist's workers (is xdist ignoring xdist_group? "
                       f"pytest-dev/pytest-xdist#1386): {split}")
    assert all(len(s) == 1 for s in setups.values()), f"a module fixture was built more than once: {setups}"
    assert runs["audit_x"][0] == runs["audit_y"][0], f"the users of {SHARED_FIXTURE} ran on different workers"
