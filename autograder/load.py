"""Step 1 of grading: turn a submission file into the code cells the sandbox will run.

A notebook gives its code cells (IPython magics and shell lines turned into calls of a stub
get_ipython(), which does nothing); a .py file is one cell. A folder holds one file per exercise.
Nothing here runs student code.
"""
from __future__ import annotations

import ast
import functools
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import notebooks
from .config import Settings
from .exercises import get as get_exercise
from .submitted_files import Refused, read_submitted


class SubmissionError(Exception):
    """A submission that cannot be read; the message is for the student."""


@dataclass
class Source:
    path: Path
    cells: list[tuple[int, str]]          # (cell number as Jupyter shows it, 1-based; code)
    module_name: str = "__main__"         # a .py file runs as a module, so its __main__ block does not
    problems: list[str] = field(default_factory=list)
    limits: list[str] = field(default_factory=list)   # trusted-side limits the file hit


def load_source(path: Path, exercise: str | None = None, root: Path | None = None,
                settings: Settings = Settings()) -> Source:
    """The cells of a notebook or .py file; SubmissionError with a plain message if unreadable.

    Given the exercise, a notebook's unchanged public-check and demonstration cells are left out:
    they are the kit's code, not the student's, and only test or show the student's functions.
    root: the folder handed in (a class's folder); nothing below it is read through a link.
    """
    try:
        text = read_submitted(path, root).decode("utf-8", errors="replace")
    except Refused as refused:
        raise SubmissionError(str(refused)) from None
    if path.suffix == ".ipynb":
        budget = _IPythonBudget(settings.max_ipython_lines, settings.max_ipython_cell_bytes)
        return _notebook_source(path, text, kit_cells(exercise) if exercise else frozenset(), budget)
    return Source(path, [(1, text)], module_name="submission")


@functools.lru_cache(maxsize=None)
def kit_cells(exercise: str) -> frozenset[str]:
    """The release's code cells that only use the student's functions (checks, demonstrations):
    not the imports, not the stubs."""
    release = get_exercise(exercise).notebook
    if not release.is_file():
        return frozenset()
    found = set()
    for cell in notebooks.read(release)["cells"]:
        code = notebooks.cell_source(cell).strip()
        if cell.get("cell_type") != "code" or not code or notebooks.defined_name(code):
            continue
        try:
            body = ast.parse(code).body
        except SyntaxError:
            continue
        if not all(isinstance(node, (ast.Import, ast.ImportFrom)) for node in body):
            found.add(code)
    return frozenset(found)


def _invalid(path: Path, why: str) -> SubmissionError:
    return SubmissionError(f"{path.name} is not a valid notebook{why}; "
                           "re-download it from JupyterLab with File > Download")


def notebook_cells(path: Path, text: str) -> list[dict]:
    """The cells of a notebook file's text (older nbformat versions upgraded to 4), each checked to
    be a well-formed cell; SubmissionError saying what is wrong otherwise."""
    try:
        notebook = json.loads(text)
    except ValueError as error:
        raise _invalid(path, f" (not JSON: {error})") from None
    except RecursionError:
        raise _invalid(path, " (not JSON a notebook can hold: nested too deeply)") from None
    if not isinstance(notebook, dict):
        raise _invalid(path, ": it has no list of cells")
    version = notebook.get("nbformat", 4)
    if type(version) is not int or version > 4:
        raise _invalid(path, f": its nbformat version {str(version)[:20]!r} is not one this kit reads (4 or older)")
    if version < 4:
        notebook = _upgraded(path, notebook)
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        raise _invalid(path, ": it has no list of cells")
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise _invalid(path, f": cell {number} is not a cell (no cell_type)")
        source = cell.get("source", "")
        if not (isinstance(source, str) or isinstance(source, list) and all(isinstance(s, str) for s in source)):
            raise _invalid(path, f": the source of cell {number} is not text")
        outputs = cell.get("outputs", [])
        if not (isinstance(outputs, list) and all(isinstance(o, dict) and isinstance(o.get("output_type"), str)
                                                  for o in outputs)):
            raise _invalid(path, f": the outputs of cell {number} are malformed")
        if not isinstance(cell.get("metadata", {}), dict):
            raise _invalid(path, f": the metadata of cell {number} is not an object")
    return cells


def _upgraded(path: Path, notebook: dict) -> dict:
    """A notebook of nbformat 1-3 as nbformat 4 (worksheets flattened, "input" -> "source")."""
    import nbformat
    from traitlets.log import get_logger

    log = get_logger()  # nbformat logs what its schema finds wrong; the checks below say it plainly
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        return nbformat.convert(nbformat.from_dict(notebook), 4)
    except Exception as error:  # whatever the old file holds: it is the student's file, not the kit
        raise _invalid(path, f": it is in nbformat {str(notebook.get('nbformat'))[:20]} and could not be "
                             f"upgraded ({type(error).__name__})") from None
    finally:
        log.setLevel(level)


def _notebook_source(path: Path, text: str, skip: frozenset[str], budget: "_IPythonBudget") -> Source:
    code_cells = []
    for number, cell in enumerate(notebook_cells(path, text), start=1):
        if cell["cell_type"] != "code":
            continue
        source = notebooks.cell_source(cell)
        if source.strip() and source.strip() not in skip and not _locked(cell):
            code_cells.append((number, budget.plain_python(number, source)))
    if not code_cells:
        raise SubmissionError(f"{path.name} has no code cells")
    return Source(path, code_cells, problems=budget.problems(), limits=budget.limits())


def _locked(cell: dict) -> bool:
    """A read-only nbgrader cell (public checks, the grading cell): nbgrader puts back its released
    form, which only tests the student's code, so an edited copy is not the student's code either."""
    meta = cell.get("metadata")
    meta = meta.get("nbgrader") if isinstance(meta, dict) else None
    return isinstance(meta, dict) and meta.get("locked") is True and not meta.get("solution")


# A line IPython would rewrite: a magic, a shell escape or help (%, !, ?, and autocall's , ; /) at
# its start, an assignment of one (x = !ls, y = %time f()), help at its end, or a prompt (>>>, In [1]:)
_IPYTHON_LINE = re.compile(r"^[ \t]*(?:[%!?,;/]|>>>|In \[\d*\]:)|=[ \t]*[%!]|\?[ \t]*$", re.MULTILINE)


class _IPythonBudget:
    """IPython's transformer runs on the trusted side and re-reads the whole cell for each line it
    rewrites: only cells that need it, up to `lines` lines per notebook, in cells of at most
    `cell_bytes`. Other cells run as they are (and report a SyntaxError)."""

    def __init__(self, lines: int, cell_bytes: int) -> None:
        self.lines, self.cell_bytes = lines, cell_bytes
        self.left = lines
        self.over: list[int] = []

    def plain_python(self, number: int, cell: str) -> str:
        """IPython syntax (%magic, !shell, %%cell magics) as Python that calls get_ipython()."""
        lines = len(_IPYTHON_LINE.findall(cell))
        if not lines and not cell.lstrip("\r\n")[:1].isspace():  # IPython also dedents an indented cell
            return cell
        if len(cell.encode("utf-8", "replace")) > self.cell_bytes or lines > self.left:
            self.over.append(number)
            return cell
        self.left -= max(lines, 1)
        try:
            ast.parse(cell)
            return cell  # plain Python already
        except (SyntaxError, ValueError):
            pass
        from IPython.core.inputtransformer2 import TransformerManager

        try:
            return TransformerManager().transform_cell(cell)
        except Exception:  # leave it as it is: running it will report the syntax error
            return cell

    def problems(self) -> list[str]:
        if not self.over:
            return []
        cells = ", ".join(map(str, self.over[:10])) + (", ..." if len(self.over) > 10 else "")
        return [f"IPython syntax (%magic, !shell) is only read in {self.lines} lines per notebook, "
                f"in cells of at most {self.cell_bytes // 2**10} KiB: cell(s) {cells} ran as plain "
                "Python; move the Python code out of cells with magics"]

    def limits(self) -> list[str]:
        return ["IPython syntax limit"] if self.over else []
