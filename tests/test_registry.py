"""Adding an exercise is adding its own files: a toy exercise in a copy of the kit is graded everywhere.

The kit's tracked files are copied to a temporary folder; a toy exercise is added there by writing
ONLY its notebook (assignments/), its reference (solutions/), its registry entry, graders and
catalogue (autograder/exercises/<name>/). The copy then grades it, with the venv's Python and
PYTHONPATH pointing at the copy (nothing is installed), through `autograder grade`, `grade-all`,
`nbgrader-course` + real nbgrader autograde, and `gradescope-zip` + its run_autograder; and no
other file of the copy has changed. A second test keeps any module of the package outside the
registry from naming an exercise.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from autograder import notebooks
from autograder.config import Settings
from autograder.exercises import get, names as exercise_names, total_points
from conftest import ROOT

pytestmark = pytest.mark.slow

TOY = "toy_scale"
TOY_POINTS = 6  # its graders' @points below: 2 + 1 + 3
BIN = Path(sys.executable).parent
KIT_PARTS = ("pyproject.toml", "README.md", "autograder", "solutions", "assignments", "templates")

ENTRY = f'''"""A toy exercise: scaling and summing a list of numbers."""
from autograder.exercises import Exercise

EXERCISE = Exercise(
    name="{TOY}",
    title="scaling and summing a list",
    order=99,
    functions=("scale", "total"),
    weight=0.05,
)
'''

GRADERS = '''"""Graders of the toy exercise."""
import pytest

from autograder.grading.checks import fail

points = pytest.mark.points


@points(2)
def test_scale_doubles_by_default(student):
    """scale(x) multiplies every entry by 2"""
    got = student.call("scale", [1.0, 2.5])
    if got != [2.0, 5.0]:
        fail(f"scale([1.0, 2.5]) should be [2.0, 5.0], got {got!r}")


@points(1)
def test_scale_takes_a_factor(student):
    """scale(x, factor) multiplies every entry by factor"""
    got = student.call("scale", [1.0, -2.0], factor=3.0)
    if got != [3.0, -6.0]:
        fail(f"scale([1.0, -2.0], factor=3.0) should be [3.0, -6.0], got {got!r}")


@points(3)
def test_total_sums(student):
    """total(x) is the sum of the entries"""
    got = student.call("total", [1.5, 2.0, -0.5])
    if got != 3.0:
        fail(f"total([1.5, 2.0, -0.5]) should be 3.0, got {got!r}")
'''

CATALOGUE = '''"""Realistic bugs of the toy exercise."""
from autograder.exercises import Bug

BUGS = [
    Bug("adds_instead", "return [factor * v for v in x]", "return [factor + v for v in x]",
        ("test_scale_doubles_by_default",), "adds the factor instead of multiplying"),
]
'''

REFERENCE = '''"""Reference solution of the toy exercise."""


def scale(x, factor=2.0):
    """Every entry of x times factor."""
    return [factor * v for v in x]


def total(x):
    """The sum of the entries of x."""
    return float(sum(x))
'''


def toy_notebook() -> nbformat.NotebookNode:
    stub = "    # YOUR CODE HERE\n    raise NotImplementedError()"
    cells = [
        nbformat.v4.new_markdown_cell("# A toy exercise\n\nScale a list, then sum it."),
        nbformat.v4.new_code_cell(f'def scale(x, factor=2.0):\n    """Every entry of x times factor."""\n{stub}'),
        nbformat.v4.new_code_cell(f'def total(x):\n    """The sum of the entries of x."""\n{stub}'),
        nbformat.v4.new_code_cell("# Public checks: run this cell to test your functions.\n"
                                  "assert scale([1.0]) == [2.0]\nassert total([1.0, 2.0]) == 3.0"),
        nbformat.v4.new_markdown_cell("## Grading\n\nLeave the cell below as it is."),
        nbformat.v4.new_code_cell(notebooks.GRADING_COMMENT),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                       "name": "python3"}
    return notebook


def tracked(root: Path) -> list[str]:
    """The kit's files as git knows them (tracked, or new and not ignored); every file without git."""
    try:
        listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                                cwd=root, capture_output=True, check=True, timeout=60).stdout
        return [name for name in listed.decode().split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        return [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()
                and not {".git", ".venv", "out", "__pycache__"} & set(p.relative_to(root).parts)]


def digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


class Kit:
    """A copy of the kit with the toy exercise added; its commands run with PYTHONPATH at the copy."""

    def __init__(self, root: Path):
        self.root = root
        self.env = {**{k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"},
                    "PYTHONPATH": str(root), "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}

    def run(self, *args: str | Path, cwd: Path | None = None, timeout: float = 600,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([str(a) for a in args], cwd=cwd or self.root, env={**self.env, **(env or {})},
                              capture_output=True, text=True, timeout=timeout)

    def autograder(self, *args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
        return self.run(sys.executable, "-m", "autograder", *args, cwd=cwd)


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Kit:
    root = tmp_path_factory.mktemp("kit") / "kit"
    for name in tracked(ROOT):
        if name.split("/")[0] in KIT_PARTS and (ROOT / name).is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, root / name)
    before = digests(root)
    package = root / "autograder" / "exercises" / TOY
    package.mkdir()
    (package / "__init__.py").write_text(ENTRY)
    (package / f"test_{TOY}.py").write_text(GRADERS)
    (package / "catalogue.py").write_text(CATALOGUE)
    (root / "solutions" / f"{TOY}.py").write_text(REFERENCE)
    nbformat.write(toy_notebook(), root / "assignments" / f"{TOY}.ipynb")
    kit = Kit(root)
    kit.toy_files = {f"autograder/exercises/{TOY}/{n}" for n in ("__init__.py", f"test_{TOY}.py", "catalogue.py")} \
        | {f"solutions/{TOY}.py", f"assignments/{TOY}.ipynb"}
    kit.before = before
    done = kit.run(sys.executable, "-c", "import autograder, sys; from autograder.exercises import names, get; "
                   f"print(autograder.__file__); print(names()); print(get({TOY!r}).points)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith(str(root)), "the copy's kit must be the one imported"
    assert TOY in done.stdout and float(done.stdout.splitlines()[-1]) == TOY_POINTS
    return kit


@pytest.fixture(scope="module")
def filled(kit, tmp_path_factory) -> Path:
    """A student's toy notebook: the release filled in with the reference."""
    folder = tmp_path_factory.mktemp("student")
    release = notebooks.read(kit.root / "assignments" / f"{TOY}.ipynb")
    notebooks.write(notebooks.fill(release, REFERENCE), folder / f"{TOY}.ipynb")
    return folder / f"{TOY}.ipynb"


def autograde_in_nbgrader(kit: Kit, course: Path) -> list[subprocess.CompletedProcess]:
    """The README's nbgrader steps in the copy: `autograder nbgrader-course`, `nbgrader
    generate_assignment`, a student's notebook (the release filled in) submitted, `nbgrader
    autograde`; each step's process, up to the first that fails."""
    # The kernel's sandboxes get a user of their own: the other tests grade at the same time.
    env = {"AUTOGRADER_SANDBOX_UID": str(Settings.from_environment().sandbox_uid + 1 + (os.getpid() + 750) % 1000)}
    nbgrader = str(BIN / "nbgrader")
    steps = [kit.autograder("nbgrader-course", course, "--course-id", "toy-test")]
    if steps[-1].returncode == 0:
        steps.append(kit.run(nbgrader, "generate_assignment", "rnn", cwd=course, env=env))
    if steps[-1].returncode == 0:
        release = course / "release" / "rnn" / f"{TOY}.ipynb"
        submitted = course / "submitted" / "alice" / "rnn" / f"{TOY}.ipynb"
        submitted.parent.mkdir(parents=True)
        notebooks.write(notebooks.fill(notebooks.read(release), REFERENCE), submitted)
        steps.append(kit.run(nbgrader, "autograde", "rnn", cwd=course, env=env))
    return steps


@pytest.fixture(scope="module")
def toy_course(kit, tmp_path_factory):
    """The nbgrader course of the copy, autograded in the background (about 1.5 minutes of nbgrader
    processes, one at a time) while the other tests grade the toy with the kit's own commands:
    (the course, its steps' processes)."""
    course = tmp_path_factory.mktemp("toy-course") / "course"
    with ThreadPoolExecutor(1) as background:
        steps = background.submit(autograde_in_nbgrader, kit, course)
        yield course, steps
        steps.result()  # nothing of it outlives the module


def whole_unit(kit: Kit) -> float:
    done = kit.run(sys.executable, "-c", "from autograder.exercises import total_points; print(total_points())")
    assert done.returncode == 0, done.stderr
    return float(done.stdout)


@pytest.mark.usefixtures("toy_course")  # the first test of the copy starts nbgrader's grading of it
def test_grade_grades_the_toy_and_a_folder_reports_the_whole_unit(kit, filled, tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    shutil.copy(filled, folder / "Toy-Scale (1).ipynb")  # a downloaded copy, renamed by the browser
    out = tmp_path / "results.json"
    done = kit.autograder("grade", folder, "--format", "gradescope", "-o", out)
    assert done.returncode == 0, done.stderr
    results = json.loads(out.read_text())
    maximum = whole_unit(kit)
    assert maximum == total_points() + TOY_POINTS
    assert results["score"] == TOY_POINTS and sum(t["max_score"] for t in results["tests"]) == maximum
    assert f"no {exercise_names()[0]} notebook found; found: Toy-Scale (1).ipynb ({TOY})" in done.stdout + out.read_text()


def test_grade_all_grades_the_toy_for_every_student(kit, filled, tmp_path):
    klass = tmp_path / "class"
    klass.mkdir()
    shutil.copy(filled, klass / f"alice_{TOY}.ipynb")
    untouched = kit.root / "assignments" / f"{TOY}.ipynb"
    shutil.copy(untouched, klass / f"bob_{TOY}.ipynb")
    out = tmp_path / "grades"
    done = kit.autograder("grade-all", klass, "-o", out, "--jobs", "1")
    assert done.returncode == 0, done.stderr
    with open(out / "grades.csv") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {"alice", "bob"}
    assert float(rows["alice"][TOY]) == TOY_POINTS and float(rows["bob"][TOY]) == 0
    assert float(rows["alice"]["total"]) == TOY_POINTS
    assert all(float(rows["alice"][e]) == 0 for e in exercise_names())  # graded as not submitted


def test_nbgrader_course_and_autograde_grade_the_toy(toy_course):
    course, started = toy_course
    steps = started.result()
    done = steps[0]
    assert done.returncode == 0, done.stderr
    source = json.loads((course / "source" / "rnn" / f"{TOY}.ipynb").read_text())
    grading = [c for c in source["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == f"grade_{TOY}"]
    assert len(grading) == 1 and grading[0]["metadata"]["nbgrader"]["points"] == TOY_POINTS
    assert len(steps) == 3 and all(done.returncode == 0 for done in steps), steps[-1].stdout + steps[-1].stderr

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "toy-test") as gradebook:
        graded = gradebook.find_submission_notebook(TOY, "rnn", "alice")
        assert (graded.score, graded.max_score) == (TOY_POINTS, TOY_POINTS)


def test_gradescope_zip_and_run_autograder_grade_the_toy(kit, filled, tmp_path, monkeypatch):
    from test_gradescope import check_results_format, gradescope_layout, run_autograder

    archive = tmp_path / "autograder.zip"
    done = kit.autograder("gradescope-zip", "-o", archive)
    assert done.returncode == 0, done.stderr
    names = set(zipfile.ZipFile(archive).namelist())
    assert {f"kit/{name}" for name in kit.toy_files} <= names
    root = tmp_path / "autograder"
    gradescope_layout(archive, root, [filled])
    monkeypatch.setenv("PYTHONPATH", str(kit.root))  # run_autograder's Python (this venv's) imports the copy
    done = run_autograder(root)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    check_results_format(results)
    toy_tests = [t for t in results["tests"] if t["score"] > 0]
    assert results["score"] == TOY_POINTS and sum(t["max_score"] for t in toy_tests) == TOY_POINTS
    assert sum(t["max_score"] for t in results["tests"]) == total_points() + TOY_POINTS


def test_adding_the_toy_changed_no_other_file(kit):
    """Runs after the others (pytest keeps file order): whatever they did, only the toy's files are new."""
    after = digests(kit.root)
    changed = {name for name in set(after) | set(kit.before) if after.get(name) != kit.before.get(name)}
    assert changed == kit.toy_files, sorted(changed ^ kit.toy_files)


def test_class_batches_start_with_the_heaviest_exercise_and_hold_one_exercise():
    from autograder.batch.discover import Job
    from autograder.batch.workers import batches
    from autograder.exercises import registry

    jobs = [Job(f"s{n}", e, Path(f"s{n}/{e}.ipynb"), "x") for n in range(5) for e in reversed(exercise_names())]
    chunks = batches(jobs, 2)
    assert all(len({job.exercise for job in chunk}) == 1 for chunk in chunks)
    order = list(dict.fromkeys(chunk[0].exercise for chunk in chunks))
    assert order == [e.name for e in sorted(registry(), key=lambda e: -e.weight)]
    scheduled = [job for chunk in chunks for job in chunk]
    assert len(scheduled) == len(jobs) and set(scheduled) == set(jobs)


# ------------------------------------------------------------------------------- no exercise named elsewhere

# What may name an exercise: its own files (the registry entry's package, its notebook, its reference).
OWN = ("autograder/exercises/{name}/", "assignments/{name}.ipynb", "solutions/{name}.py")
CHECKED = ("autograder", "templates", "examples/make_examples.py", "Makefile", "pyproject.toml", ".ci")


def test_no_module_outside_the_registry_names_an_exercise():
    names = exercise_names()
    word = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(map(re.escape, names)) + r")(?![A-Za-z0-9])")
    offenders = []
    for name in tracked(ROOT):
        if not name.startswith(CHECKED) or not (ROOT / name).is_file():
            continue
        text = (ROOT / name).read_text(errors="replace")
        for exercise in sorted(set(word.findall(text))):
            if not any(name.startswith(own.format(name=exercise)) for own in OWN):
                offenders.append(f"{name} names {exercise}")
    assert not offenders, "derive these from the registry (autograder/exercises):\n" + "\n".join(offenders)


def test_the_templates_hold_no_points_total():
    total = re.compile(rf"(?<![\d.]){total_points():g}(?![\d.])")
    held = [name for name in tracked(ROOT) if name.startswith("templates/") and total.search((ROOT / name).read_text())]
    assert not held, f"{held} hold the unit's total {total_points():g}: fill it in from the registry (@TOTAL_POINTS@)"
