"""Reports for a whole class: a CSV gradebook and each student's results."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from .. import config
from ..commands.output import write_atomically
from ..grading.results import Report
from . import gradescope, markdown


def gradebook_csv(reports: dict[str, Report]) -> str:
    exercises = [e for e in config.EXERCISES if any(x.exercise == e for r in reports.values() for x in r.exercises)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *exercises, "total", "max_total"])
    for student, report in sorted(reports.items()):
        scores = {e.exercise: e.score for e in report.exercises}
        writer.writerow([student, *(f"{scores.get(e, 0):g}" for e in exercises), f"{report.score:g}",
                         f"{report.max_score:g}"])
    return buffer.getvalue()


def write_class_reports(reports: dict[str, Report], out: Path) -> Path:
    """Write the gradebook and every student's files; return the page to open first."""
    write_atomically(out / "grades.csv", gradebook_csv(reports))
    for student, report in reports.items():
        folder = out / "students" / student
        write_atomically(folder / "results.json", gradescope.render(report))
        write_atomically(folder / "feedback.md", markdown.render(report))
    return out / "grades.csv"
