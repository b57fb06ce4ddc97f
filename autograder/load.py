"""Step 1 of grading: turn a submission file into the code cells the sandbox will run.

A notebook gives its code cells (IPython magics and shell lines turned into calls of a stub
get_ipython(), which does nothing); a .py file is one cell. A folder holds one file per exercise.
Nothing here runs student code.
"""
from __future__ import annotations

import ast
import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

from . import config, notebooks

MAX_SOURCE_BYTES = 20 * 2**20


class SubmissionError(Exception):
    """A submission that cannot be read; the message is for the student."""


@dataclass
class Source:
    path: Path
    cells: list[tuple[int, str]]          # (cell number as Jupyter shows it, 1-based; code)
    module_name: str = "__main__"         # a .py file runs as a module, so its __main__ block does not
    problems: list[str] = field(default_factory=list)


def exercise_files(path: Path, exercises: list[str] | None = None) -> dict[str, Path]:
    """Which file of a submission holds which exercise.

    A file names its exercise (numpy_rnn.ipynb, char_rnn_final.py); a folder is searched for
    such files, notebooks first. An explicit exercise list assigns a single file to it.
    """
    if path.is_file():
        if exercises:
            return {e: path for e in exercises}
        named = [e for e in config.EXERCISES if e in path.stem]
        if not named:
            raise SubmissionError(f"cannot tell which exercise {path.name} is: name it after one of "
                                  f"{', '.join(config.EXERCISES)} or pass --exercise")
        return {named[0]: path}
    if not path.is_dir():
        raise SubmissionError(f"{path} does not exist")
    candidates = sorted(
        (p for p in path.rglob("*") if p.suffix in (".ipynb", ".py") and p.is_file()
         and ".ipynb_checkpoints" not in p.parts),
        key=lambda p: (p.suffix != ".ipynb", len(p.parts), p.name),
    )
    found: dict[str, Path] = {}
    for exercise in exercises or config.EXERCISES:
        matches = [p for p in candidates if p.stem == exercise] or [p for p in candidates if exercise in p.stem]
        if matches:
            found[exercise] = matches[0]
        elif exercises:
            found[exercise] = path / f"{exercise}.ipynb"  # graded as missing, with a message
    return found


def load_source(path: Path, exercise: str | None = None) -> Source:
    """The cells of a notebook or .py file; SubmissionError with a plain message if unreadable.

    Given the exercise, a notebook's unchanged public-check and demonstration cells are left out:
    they are the kit's code, not the student's, and only test or show the student's functions.
    """
    if not path.is_file():
        raise SubmissionError(f"no file {path.name} was submitted")
    if path.stat().st_size > MAX_SOURCE_BYTES:
        raise SubmissionError(f"{path.name} is larger than {MAX_SOURCE_BYTES // 2**20} MB")
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError as error:
        raise SubmissionError(f"cannot read {path.name}: {error.strerror}") from None
    if path.suffix == ".ipynb":
        return _notebook_source(path, text, kit_cells(exercise) if exercise else frozenset())
    return Source(path, [(1, text)], module_name="submission")


@functools.lru_cache(maxsize=None)
def kit_cells(exercise: str) -> frozenset[str]:
    """The release's code cells that only use the student's functions (checks, demonstrations):
    not the imports, not the stubs."""
    release = config.RELEASE_DIR / f"{exercise}.ipynb"
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


def _notebook_source(path: Path, text: str, skip: frozenset[str] = frozenset()) -> Source:
    try:
        notebook = json.loads(text)
    except ValueError as error:
        raise SubmissionError(f"{path.name} is not a valid notebook (not JSON: {error}); "
                              "re-download it from JupyterLab with File > Save") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise SubmissionError(f"{path.name} is not a valid notebook: it has no list of cells")
    code_cells = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if isinstance(source, str) and source.strip() and source.strip() not in skip and not _locked(cell):
            code_cells.append((number, _plain_python(source)))
    if not code_cells:
        raise SubmissionError(f"{path.name} has no code cells")
    return Source(path, code_cells)


def _locked(cell: dict) -> bool:
    """A read-only nbgrader cell (public checks, the grading cell): nbgrader puts back its released
    form, which only tests the student's code, so an edited copy is not the student's code either."""
    meta = cell.get("metadata")
    meta = meta.get("nbgrader") if isinstance(meta, dict) else None
    return isinstance(meta, dict) and meta.get("locked") is True and not meta.get("solution")


def _plain_python(cell: str) -> str:
    """IPython syntax (%magic, !shell, %%cell magics) as Python that calls get_ipython()."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return TransformerManager().transform_cell(cell)
    except Exception:  # leave it as it is: running it will report the syntax error
        return cell
