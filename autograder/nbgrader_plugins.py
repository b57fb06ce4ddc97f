"""Two small additions to nbgrader's autograde, used by the course's nbgrader_config.py.

* RestoreDeletedGradeCells: nbgrader's OverwriteCells with `add_missing_cells` puts a deleted grade
  cell back after "the previous grade or solution cell", and fails the student's whole
  assignment (KeyError) when the cell just before it in the source is a read-only cell, as it is
  here (the "## Grading" text). This puts it back after the nearest earlier cell of the source
  that the submission still has, or at the end.
* skip_unreadable_notebooks: one notebook nbgrader cannot read (not JSON, no cells) makes
  autograde fail all of the student's notebooks. This pre-convert hook leaves such a notebook
  out, so it scores 0 (as `autograder grade` gives it) and the others are graded.
"""
from __future__ import annotations

import sys
from typing import Any

import nbformat
from nbgrader import utils
from nbgrader.preprocessors import OverwriteCells

class RestoreDeletedGradeCells(OverwriteCells):
    """OverwriteCells whose deleted grade cells are put back without failing the submission."""

    def add_missing_grade_cells(self, nb, resources):
        source_notebook = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_cells = list(source_notebook.source_cells)
        grade_cells = {cell.name: cell for cell in source_notebook.grade_cells}
        solution_ids = {cell.name for cell in source_notebook.solution_cells}
        for position, source_cell in enumerate(source_cells):
            if source_cell.name not in grade_cells:
                continue
            present = {cell.metadata["nbgrader"]["grade_id"]: index for index, cell in enumerate(nb.cells)
                       if cell.metadata.get("nbgrader", {}).get("grade_id")}
            if source_cell.name in present:
                continue
            self.log.warning("Missing grade cell %s encountered, adding it back to the notebook", source_cell.name)
            restored = self.missing_cell_transform(source_cell, grade_cells[source_cell.name].max_score,
                                                   is_solution=source_cell.name in solution_ids)
            earlier = [present[c.name] for c in source_cells[:position] if c.name in present]
            nb.cells.insert(max(earlier) + 1 if earlier else len(nb.cells), restored)
        return nb, resources


def readable(path: str) -> str | None:
    """None when nbgrader can read the notebook at `path`, else why not."""
    try:
        notebook = nbformat.read(path, as_version=4)
        if not isinstance(notebook.get("cells"), list):
            return "it has no list of cells"
        for cell in notebook.cells:
            if "nbgrader" in cell.get("metadata", {}):
                utils.is_grade(cell)  # nbgrader reads these fields of every cell
    except Exception as error:  # noqa: BLE001 - any reason at all: report it and leave it out
        return f"{type(error).__name__}: {str(error)[:200]}"
    return None


def skip_unreadable_notebooks(assignment: str, student: str, notebooks: list[str], **kwargs: Any) -> None:
    """nbgrader pre-convert hook: drop unreadable notebooks from the list about to be autograded.

    nbgrader calls it with the list it then grades, so removing an entry in place skips it; the
    notebook's grades stay empty (score 0) in the gradebook.
    """
    for path in list(notebooks):
        reason = readable(path)
        if reason is not None:
            print(f"[autograder] WARNING | Not autograding {path}: not a readable notebook ({reason}); "
                  "it scores 0", file=sys.stderr)
            notebooks.remove(path)
