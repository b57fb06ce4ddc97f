"""The student notebooks as a structure: which cell holds which stub, and filling stubs with code.

Each contract function (or class) has a code cell of its own in assignments/*.ipynb; `fill` puts
a module's definition of the same name in its place (the reference, a buggy variant, ...).
"""
from __future__ import annotations

import ast
import copy
import json
from pathlib import Path

# The whole release form of each notebook's last code cell: nbgrader's autograded test cell, whose
# hidden part (see autograder/nbgrader_course.py) grades the notebook when it is collected.
GRADING_COMMENT = "# This cell grades your notebook when it is collected: leave it as it is."


def read(path: Path) -> dict:
    return json.loads(Path(path).read_text())


def write(notebook: dict, path: Path) -> None:
    Path(path).write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")


def cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def defined_name(code: str) -> str | None:
    """The name a cell defines when it holds exactly one top-level def or class."""
    try:
        body = ast.parse(code).body
    except SyntaxError:
        return None
    if len(body) == 1 and isinstance(body[0], (ast.FunctionDef, ast.ClassDef)):
        return body[0].name
    return None


def definitions(module_source: str) -> dict[str, str]:
    """Top-level def and class sources of a module, by name (decorators included)."""
    tree = ast.parse(module_source)
    lines = module_source.splitlines(keepends=True)
    found = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            found[node.name] = "".join(lines[start - 1:node.end_lineno]).rstrip("\n")
    return found


def is_grading_cell(cell: dict) -> bool:
    """The notebook's grading cell: a code cell whose first line is GRADING_COMMENT."""
    lines = cell_source(cell).strip().splitlines()
    return cell.get("cell_type") == "code" and bool(lines) and lines[0].strip() == GRADING_COMMENT


def stub_cells(notebook: dict) -> dict[str, int]:
    """Index of the cell defining each stub, by name."""
    return {name: i for i, cell in enumerate(notebook["cells"])
            if cell.get("cell_type") == "code" and (name := defined_name(cell_source(cell)))}


def fill(notebook: dict, module_source: str) -> dict:
    """A copy of the notebook whose stub cells hold the module's definitions instead."""
    filled = copy.deepcopy(notebook)
    code = definitions(module_source)
    for name, index in stub_cells(filled).items():
        if name in code:
            filled["cells"][index]["source"] = code[name]
    return filled
