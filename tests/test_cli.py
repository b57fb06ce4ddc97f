"""The `autograder` command as CI and TAs run it: a real process, real files, exit statuses."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from autograder import config
from autograder.exercises import get
from conftest import ROOT, SOLUTIONS

AUTOGRADER = [sys.executable, "-m", "autograder"]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([*AUTOGRADER, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_gradescope_results_for_a_py_file(tmp_path):
    out = tmp_path / "results" / "results.json"
    done = run("grade", SOLUTIONS / "rnn_shapes.py", "--format", "gradescope", "-o", out)
    assert done.returncode == 0, done.stderr
    results = json.loads(out.read_text())
    assert results["score"] == 10 == sum(t["max_score"] for t in results["tests"])
    assert {"name", "score", "max_score", "status", "output", "visibility"} <= set(results["tests"][0])
    assert "10 / 10" in done.stdout  # the text summary still goes to the terminal


def test_fail_under_sets_the_exit_status(tmp_path):
    below = run("grade", SOLUTIONS / "rnn_shapes.py", "--fail-under", "11")
    at = run("grade", SOLUTIONS / "rnn_shapes.py", "--fail-under", "10", "--format", "junit")
    assert below.returncode == 1 and at.returncode == 0
    suite = ET.fromstring(at.stdout).find("testsuite")
    graders = get("rnn_shapes").graders.read_text()
    assert suite.get("failures") == "0"
    assert len(suite.findall("testcase")) == len(re.findall(r"^def test_", graders, re.MULTILINE))


def test_a_broken_notebook_gets_a_zero_result_not_a_traceback(tmp_path):
    broken = tmp_path / "char_rnn.ipynb"
    broken.write_text('{"cells": [')
    out = tmp_path / "report.md"
    done = run("grade", broken, "--format", "markdown", "-o", out)
    assert done.returncode == 0, done.stderr
    report = out.read_text()
    assert "0 / 30" in report and "not a valid notebook" in report
    assert "Traceback" not in done.stdout + done.stderr


def test_misuse_is_exit_status_2_with_a_message(tmp_path):
    missing = run("grade", tmp_path / "nothing.ipynb")
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert "Traceback" not in missing.stderr
    unnamed = tmp_path / "homework.py"
    unnamed.write_text("x = 1\n")
    assert run("grade", unnamed).returncode == 2
    assert run("grade", unnamed, "--format", "pdf").returncode == 2


def test_nothing_gradable_is_a_usage_error_not_a_student_error(tmp_path):
    """A folder without an exercise's file, or a class folder without students: exit 2, the
    instructor told what to change, no report written as if a student had failed."""
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "notes.py").write_text("x = 1\n")
    done = run("grade", tmp_path / "folder", "--format", "gradescope", "-o", tmp_path / "results.json")
    assert done.returncode == 2 and "nothing to grade in" in done.stderr and "found: notes.py" in done.stderr, done.stderr
    assert not (tmp_path / "results.json").exists() and "Traceback" not in done.stderr
    (tmp_path / "class").mkdir()
    done = run("grade-all", tmp_path / "class", "-o", tmp_path / "out")
    assert done.returncode == 2 and "holds no submissions" in done.stderr, done.stderr


def test_relative_paths_grade_the_same(tmp_path):
    """A relative submission and output (cwd = the student's folder) must not hide / from the sandbox."""
    (tmp_path / "rnn_shapes.py").write_text((SOLUTIONS / "rnn_shapes.py").read_text())
    done = run("grade", "rnn_shapes.py", "--report", "junit=junit.xml", "--format", "gradescope",
               "-o", "results.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "results.json").read_text())["score"] == 10
    assert ET.parse(tmp_path / "junit.xml").getroot().find("testsuite").get("failures") == "0"


def test_graders_run_as_plain_pytest_on_a_submission(tmp_path):
    """Instructors can run one exercise's graders with pytest itself (same sandbox, pytest's output)."""
    buggy = tmp_path / "rnn_shapes.py"
    buggy.write_text((SOLUTIONS / "rnn_shapes.py").read_text().replace(", batch_first=True)", ")"))
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(get("rnn_shapes").graders), "--submission", str(buggy)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "should build its nn.RNN with batch_first=True" in done.stdout
