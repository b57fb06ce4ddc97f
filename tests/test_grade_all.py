"""Grading a class: discovery, resume after a kill, determinism, isolation between students."""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder import notebooks
from autograder.config import Settings
from autograder.exercises import get as get_exercise, names as exercise_names, total_points
from autograder.batch.discover import discover
from autograder.exercises import all_bugs

BUGS = all_bugs()
from conftest import ASSIGNMENTS, ROOT, SOLUTIONS, processes_of

HOSTILE = ROOT / "tests" / "hostile"


def write_student(folder: Path, sources: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for exercise in exercise_names():
        release = notebooks.read(ASSIGNMENTS / f"{exercise}.ipynb")
        code = sources.get(exercise)
        notebooks.write(notebooks.fill(release, code) if code else release, folder / f"{exercise}.ipynb")


def reference() -> dict[str, str]:
    return {e: (SOLUTIONS / f"{e}.py").read_text() for e in exercise_names()}


@pytest.fixture(scope="module")
def small_class(tmp_path_factory) -> Path:
    """An nbgrader tree: reference, two buggy students, an untouched release, a hostile one."""
    root = tmp_path_factory.mktemp("class")
    bugs = {b.name: b for b in BUGS}
    students = {
        "ada": reference(),
        "ben": {**reference(), "numpy_rnn": bugs["transposed_Wh"].source()},
        "cy": {**reference(), "char_rnn": bugs["softmax_before_loss"].source()},
        "dee": {},
        "eve": {**reference(), "numpy_rnn": (HOSTILE / "segfault.py").read_text()},
        "fay": {"rnn_shapes": bugs["hard_coded_batch_of_one"].source()},
    }
    for name, sources in students.items():
        write_student(root / "submitted" / name / "rnn", sources)
    return root


# A user of its own, so that these runs' sandboxes can be told apart from any other grading.
UID = str(Settings.from_environment().sandbox_uid + 1 + os.getpid() % 1000)
ENV = {**os.environ, "AUTOGRADER_SANDBOX_UID": UID}


def grade_all(root: Path, out: Path, jobs: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", "grade-all", str(root), "-o", str(out),
                           "--jobs", str(jobs)], capture_output=True, text=True, timeout=600, env=ENV)


def gradebook(out: Path) -> list[dict]:
    with open(out / "grades.csv") as handle:
        return list(csv.DictReader(handle))


def sandbox_processes() -> list[int]:
    """Live processes of this module's sandbox users: worker k of a pool runs its sandboxes as
    UID + k (k = 1 .. --jobs)."""
    return processes_of({str(int(UID) + k) for k in range(1, 9)})


@pytest.fixture(scope="module")
def clean_run(small_class, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    done = grade_all(small_class, out, jobs=2)
    assert done.returncode == 0, done.stderr
    return out


def test_discovers_nbgrader_trees_and_flat_folders(small_class, tmp_path):
    jobs = discover(small_class)
    assert len(jobs) == 6 * len(exercise_names()) and {j.student for j in jobs} == {"ada", "ben", "cy", "dee", "eve", "fay"}
    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "zoe_numpy_rnn.py").write_text("x = 1\n")
    (flat / "yan").mkdir()
    (flat / "yan" / "char_rnn.ipynb").write_text("{}")
    found = {(j.student, j.exercise): j.path for j in discover(flat)}
    assert found[("zoe", "numpy_rnn")] == flat / "zoe_numpy_rnn.py"
    assert found[("yan", "char_rnn")] == flat / "yan" / "char_rnn.ipynb"
    assert not found[("zoe", "char_rnn")].exists()  # graded as not submitted


def test_class_grades_equal_single_grades_and_hostile_costs_only_its_own(clean_run, small_class, zygote):
    from autograder.grading.run import grade_exercise

    rows = {row["student"]: row for row in gradebook(clean_run)}
    assert rows["ada"]["total"] == f"{total_points():g}" and rows["dee"]["total"] == "0"
    for student in rows:
        for exercise in exercise_names():
            single = grade_exercise(exercise, small_class / "submitted" / student / "rnn" / f"{exercise}.ipynb", zygote)
            assert float(rows[student][exercise]) == single.score, (student, exercise)
    assert float(rows["eve"]["numpy_rnn"]) < get_exercise("numpy_rnn").points
    assert float(rows["eve"]["char_rnn"]) == get_exercise("char_rnn").points
    results = json.loads((clean_run / "students" / "eve" / "results.json").read_text())
    assert results["score"] == float(rows["eve"]["total"])
    assert sandbox_processes() == []


def test_results_do_not_depend_on_jobs(clean_run, small_class, tmp_path):
    done = grade_all(small_class, tmp_path, jobs=1)
    assert done.returncode == 0, done.stderr
    assert gradebook(tmp_path) == gradebook(clean_run)
    for student in ("ben", "eve"):
        one = json.loads((tmp_path / "students" / student / "results.json").read_text())
        two = json.loads((clean_run / "students" / student / "results.json").read_text())
        strip = lambda r: [(t["name"], t["score"], t["output"]) for t in r["tests"]]
        assert strip(one) == strip(two)


def zygotes_under(pid: int) -> list[int]:
    """The sandbox zygotes started below process `pid` (not the supervisors and sandboxes they fork,
    which share their command line)."""
    parents, commands = {}, {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            command = (status.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if not fields.get("State", "").strip().startswith("Z"):
            parents[int(status.parent.name)], commands[int(status.parent.name)] = int(fields["PPid"]), command

    def below(p: int) -> bool:
        while p > 1:
            p = parents.get(p, 0)
            if p == pid:
                return True
        return False

    zygote = b"autograder.sandbox.zygote"
    return sorted(p for p, command in commands.items()
                  if zygote in command and zygote not in commands.get(parents[p], b"") and below(p))


def kill_zygotes_mid_run(process: subprocess.Popen, results: Path, under: list[int]) -> list[int]:
    """Once the first result is stored, SIGKILL every zygote below the `under` processes; the
    zygotes killed (every worker is then mid-batch or about to start one)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not list(results.glob("*/*.json")):
        assert process.poll() is None, "the run ended before any result was stored"
        time.sleep(0.05)
    killed = [z for pid in under for z in zygotes_under(pid)]
    assert killed and process.poll() is None, "no zygote to kill mid-run"
    for zygote in killed:
        os.kill(zygote, signal.SIGKILL)
    return killed


def test_a_killed_zygote_is_restarted_and_costs_nothing(clean_run, small_class, tmp_path):
    """A worker's zygote killed mid-run (e.g. by the OOM killer): the worker starts a new one, the
    batch it was grading is graded again, and the run ends as a clean run."""
    process = subprocess.Popen([sys.executable, "-m", "autograder", "grade-all", str(small_class), "-o",
                                str(tmp_path), "--jobs", "2"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True, env=ENV)
    try:
        killed = kill_zygotes_mid_run(process, tmp_path / "results", [process.pid])
        assert len(killed) == 2  # one per worker
        deadline = time.monotonic() + 120  # each worker starts a zygote of its own again
        while process.poll() is None and len(set(zygotes_under(process.pid)) - set(killed)) < 2:
            assert time.monotonic() < deadline, "no zygote was started again"
            time.sleep(0.1)
        _, err = process.communicate(timeout=600)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 0, err
    assert gradebook(tmp_path) == gradebook(clean_run)
    for student in ("ada", "ben", "cy", "dee", "eve", "fay"):  # (naming a mistake has a wall-time budget)
        strip = lambda out: [(e["name"], e["score"]) for e in
                             json.loads((out / "students" / student / "results.json").read_text())["tests"]]
        assert strip(tmp_path) == strip(clean_run), student
    assert not (tmp_path / "summary.md").read_text().count("grader failure")
    time.sleep(1)
    assert sandbox_processes() == []


def test_a_killed_batch_resumes_and_ends_as_a_clean_run(clean_run, small_class, tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "autograder", "grade-all", str(small_class), "-o",
                                str(tmp_path), "--jobs", "2"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True, env=ENV)
    stored = tmp_path / "results"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(list(stored.glob("*/*.json"))) < 3:
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    kept = len(list(stored.glob("*/*.json")))
    assert 3 <= kept < 18, "the kill should land halfway"
    time.sleep(1)
    assert sandbox_processes() == []
    done = grade_all(small_class, tmp_path, jobs=2)
    assert done.returncode == 0, done.stderr
    assert gradebook(tmp_path) == gradebook(clean_run)
    again = grade_all(small_class, tmp_path, jobs=2)  # nothing left to grade: only reports
    assert again.returncode == 0 and "6 students: 6 up to date (their stored results kept), 0 graded" in again.stdout
