"""The results fingerprint (batch/store.py): whatever a stored result depends on, besides the
submission, changes it, so `grade-all` regrades; what it does not depend on leaves it alone.

Each edit is made in a copy of the kit (autograder/, solutions/, assignments/) and the copy's
fingerprint compared with the untouched copy's; versions are changed for real, by a torch, a numpy
and a kit distribution of other versions found first on a subprocess's path; and `grade-all` runs
in the copy twice, the second time after an edit of a released notebook's public-check cell.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from autograder import notebooks
from autograder.batch.store import kit_files, kit_fingerprint
from autograder.config import Settings

ROOT = Path(__file__).resolve().parent.parent
KIT = ("autograder", "solutions", "assignments")


def copy_kit(to: Path) -> Path:
    for folder in KIT:
        shutil.copytree(ROOT / folder, to / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return to


def append(line: str):
    def edit(path: Path) -> None:
        with open(path, "a") as handle:
            handle.write(f"\n{line}\n")
    return edit


def edit_cell(index: int):
    def edit(path: Path) -> None:
        notebook = notebooks.read(path)
        notebook["cells"][index]["source"] = notebooks.cell_source(notebook["cells"][index]) + "\n# edited"
        notebooks.write(notebook, path)
    return edit


def first_cell(path: Path, kind: str, starting: str = "") -> int:
    return next(i for i, c in enumerate(notebooks.read(path)["cells"])
                if c["cell_type"] == kind and notebooks.cell_source(c).startswith(starting))


NUMPY_RNN = ROOT / "assignments" / "numpy_rnn.ipynb"
PUBLIC = "# Public checks"
# (what is edited, how): each must change the fingerprint.
REGRADING = {
    "a grader": ("autograder/exercises/numpy_rnn/test_numpy_rnn.py", append("# a stricter grader")),
    "a registry entry": ("autograder/exercises/char_rnn/__init__.py", append("# other parameters")),
    "an exercise's training helper": ("autograder/exercises/char_rnn/training.py", append("# other training")),
    "a catalogue": ("autograder/exercises/rnn_shapes/catalogue.py", append("# one more bug")),
    "the registry": ("autograder/exercises/__init__.py", append("# registry")),
    "a reference": ("solutions/numpy_rnn.py", append("# a later reference")),
    "a notebook's kit cell": ("assignments/numpy_rnn.ipynb", edit_cell(first_cell(NUMPY_RNN, "code", PUBLIC))),
    "a notebook's stub": ("assignments/numpy_rnn.ipynb", edit_cell(first_cell(NUMPY_RNN, "code", "def "))),
    "the loader": ("autograder/load.py", append("# loading")),
    "reading submitted files": ("autograder/submitted_files.py", append("# reading")),
    "notebook structure": ("autograder/notebooks.py", append("# cells")),
    "the sandbox": ("autograder/sandbox/wire.py", append("# the wire")),
    "the grading plugin": ("autograder/grading/plugin.py", append("# results")),
    "graders' checks": ("autograder/grading/checks.py", append("# checks")),
    "config.py": ("autograder/config.py", append("GRADER_SEED = 7")),
    "discovery": ("autograder/batch/discover.py", append("# students")),
    "a module added later": ("autograder/matching.py", append("# new")),
}
# Rendering, the command line, other routes of grading: results do not depend on them.
KEEPING = {
    "a report": ("autograder/reports/text.py", append("# other wording")),
    "a command": ("autograder/commands/grade_all.py", append("# other options")),
    "the CLI": ("autograder/cli.py", append("# cli")),
    "the nbgrader course builder": ("autograder/nbgrader_course.py", append("# course")),
    "the progress line": ("autograder/batch/progress.py", append("# progress")),
    "a notebook's story": ("assignments/numpy_rnn.ipynb", edit_cell(first_cell(NUMPY_RNN, "markdown"))),
    "compiled files": ("autograder/__pycache__/load.cpython-311.pyc", append("bytecode")),
}


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    return copy_kit(tmp_path_factory.mktemp("kit"))


@pytest.fixture
def edited(kit, request):
    """The copy with one file edited, put back afterwards."""
    relative, edit = request.param
    path = kit / relative
    before = path.read_bytes() if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    edit(path)
    yield kit
    if before is None:
        path.unlink()
    else:
        path.write_bytes(before)


def test_a_copy_of_the_kit_has_its_fingerprint(kit):
    """Paths count relative to the kit: every installation of the same kit agrees (Dask workers)."""
    assert kit_fingerprint(kit=kit) == kit_fingerprint()
    names = {p.relative_to(kit).as_posix() for p in kit_files(kit)}
    assert {"autograder/load.py", "autograder/sandbox/zygote.py", "autograder/config.py",
            "autograder/exercises/numpy_rnn/test_numpy_rnn.py", "solutions/char_rnn.py",
            "assignments/char_rnn.ipynb"} <= names
    assert not any(n.startswith(("autograder/reports/", "autograder/commands/")) for n in names)


@pytest.mark.parametrize("edited", REGRADING.values(), ids=REGRADING.keys(), indirect=True)
def test_an_edit_results_depend_on_changes_the_fingerprint(edited):
    assert kit_fingerprint(kit=edited) != kit_fingerprint()


@pytest.mark.parametrize("edited", KEEPING.values(), ids=KEEPING.keys(), indirect=True)
def test_an_edit_results_do_not_depend_on_keeps_it(edited):
    assert kit_fingerprint(kit=edited) == kit_fingerprint()


def test_settings_values_count_except_those_no_grade_depends_on():
    default = kit_fingerprint(Settings())
    for change in ({"call_timeout_s": 5.0}, {"max_problems": 3}, {"sandbox_namespaces": "off"},
                   {"max_ipython_lines": 10}, {"worker_memory_bytes": 2**31}):
        assert kit_fingerprint(replace(Settings(), **change)) != default, change
    for change in ({"sandbox_uid": 62000}, {"batch_size": 2}, {"task_retries": 0}, {"cluster_wait_s": 5.0}):
        assert kit_fingerprint(replace(Settings(), **change)) == default, change
    assert kit_fingerprint(Settings.from_environment({"AUTOGRADER_SANDBOX_NAMESPACES": "off"})) != default


def fingerprint_in_subprocess(*path: Path) -> str:
    """The fingerprint as a process sees it with these folders first on its path."""
    code = "from autograder.batch.store import kit_fingerprint; print(kit_fingerprint())"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, [*path, ROOT]))}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                          cwd=path[0] if path else None)  # not this checkout: its egg-info would come first
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def fake_library(folder: Path, name: str, version_py: str) -> Path:
    """A package that find_spec finds before the real one (never imported: the fingerprint reads
    its version.py)."""
    (folder / name).mkdir(parents=True)
    (folder / name / "__init__.py").write_text("")
    (folder / name / "version.py").write_text(version_py)
    return folder


def test_torch_numpy_and_kit_versions_count(tmp_path):
    base = fingerprint_in_subprocess()
    assert base == kit_fingerprint()
    torch_spec = importlib.util.find_spec("torch")
    real = (Path(torch_spec.origin).parent / "version.py").read_text()
    other_torch = fake_library(tmp_path / "torch", "torch", real.replace("2.13.0", "2.13.1"))
    assert fingerprint_in_subprocess(other_torch) != base
    other_numpy = fake_library(tmp_path / "numpy", "numpy", "version = '0.0.1'\n__version__ = version\n")
    assert fingerprint_in_subprocess(other_numpy) != base
    dist = tmp_path / "kit" / "rnn_autograder-9.9.9.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: rnn-autograder\nVersion: 9.9.9\n")
    assert fingerprint_in_subprocess(tmp_path / "kit") != base


def test_fingerprinting_is_fast():
    kit_fingerprint()
    started = time.perf_counter()
    for _ in range(10):
        kit_fingerprint()
    seconds = (time.perf_counter() - started) / 10
    assert seconds < 0.1, f"{seconds * 1000:.0f} ms per fingerprint"  # about 10 ms measured


# ------------------------------------------------------------------------ end to end

def grade_all(kit: Path, submissions: Path, out: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(kit),
           "AUTOGRADER_SANDBOX_UID": str(Settings().sandbox_uid + 3000 + os.getpid() % 1000 * 2)}
    return subprocess.run([sys.executable, "-m", "autograder", "grade-all", str(submissions), "-o", str(out),
                           "--jobs", "1", "--exercise", "numpy_rnn"],
                          capture_output=True, text=True, env=env, cwd=kit, timeout=300)


def stored(out: Path) -> tuple[str, int, float]:
    """The stored result's fingerprint, when its file was written, and its score."""
    path = out / "results" / "alice" / "numpy_rnn.json"
    record = json.loads(path.read_text())
    return record["kit"], path.stat().st_mtime_ns, record["result"]["score"]


@pytest.mark.slow  # three grade-all runs: 74 s at load 10 on 2 cores, about a fifth of it when quiet
def test_grade_all_regrades_after_a_notebook_edit(tmp_path):
    """Graded, kept on a rerun, regraded after the release's public-check cell changed (that cell
    of the student's notebook is then the student's code, not the kit's)."""
    kit = copy_kit(tmp_path / "kit")
    release = kit / "assignments" / "numpy_rnn.ipynb"
    reference = (kit / "solutions" / "numpy_rnn.py").read_text()
    (tmp_path / "class" / "alice").mkdir(parents=True)
    notebooks.write(notebooks.fill(notebooks.read(release), reference),
                    tmp_path / "class" / "alice" / "numpy_rnn.ipynb")
    out = tmp_path / "out"

    first = grade_all(kit, tmp_path / "class", out)
    assert first.returncode == 0, first.stderr
    kit_before, written, score = stored(out)
    assert score > 0
    again = grade_all(kit, tmp_path / "class", out)
    assert again.returncode == 0, again.stderr
    assert stored(out)[:2] == (kit_before, written), "an unchanged kit regraded a stored result"

    edit_cell(first_cell(release, "code", PUBLIC))(release)
    third = grade_all(kit, tmp_path / "class", out)
    assert third.returncode == 0, third.stderr
    kit_after, rewritten, score_after = stored(out)
    assert kit_after != kit_before and rewritten != written, "the notebook edit did not regrade"
    assert score_after == score
