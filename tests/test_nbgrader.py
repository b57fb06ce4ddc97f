"""The real nbgrader workflow on the kit's course: the same grades as `autograder grade`.

One module-scoped course in a temporary directory, built by `autograder nbgrader-course`, then the
instructor's commands as the README lists them, each a real `nbgrader` process: generate_assignment,
zip_collect (some students' files arrive as downloads), autograde (real kernels, real sqlite
gradebook), generate_feedback, export. Every submitted notebook is also graded in-process by the
CLI's pipeline (while nbgrader autogrades), and the gradebook must agree with it to the point. The
students' side reads what nbgrader's kernels ran: the untouched release (bob) and the release
filled with the reference (alice).
"""
from __future__ import annotations

import ast
import csv
import html
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from argparse import Namespace
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytest.importorskip("nbgrader")
pytest.importorskip("nbclient")

from autograder import config, notebooks  # noqa: E402
from autograder.config import Settings  # noqa: E402
from autograder.exercises import names as exercise_names
from autograder.commands import nbgrader_course as command  # noqa: E402
from autograder.nbgrader_cell import without_hidden_tests  # noqa: E402
from autograder.nbgrader_course import BEGIN_SOLUTION, END_SOLUTION, release_form  # noqa: E402
from autograder.exercises import all_bugs
from autograder.exercises import get as get_exercise

BUGS = all_bugs()
from conftest import ASSIGNMENTS, SOLUTIONS  # noqa: E402

pytestmark = pytest.mark.slow

ASSIGNMENT = "rnn"
BIN = Path(sys.executable).parent  # nbgrader runs alembic and jupyter from the venv: put it on PATH
# The kernels' sandboxes get a user of their own: the CLI grades in this process at the same time.
UID = str(Settings.from_environment().sandbox_uid + 1 + (os.getpid() + 250) % 1000)
# as outside pytest (ipykernel forwards fd-level output only without PYTEST_CURRENT_TEST)
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"},
       "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "AUTOGRADER_SANDBOX_UID": UID}
BUG = {b.name: b for b in BUGS}


def nbgrader(course: Path, *args: str, timeout: float = 1800) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=ENV, capture_output=True,
                          text=True, timeout=timeout)


def source_of(cell: dict) -> str:
    return notebooks.cell_source(cell)


# ------------------------------------------------------------------------------- submissions

def reference(exercise: str) -> str:
    return (SOLUTIONS / f"{exercise}.py").read_text()


def filled(release: Path, exercise: str, module_source: str) -> dict:
    return notebooks.fill(notebooks.read(release / f"{exercise}.ipynb"), module_source)


def without_grading_cell(notebook: dict) -> dict:
    notebook["cells"] = [c for c in notebook["cells"] if not notebooks.is_grading_cell(c)]
    return notebook


def with_edited_grading_cell(notebook: dict, code: str) -> dict:
    """The student typed over the read-only grading cell (possible outside JupyterLab)."""
    for cell in notebook["cells"]:
        if notebooks.is_grading_cell(cell):
            cell["source"] = code
    return notebook


@dataclass
class Student:
    name: str
    notebooks: dict  # exercise -> (release dir -> notebook dict | bytes)
    via_zip: bool = False  # arrives through `nbgrader zip_collect`
    why: str = ""


# One notebook per kind of outcome (each autograded notebook costs a kernel and a sandbox, about
# 10-25 s): full and zero in every exercise, partly right in the first three (five notebooks), a
# deleted and an edited grading cell, a broken notebook, missing notebooks, files from a download.
STUDENTS = [
    Student("alice", {e: (lambda r, e=e: filled(r, e, reference(e))) for e in exercise_names()},
            why="the reference in every notebook"),
    Student("bob", {e: (lambda r, e=e: notebooks.read(r / f"{e}.ipynb")) for e in exercise_names()},
            why="the untouched release"),
    Student("carol", {
        "numpy_rnn": lambda r: without_grading_cell(filled(r, "numpy_rnn", BUG["ignores_h0"].source())),
        "rnn_shapes": lambda r: with_edited_grading_cell(
            filled(r, "rnn_shapes", BUG["ignores_num_layers"].source()),
            "print(rnn_output_shapes(2, 3, 4, 5, num_layers=2))\n"),
    }, why="deleted one grading cell, typed into another (and a bug in each notebook)"),
    Student("dave", {
        "numpy_rnn": lambda r: filled(r, "numpy_rnn", BUG["missing_bias"].source()),
        "char_rnn": lambda r: json.dumps(filled(r, "char_rnn", reference("char_rnn")))[:-300].encode(),
    }, why="a broken (truncated) char_rnn notebook, a buggy numpy_rnn one"),
    Student("frank", {"rnn_shapes": lambda r: filled(r, "rnn_shapes", BUG["hard_coded_batch_of_one"].source())},
            via_zip=True, why="copies the tutorial's batch of one"),
    Student("grace", {"char_rnn": lambda r: filled(r, "char_rnn", BUG["softmax_before_loss"].source())},
            via_zip=True, why="softmax before CrossEntropyLoss"),
]


@dataclass
class Course:
    root: Path
    seconds: dict = field(default_factory=dict)
    logs: dict = field(default_factory=dict)
    cli_scores: dict = field(default_factory=dict)

    @property
    def release(self) -> Path:
        return self.root / "release" / ASSIGNMENT

    @property
    def source(self) -> Path:
        return self.root / "source" / ASSIGNMENT

    def submitted(self, student: str, exercise: str) -> Path:
        return self.root / "submitted" / student / ASSIGNMENT / f"{exercise}.ipynb"

    def autograded(self, student: str, exercise: str) -> dict:
        return notebooks.read(self.root / "autograded" / student / ASSIGNMENT / f"{exercise}.ipynb")

    def run(self, step: str, *args: str) -> subprocess.CompletedProcess:
        started = time.monotonic()
        done = nbgrader(self.root, *args)
        self.seconds[step] = time.monotonic() - started
        self.logs[step] = done.stdout + done.stderr
        assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{self.logs[step][-4000:]}"
        return done


def grade_with_the_cli(course: Course, zygote) -> dict:
    """`autograder grade`'s result for every (student, exercise), on the very submitted files (the
    class's submissions of an exercise in one session, as grade-all batches them)."""
    from autograder.grading.run import grade_exercises

    scores = {}
    for e in exercise_names():
        paths = [course.submitted(s.name, e) for s in STUDENTS]
        results = grade_exercises(e, paths, zygote, extra_hide=sorted({p.parent for p in paths}))
        scores.update({(s.name, e): result for s, result in zip(STUDENTS, results)})
    return scores


@pytest.fixture(scope="module")
def course(tmp_path_factory, zygote) -> Course:
    """The README's steps, up to and including export, run once for the module; everything later
    only reads the results. While nbgrader autogrades (one notebook at a time), the CLI grades the
    same submitted files in this process, on the other core."""
    root = tmp_path_factory.mktemp("nbgrader") / "course"
    assert command.run(Namespace(directory=root, assignment=ASSIGNMENT, course_id="rnn-test")) == 0
    course = Course(root)
    course.run("generate_assignment", "generate_assignment", ASSIGNMENT)

    archive = root / "downloaded" / ASSIGNMENT / "archive"
    archive.mkdir(parents=True)
    with zipfile.ZipFile(archive / "lms-download.zip", "w") as zipped:
        for student in STUDENTS:
            for exercise, make in student.notebooks.items():
                made = make(course.release)
                data = made if isinstance(made, bytes) else (json.dumps(made, indent=1) + "\n").encode()
                if student.via_zip:
                    zipped.writestr(f"{student.name}_{exercise}.ipynb", data)
                else:
                    course.submitted(student.name, exercise).parent.mkdir(parents=True, exist_ok=True)
                    course.submitted(student.name, exercise).write_bytes(data)
    course.run("zip_collect", "zip_collect", ASSIGNMENT)
    with ThreadPoolExecutor(1) as background:
        autograde = background.submit(course.run, "autograde", "autograde", ASSIGNMENT)
        started = time.monotonic()
        course.cli_scores = grade_with_the_cli(course, zygote)
        course.seconds["cli"] = time.monotonic() - started
        autograde.result()
    course.run("generate_feedback", "generate_feedback", ASSIGNMENT)
    course.run("export", "export")
    notebooks_graded = sum(len(s.notebooks) for s in STUDENTS)
    print(f"\nnbgrader timings: {course.seconds}; autograde {course.seconds['autograde'] / notebooks_graded:.1f} s "
          f"per notebook ({len(STUDENTS)} students, {notebooks_graded} notebooks)")
    return course


@pytest.fixture(scope="module")
def cli_scores(course) -> dict:
    return course.cli_scores


@pytest.fixture(scope="module")
def gradebook(course):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}", "rnn-test") as gb:
        yield gb


# ------------------------------------------------------------------------------- the course's sources

def test_release_is_exactly_the_student_notebooks(course):
    for exercise in exercise_names():
        released = notebooks.read(course.release / f"{exercise}.ipynb")["cells"]
        ours = notebooks.read(ASSIGNMENTS / f"{exercise}.ipynb")["cells"]
        assert [c["cell_type"] for c in released] == [c["cell_type"] for c in ours], exercise
        for index, (a, b) in enumerate(zip(released, ours)):
            assert source_of(a) == source_of(b), f"{exercise} cell {index} differs from assignments/"


def _without_docstrings_and_annotations(node: ast.AST) -> str:
    node = ast.parse(ast.unparse(node))  # a copy
    for n in ast.walk(node):
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if n.body and isinstance(n.body[0], ast.Expr) and isinstance(getattr(n.body[0], "value", None), ast.Constant) \
                    and isinstance(n.body[0].value.value, str):
                n.body = n.body[1:] or [ast.Pass()]
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
            n.returns = None
            for a in [*n.args.posonlyargs, *n.args.args, *n.args.kwonlyargs, n.args.vararg, n.args.kwarg]:
                if a is not None:
                    a.annotation = None
    return ast.dump(node)


def test_reference_in_the_source_is_exactly_solutions(course):
    for exercise in exercise_names():
        source = notebooks.read(course.source / f"{exercise}.ipynb")
        reference_defs = notebooks.definitions(reference(exercise))
        solution_cells = [c for c in source["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
        assert {notebooks.defined_name(source_of(c)) for c in solution_cells} == set(reference_defs)
        for cell in solution_cells:
            text = source_of(cell)
            assert BEGIN_SOLUTION in text and END_SOLUTION in text
            code = "\n".join(line for line in text.split("\n") if line.strip() not in (BEGIN_SOLUTION, END_SOLUTION))
            name = notebooks.defined_name(code)
            assert _without_docstrings_and_annotations(ast.parse(code)) == \
                _without_docstrings_and_annotations(ast.parse(reference_defs[name])), f"{exercise}: {name}"
            assert release_form(text) == source_of(
                next(c for c in notebooks.read(ASSIGNMENTS / f"{exercise}.ipynb")["cells"]
                     if notebooks.defined_name(source_of(c)) == name))


def test_release_holds_no_hidden_test_and_no_reference_code(course):
    given = "\n".join(source_of(c) for e in exercise_names()
                      for c in notebooks.read(ASSIGNMENTS / f"{e}.ipynb")["cells"])
    secret_lines = set()
    for exercise in exercise_names():
        for cell in notebooks.read(course.source / f"{exercise}.ipynb")["cells"]:
            inside = False
            for line in source_of(cell).split("\n"):
                if BEGIN_SOLUTION in line or "BEGIN HIDDEN TESTS" in line:
                    inside = True
                elif END_SOLUTION in line or "END HIDDEN TESTS" in line:
                    inside = False
                elif inside and len(line.strip()) > 8 and line.strip() not in given:
                    secret_lines.add(line.strip())  # hints the students' notebooks already give are not secret
    assert len(secret_lines) >= 20  # the scan has something to look for
    files = [p for p in course.release.rglob("*") if p.is_file()]
    assert {p.name for p in files} == {f"{e}.ipynb" for e in exercise_names()}
    for path in files:
        text = path.read_text()
        for marker in ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN SOLUTION", "END SOLUTION",
                       "nbgrader_cell", "score(", "solutions"):
            assert marker not in text, f"{path.name} holds {marker!r}"
        leaked = [line for line in secret_lines if line in text]
        assert not leaked, f"{path.name} holds reference or hidden code: {leaked[:3]}"


def test_each_grading_cell_is_worth_its_graders_points(course, gradebook):
    for exercise in exercise_names():
        points = get_exercise(exercise).points
        cell = gradebook.find_grade_cell(f"grade_{exercise}", exercise, ASSIGNMENT)
        assert cell.max_score == points > 0
        assert gradebook.find_notebook(exercise, ASSIGNMENT).max_score == points
        source = notebooks.read(course.source / f"{exercise}.ipynb")
        graded = [c for c in source["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
        grading = [c for c in graded if c["metadata"]["nbgrader"]["points"] > 0]
        assert len(grading) == 1 and notebooks.is_grading_cell(grading[0])
        checks = [c for c in graded if c is not grading[0]]  # the public checks: 0 points, for Validate
        assert checks and all(source_of(c).lstrip().startswith("# Public checks") for c in checks)
        assert all(c["metadata"]["nbgrader"]["points"] == 0 for c in checks)
        assert without_hidden_tests(source_of(grading[0])).strip() == notebooks.GRADING_COMMENT


# ------------------------------------------------------------------------------- grades

@pytest.mark.parametrize("student", STUDENTS, ids=lambda s: s.name)
def test_gradebook_scores_equal_the_cli_scores(student, course, gradebook, cli_scores):
    for exercise in exercise_names():
        cli = cli_scores[(student.name, exercise)]
        graded = gradebook.find_submission_notebook(exercise, ASSIGNMENT, student.name)
        assert graded.max_score == cli.max_score
        assert graded.score == cli.score, (
            f"{student.name} ({student.why}) {exercise}: nbgrader {graded.score}, autograder {cli.score}\n"
            + "\n".join(f"  {t.name}: {t.message[:200]}" for t in cli.tests if not t.passed))


def test_the_submissions_cover_full_zero_partial_missing_and_broken(cli_scores):
    scores = {key: (r.score, r.max_score) for key, r in cli_scores.items()}
    assert all(scores[("alice", e)][0] == scores[("alice", e)][1] for e in exercise_names())
    assert all(scores[("bob", e)][0] == 0 for e in exercise_names())
    buggy = [k for k, (s, m) in scores.items() if 0 < s < m]
    # the partly right students (the ones listed above) cover the first three exercises
    assert len(buggy) >= 5 and {e for _, e in buggy} == {"numpy_rnn", "rnn_shapes", "char_rnn"}, buggy
    assert "not a valid notebook" in cli_scores[("dave", "char_rnn")].problems[0]
    assert "no file" in cli_scores[("grace", "numpy_rnn")].problems[0]


def test_a_deleted_or_edited_grading_cell_is_restored_and_graded(course):
    for exercise in ("numpy_rnn", "rnn_shapes"):
        autograded = notebooks.read(course.root / "autograded" / "carol" / ASSIGNMENT / f"{exercise}.ipynb")
        grading = [c for c in autograded["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id")
                   == f"grade_{exercise}"]
        assert len(grading) == 1 and "BEGIN HIDDEN TESTS" in source_of(grading[0])
        assert "rnn_output_shapes(2, 3" not in source_of(grading[0])
        assert [o for o in grading[0]["outputs"] if o["output_type"] == "execute_result"]


def test_a_broken_notebook_scores_zero_and_the_others_are_graded(course, gradebook):
    assert "Not autograding" in course.logs["autograde"] and "dave" in course.logs["autograde"]
    assert gradebook.find_submission_notebook("char_rnn", ASSIGNMENT, "dave").score == 0
    assert (course.root / "autograded" / "dave" / ASSIGNMENT / "numpy_rnn.ipynb").exists()


def test_export_has_one_row_per_student_with_the_cli_totals(course, cli_scores):
    with open(course.root / "grades.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["student_id"] for r in rows) == sorted(s.name for s in STUDENTS)
    for row in rows:
        total = sum(cli_scores[(row["student_id"], e)].score for e in exercise_names())
        assert float(row["score"]) == total, row
        assert float(row["max_score"]) == sum(get_exercise(e).points for e in exercise_names())


def test_feedback_for_every_student_shows_failed_tests_but_no_hidden_code(course, cli_scores):
    for student in STUDENTS:
        pages = sorted((course.root / "feedback" / student.name / ASSIGNMENT).glob("*.html"))
        graded = {e for e in student.notebooks if not (student.name == "dave" and e == "char_rnn")}
        assert {p.stem for p in pages} == graded, student.name
        for page in pages:
            text = page.read_text()
            assert "BEGIN HIDDEN TESTS" not in text and "autograder.nbgrader_cell" not in text
            result = cli_scores[(student.name, page.stem)]
            for test in result.tests:
                if not test.passed:
                    first = test.message.strip().splitlines()[0].strip()
                    assert html.escape(first, quote=False) in text or html.escape(first) in text, \
                        f"{student.name}/{page.stem}: {first!r} is not in the feedback"


def test_zip_collect_places_downloaded_files_as_submissions(course):
    downloaded = [s for s in STUDENTS if s.via_zip]
    assert downloaded and "files collected" in course.logs["zip_collect"]
    for student in downloaded:
        for exercise in student.notebooks:
            assert course.submitted(student.name, exercise).is_file()


# ------------------------------------------------------------------------------- students' side

def _run_in_kernel(notebook: dict, cwd: Path) -> dict:
    import nbformat
    from nbclient import NotebookClient

    node = nbformat.reads(json.dumps(notebook), as_version=4)
    NotebookClient(node, timeout=300, allow_errors=True, kernel_name="python3",
                   resources={"metadata": {"path": str(cwd)}}).execute(env=ENV)
    return node


def _errors(cell) -> list[str]:
    return [o["ename"] + ": " + o["evalue"] for o in cell.get("outputs", []) if o["output_type"] == "error"]


def _as_released(notebook: dict) -> list[str]:
    return [source_of(c) for c in notebook["cells"] if not notebooks.is_grading_cell(c)]


def test_release_public_checks_fail_clearly_in_a_real_kernel_until_filled_in(course):
    """bob's notebooks are the untouched release, as nbgrader's kernels ran them."""
    for exercise in exercise_names():
        release = notebooks.read(course.release / f"{exercise}.ipynb")
        ran = course.autograded("bob", exercise)
        assert _as_released(ran) == _as_released(release)
        checks = [c for c in ran["cells"] if source_of(c).startswith("# Public checks")]
        assert checks
        for cell in checks:
            assert any(e.startswith("NotImplementedError") for e in _errors(cell)), (exercise, _errors(cell))
        # the release's grading cell has no code, so it prints nothing when the student runs it
        grading = [c for c in release["cells"] if notebooks.is_grading_cell(c)]
        assert len(grading) == 1 and not ast.parse(source_of(grading[0])).body


def test_release_filled_with_the_reference_passes_every_check_in_a_real_kernel(course):
    """alice's notebooks are the release filled with the reference, as nbgrader's kernels ran them."""
    for exercise in exercise_names():
        ran = course.autograded("alice", exercise)
        assert _as_released(ran) == _as_released(filled(course.release, exercise, reference(exercise)))
        failures = [(i, _errors(c)) for i, c in enumerate(ran["cells"]) if _errors(c)]
        assert not failures, (exercise, failures)
        printed = "".join("".join(o.get("text", "")) for c in ran["cells"] if not notebooks.is_grading_cell(c)
                          for o in c.get("outputs", []))  # an output's text may be stored as lines
        assert printed.count("public checks passed") == len(notebooks.stub_cells(ran))


def test_nbgrader_validate_with_default_flags_names_the_failing_public_checks(course, tmp_path):
    """What the JupyterLab Validate button shows (it runs the same nbgrader Validator): success for
    a complete correct notebook, and for an untouched or a buggy one the public checks that fail."""
    transposed = reference("numpy_rnn").replace("Wh @ h_prev", "Wh.T @ h_prev")
    cases = {"done": filled(course.release, "numpy_rnn", reference("numpy_rnn")),
             "todo": notebooks.read(course.release / "numpy_rnn.ipynb"),
             "buggy": filled(course.release, "numpy_rnn", transposed)}
    for name, notebook in cases.items():
        (tmp_path / name).mkdir()
        notebooks.write(notebook, tmp_path / name / "numpy_rnn.ipynb")
    # One nbgrader process validates the three in turn (its start-up alone takes seconds), each as
    # the button validates one; its report on each starts with its verdict.
    ran = nbgrader(tmp_path, "validate", *(str(tmp_path / name / "numpy_rnn.ipynb") for name in cases))
    assert ran.returncode == 0, ran.stdout + ran.stderr
    reports = re.split(r"(?=Success! Your notebook|VALIDATION FAILED ON)", ran.stdout)[1:]
    assert len(reports) == len(cases), ran.stdout
    done, todo, buggy = reports
    assert "Success! Your notebook passes all the tests." in done and "failed" not in done, done
    assert "VALIDATION FAILED" in todo and "Success!" not in todo, todo
    checks = [c for c in cases["todo"]["cells"] if source_of(c).lstrip().startswith("# Public checks")]
    assert todo.count("The following cell failed") == len(checks), todo
    assert "NotImplementedError" in todo and "Public checks" in todo, todo
    failed = buggy.split("The following cell failed:")[1:]
    assert "VALIDATION FAILED" in buggy and failed, buggy
    assert any("h = rnn_cell_step(" in cell for cell in failed), buggy  # the cell step's own check
    assert not any("init_rnn_params(5, 8, seed=0)" in cell for cell in failed), buggy


# ------------------------------------------------------------------------------- pieces

def test_without_hidden_tests_keeps_what_the_student_saw():
    cell = "# comment\n### BEGIN HIDDEN TESTS\nfrom x import score\nscore('a')\n### END HIDDEN TESTS\nprint(1)"
    assert without_hidden_tests(cell) == "# comment\nprint(1)"
    assert without_hidden_tests("x = 1") == "x = 1"


def test_builder_refuses_notebooks_without_a_grading_cell(monkeypatch, tmp_path):
    from autograder import nbgrader_course

    for exercise in exercise_names():
        notebook = notebooks.read(ASSIGNMENTS / f"{exercise}.ipynb")
        notebooks.write(without_grading_cell(notebook), tmp_path / f"{exercise}.ipynb")
    monkeypatch.setattr(config, "RELEASE_DIR", tmp_path)  # where every Exercise.notebook is
    with pytest.raises(nbgrader_course.CourseError, match="no grading cell"):
        nbgrader_course.source_notebook("rnn_shapes", points=10)


def test_score_outside_a_kernel_returns_zero_and_says_why(capsys):
    from autograder.nbgrader_cell import score

    assert score("rnn_shapes", points=10) == 0.0
    out, err = capsys.readouterr()
    assert "could not grade rnn_shapes" in out and err == ""


def test_score_sends_stderr_of_grading_and_its_child_processes_to_stdout(tmp_path):
    """In a real kernel: fd-level stderr (e.g. of the zygote) would zero the cell in nbgrader."""
    cells = ["from autograder import nbgrader_cell\nimport subprocess, sys\n"
             "def fake(exercise, points):\n"
             "    subprocess.run(['sh', '-c', 'echo from-a-child >&2'])\n"
             "    print('from-python', file=sys.stderr)\n"
             "    return 4.0, 'the report\\n'\n"
             "nbgrader_cell._grade = fake\n"
             "nbgrader_cell.score('rnn_shapes', points=10)",
             "import subprocess\nsubprocess.run(['sh', '-c', 'echo after >&2']); None"]
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None,
                           "outputs": [], "source": c} for i, c in enumerate(cells)]}
    ran = _run_in_kernel(notebook, tmp_path)
    grading, after = ran.cells
    streams = [o for o in grading.outputs if o["output_type"] == "stream"]
    stdout = "".join(o["text"] for o in streams)
    assert {o["name"] for o in streams} == {"stdout"}
    assert "from-a-child" in stdout and "from-python" in stdout and "the report" in stdout
    assert [o["data"]["text/plain"] for o in grading.outputs if o["output_type"] == "execute_result"] == ["4.0"]
    assert [o["name"] for o in after.outputs if o["output_type"] == "stream"] == ["stderr"]  # fd 2 restored
