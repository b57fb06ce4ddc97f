"""Build a real nbgrader course for the unit from the kit's single sources.

    build_course(Path("course"))  ->  course/nbgrader_config.py
                                      course/source/rnn/<exercise>.ipynb, one per registered exercise

Each source notebook is the student notebook of assignments/ with nbgrader's metadata and
  * every stub (`# YOUR CODE HERE` / `raise NotImplementedError()`) replaced by the body of the
    reference function in solutions/ between `### BEGIN SOLUTION` and `### END SOLUTION`, so that
    `nbgrader generate_assignment` turns it back into exactly the cell of assignments/;
  * public check cells and markdown cells read-only;
  * the last cell, `grade_<exercise>`, an autograded test cell worth the exercise's points (the sum
    of its graders' `@pytest.mark.points`), whose hidden part calls
    autograder.nbgrader_cell.score: the same graders, sandbox and scores as `autograder grade`.
Nothing here needs nbgrader itself; the course's nbgrader_config.py imports
autograder.nbgrader_plugins.
"""
from __future__ import annotations

import ast
import copy
import re
from pathlib import Path

from . import notebooks
from .exercises import get as get_exercise, names as exercise_names
from .nbgrader_cell import BEGIN_HIDDEN, END_HIDDEN

DEFAULT_ASSIGNMENT = "rnn"
COURSE_ID = "rnn-unit"
EXECUTE_TIMEOUT_S = 300  # per cell; a grading cell takes < 30 s here, its sandbox at most ~100 s

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")  # nbgrader's code_stub for python
GRADING_COMMENT = notebooks.GRADING_COMMENT
PUBLIC_CHECKS = "# Public checks"

CONFIG_TEMPLATE = '''\
"""nbgrader configuration of the {course_id} course, written by `autograder nbgrader-course`.

Rebuild the course (rather than editing its notebooks) when the kit's notebooks, reference
solutions or graders change: they are its single sources.
"""
import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (CheckCellMetadata, ClearHiddenTests, ClearOutput, DeduplicateIds,
                                    GetGrades, OverwriteKernelspec)

from autograder.nbgrader_plugins import RestoreDeletedGradeCells, skip_unreadable_notebooks

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)
HERE = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "{course_id}"
c.CourseDirectory.root = HERE
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(HERE, "gradebook.db")

# One Python kernel per notebook runs the submission and then its grading cell, which grades the
# executed code in the kit's sandbox. A cell that runs longer than this is interrupted.
c.Execute.timeout = {timeout}
# torch's intra-op threads make the tiny char-RNN trainings in those kernels up to 10x slower on a
# busy machine; one thread each (the sandbox uses one anyway) does not change any grade.
os.environ.setdefault("OMP_NUM_THREADS", "1")

# A deleted grading cell is put back (after the nearest cell that is still there) and graded.
c.OverwriteCells.add_missing_cells = True
c.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, OverwriteKernelspec,
                                      RestoreDeletedGradeCells, CheckCellMetadata]
# A notebook that is not a readable notebook (e.g. not JSON) scores 0 instead of stopping the
# student's other notebooks from being graded.
c.Autograde.pre_convert_hook = skip_unreadable_notebooks

# Feedback shows each grading cell's report (every failed test's message) but not the hidden call.
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]

# nbgrader zip_collect: files downloaded from an LMS, placed in downloaded/<assignment>/archive/
# (loose or in .zip files), named <student>_<notebook>.ipynb, e.g. alice_{example}.ipynb.
c.FileNameCollectorPlugin.named_regexp = r"^.*/(?P<student_id>[^/_]+)_(?P<file_id>[^/]+\\.ipynb)$"
'''


class CourseError(Exception):
    """The kit's sources do not fit together (a stub without a reference, ...)."""


# ------------------------------------------------------------------------------- solution cells

def _function_nodes(tree: ast.AST) -> dict[str, ast.FunctionDef]:
    """Top-level functions and methods of top-level classes, by qualified name (Net.forward)."""
    found = {}
    for node in getattr(tree, "body", []):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node.name] = node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    found[f"{node.name}.{item.name}"] = item
    return found


def _is_docstring(statement: ast.stmt) -> bool:
    return (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str))


def _body(function: ast.FunctionDef) -> list[ast.stmt]:
    body = function.body
    return body[1:] if body and _is_docstring(body[0]) else list(body)


def reference_body(reference: ast.FunctionDef, reference_lines: list[str], given: list[ast.stmt]) -> list[str]:
    """The reference function's body as lines at indentation 0: no docstring and none of the
    statements the stub already has (`given`, e.g. super().__init__()); comments kept."""
    body = _body(reference)
    skip = 0
    while skip < len(given) and skip < len(body) and ast.dump(body[skip]) == ast.dump(given[skip]):
        skip += 1
    if skip < len(given):
        raise CourseError(f"the stub of {reference.name} has statements the reference does not start with")
    rest = body[skip:]
    if not rest:
        raise CourseError(f"the reference {reference.name} has no body beyond the stub's")
    first = rest[0]
    start = min([first.lineno, *(d.lineno for d in getattr(first, "decorator_list", []))])
    floor = (body[skip - 1].end_lineno if skip else
             reference.body[0].end_lineno if reference.body and _is_docstring(reference.body[0]) else reference.lineno)
    while start - 1 > floor and reference_lines[start - 2].strip().startswith("#"):
        start -= 1  # comment lines just above the first statement belong to it
    indent = first.col_offset
    out = []
    for line in reference_lines[start - 1:rest[-1].end_lineno]:
        if not line.strip():
            out.append("")
        elif line[:indent].strip() == "":
            out.append(line[indent:])
        else:
            raise CourseError(f"cannot re-indent the reference {reference.name}: {line!r}")
    return out


def solution_source(stub_cell: str, reference_module: str) -> str:
    """The stub cell with each stub replaced by the reference code between solution markers."""
    reference_tree = ast.parse(reference_module)
    references = _function_nodes(reference_tree)
    reference_lines = reference_module.splitlines()
    stub_functions = _function_nodes(ast.parse(stub_cell))
    lines = stub_cell.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == STUB[0] and i + 1 < len(lines) and lines[i + 1].strip() == STUB[1]:
            indent = line[:len(line) - len(line.lstrip())]
            if lines[i + 1] != indent + STUB[1]:
                raise CourseError(f"misaligned stub lines in: {stub_cell[:60]!r}")
            raise_line = i + 2  # 1-based line of `raise NotImplementedError()`
            owners = [(name, f) for name, f in stub_functions.items()
                      if any(isinstance(s, ast.Raise) and s.lineno == raise_line for s in f.body)]
            if len(owners) != 1:
                raise CourseError(f"cannot tell which function the stub on line {raise_line} belongs to")
            name, stub_function = owners[0]
            if name not in references:
                raise CourseError(f"solutions/ has no reference for {name}")
            given = [s for s in _body(stub_function) if s.lineno < raise_line - 1]
            body = reference_body(references[name], reference_lines, given)
            out.append(indent + BEGIN_SOLUTION)
            out += [indent + b if b else "" for b in body]
            out.append(indent + END_SOLUTION)
            i += 2
        else:
            out.append(line)
            i += 1
    return "\n".join(out)


def release_form(source: str) -> str:
    """What nbgrader's ClearSolutions and ClearHiddenTests make of a cell (python stub)."""
    out, inside = [], None
    for line in source.split("\n"):
        if inside is None and "BEGIN SOLUTION" in line:
            indent = re.match(r"\s*", line).group(0)
            out += [indent + s for s in STUB]
            inside = "END SOLUTION"
        elif inside is None and "BEGIN HIDDEN TESTS" in line:
            inside = "END HIDDEN TESTS"
        elif inside is not None:
            if inside in line:
                inside = None
        else:
            out.append(line)
    return "\n".join(out)


# ------------------------------------------------------------------------------- notebooks

def _nbgrader(grade_id: str, *, solution: bool = False, locked: bool = False, points: float | None = None) -> dict:
    meta = {"grade": points is not None, "grade_id": grade_id, "locked": locked,
            "schema_version": 3, "solution": solution, "task": False}
    if points is not None:
        meta["points"] = int(points) if float(points).is_integer() else points
    return meta


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def hidden_call(exercise: str, points: float) -> str:
    points_text = f"{int(points)}" if float(points).is_integer() else repr(points)
    return (f"from autograder.nbgrader_cell import score\n"
            f"score({exercise!r}, points={points_text})")


def source_notebook(exercise: str, points: float | None = None) -> dict:
    """The nbgrader source notebook of one exercise, from assignments/ and solutions/."""
    release = notebooks.read(get_exercise(exercise).notebook)
    reference = get_exercise(exercise).reference.read_text()
    points = get_exercise(exercise).points if points is None else points
    notebook = copy.deepcopy(release)
    last_stub = None
    grading = None
    seen: set[str] = set()

    def unique(grade_id: str) -> str:
        if grade_id in seen:
            raise CourseError(f"{exercise}: two cells would be called {grade_id}")
        seen.add(grade_id)
        return grade_id

    for index, cell in enumerate(notebook["cells"]):
        text = notebooks.cell_source(cell)
        cell_id = cell.get("id") or f"cell{index}"
        metadata = cell.setdefault("metadata", {})
        if cell["cell_type"] == "markdown":
            metadata["nbgrader"] = _nbgrader(unique(f"text_{cell_id}"), locked=True)
        elif cell["cell_type"] != "code":
            continue
        elif notebooks.is_grading_cell(cell):
            if grading is not None:
                raise CourseError(f"{exercise}: more than one grading cell")
            grading = index
            cell["source"] = _lines("\n".join([GRADING_COMMENT, BEGIN_HIDDEN, hidden_call(exercise, points), END_HIDDEN]))
            metadata["nbgrader"] = _nbgrader(unique(f"grade_{exercise}"), locked=True, points=points)
        elif STUB[0] in text:
            name = notebooks.defined_name(text)
            if name is None:
                raise CourseError(f"{exercise}: stub cell {index} does not define exactly one function or class")
            solved = solution_source(text, reference)
            if release_form(solved) != text:
                raise CourseError(f"{exercise}: the solution cell of {name} does not clear back to its stub")
            cell["source"] = _lines(solved)
            metadata["nbgrader"] = _nbgrader(unique(f"solution_{name}"), solution=True)
            last_stub = name
        elif text.lstrip().startswith(PUBLIC_CHECKS):
            # An autograded test cell worth 0 points: nbgrader's Validate (the JupyterLab button and
            # `nbgrader validate` with default flags) runs it and reports it when it fails, and no
            # grade changes (the grading cell gives every point).
            checks = f"checks_{last_stub or cell_id}"  # a function's second check cell: by its id
            metadata["nbgrader"] = _nbgrader(unique(f"checks_{cell_id}" if checks in seen else checks),
                                             locked=True, points=0)
        # other code cells (imports, demonstrations) stay ordinary cells students may change
    if grading is None:
        raise CourseError(f"{exercise}: {get_exercise(exercise).notebook.name} has no grading cell "
                          f"(a code cell holding only {GRADING_COMMENT!r})")
    if grading != max(i for i, c in enumerate(notebook["cells"]) if c["cell_type"] == "code"):
        raise CourseError(f"{exercise}: the grading cell must be the last code cell")
    for cell in notebook["cells"]:
        for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS"):
            if cell["cell_type"] == "markdown" and marker in notebooks.cell_source(cell):
                raise CourseError(f"{exercise}: a markdown cell mentions {marker}, which nbgrader would strip")
    return notebook


def config_text(course_id: str = COURSE_ID) -> str:
    return CONFIG_TEMPLATE.format(course_id=course_id, timeout=EXECUTE_TIMEOUT_S, example=exercise_names()[0])


def build_course(directory: Path, assignment: str = DEFAULT_ASSIGNMENT, course_id: str = COURSE_ID,
                 exercises: tuple[str, ...] | None = None) -> list[Path]:
    """Write DIR/nbgrader_config.py and DIR/source/<assignment>/<exercise>.ipynb; return the files.

    Everything else of the course (release/, submitted/, autograded/, feedback/, gradebook.db) is
    nbgrader's and left alone; the source notebooks are rewritten.
    """
    if not re.fullmatch(r"[A-Za-z0-9_-]+", assignment):
        raise CourseError(f"assignment name {assignment!r}: use letters, digits, - and _ only")
    directory = Path(directory)
    source = directory / "source" / assignment
    source.mkdir(parents=True, exist_ok=True)
    written = [directory / "nbgrader_config.py"]
    written[0].write_text(config_text(course_id))
    for exercise in exercises or exercise_names():
        path = source / f"{exercise}.ipynb"
        notebooks.write(source_notebook(exercise), path)
        written.append(path)
    return written
