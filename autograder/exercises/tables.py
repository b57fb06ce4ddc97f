"""Tables of the unit derived from the registry: the README's points table, the student repository's.

    python -m autograder.exercises.tables README.md   # rewrites the README's points table in place
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from . import points_in, registry

BEGIN = "<!-- points table: written by `python -m autograder.exercises.tables README.md` -->"
END = "<!-- end of points table -->"


def number(value: float) -> str:
    return f"{value:g}"


def points_table() -> str:
    """The README's table: each exercise's points and number of grader tests, and the total."""
    rows = ["| exercise | points | tests |", "| --- | --- | --- |"]
    for exercise in registry():
        rows.append(f"| {exercise.name} | {number(exercise.points)} | {len(points_in(exercise.graders))} |")
    rows.append(f"| total | {number(sum(e.points for e in registry()))} | "
                f"{sum(len(points_in(e.graders)) for e in registry())} |")
    return "\n".join(rows)


def notebooks_table() -> str:
    """The student repository's table: each notebook, what the student builds, its points."""
    rows = ["| notebook | what you build | points |", "| --- | --- | --- |"]
    rows += [f"| `{e.notebook.name}` | {e.title} | {number(e.points)} |" for e in registry()]
    return "\n".join(rows)


def with_points_table(text: str) -> str:
    """`text` (a README) with the block between BEGIN and END replaced by the current points table."""
    block = re.compile(re.escape(BEGIN) + r"\n.*?\n" + re.escape(END), re.DOTALL)
    if len(block.findall(text)) != 1:
        raise ValueError(f"the README holds no single points table block ({BEGIN} ... {END})")
    return block.sub(lambda _: f"{BEGIN}\n{points_table()}\n{END}", text)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        path = Path(name)
        path.write_text(with_points_table(path.read_text()))
        print(f"wrote the points table of {path}")
