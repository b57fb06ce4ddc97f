"""Reports for a whole class, written to OUTDIR:

    grades.csv                       the gradebook: student, each exercise, total, max_total
    summary.html, summary.md         the class summary (reports.summary); the page to open first
    histogram.png                    the total scores
    students/<id>/results.json       Gradescope's format
    students/<id>/feedback.md        the Markdown feedback
    students/<id>/feedback.html      the HTML feedback
    students/<id>/curve-<exercise>.png   the curve a grader recorded (reports.curves), e.g. the training
                                     loss against the reference's

The PNGs need matplotlib (the `reports` extra); without it the pages say so and show no images.
"""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Callable

from ..exercises import names as exercise_names
from ..files import encodable as _encodable
from ..files import write_atomically
from ..grading.results import Report
from . import gradescope, html, markdown, plots, summary
from .curves import curve_of
from .templating import anchor, url
from .text import shown

HISTOGRAM = "histogram.png"
SUMMARY_FROM_STUDENT = "../../summary"  # students/<id>/feedback.* -> summary.*


class ReportsNotWritten(Exception):
    """Some reports could not be written; every other one was. .problems says which and why."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def csv_cell(text: str) -> str:
    """A text cell a spreadsheet shows as it is: control and bidi characters as escapes (a CR would
    end the row), and one that starts like a formula (= + - @, tab, CR) gets a leading single quote,
    as OWASP recommends against CSV injection."""
    text = shown(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def gradebook_csv(reports: dict[str, Report]) -> str:
    """student, each exercise, total, max_total, and a note for a student who was not graded (a clash)."""
    exercises = [e for e in exercise_names() if any(x.exercise == e for r in reports.values() for x in r.exercises)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *exercises, "total", "max_total", "note"])
    for student, report in sorted(reports.items()):
        scores = {e.exercise: e.score for e in report.exercises}
        notes = dict.fromkeys(str(e.data["note"]) for e in report.exercises if e.data.get("note"))
        writer.writerow([csv_cell(student), *(f"{scores.get(e, 0):g}" for e in exercises), f"{report.score:g}",
                         f"{report.max_score:g}", csv_cell("; ".join(notes))])
    return buffer.getvalue()


def curve_file(exercise: str) -> str:
    return f"curve-{anchor(exercise)}.png"


def _file_link(submission: str, folder: Path) -> str:
    """The graded file relative to the student's folder, or "" when it is not a regular file there now
    (a link is never followed: the page points where the file was graded, nowhere else)."""
    try:
        path = Path(os.path.abspath(submission))
        if path.is_symlink() or not path.is_file():
            return ""
        relative = os.path.relpath(path, os.path.abspath(folder))
    except (OSError, ValueError):
        return ""
    return url(*Path(relative).parts)


def _student_files(report: Report, folder: Path, can_plot: bool) -> None:
    write_atomically(folder / "results.json", gradescope.render(report))
    files = {e.exercise: link for e in report.exercises if (link := _file_link(e.submission, folder))}
    write_atomically(folder / "feedback.md", _encodable(markdown.render(report, SUMMARY_FROM_STUDENT + ".md", files)))
    curves = {}
    for e in report.exercises:
        curve, _ = curve_of(e)
        if can_plot and curve is not None:
            plots.curve_plot(curve, folder / curve_file(e.exercise))
            curves[e.exercise] = url(curve_file(e.exercise))
    for stale in [*folder.glob("curve-*.png"), folder / "loss.png"]:  # from an earlier run
        if stale.name not in {curve_file(e) for e in curves}:
            stale.unlink(missing_ok=True)
    write_atomically(folder / "feedback.html", html.render(report, SUMMARY_FROM_STUDENT + ".html", curves, files))


def write_class_reports(reports: dict[str, Report], out: Path) -> Path:
    """Write the gradebook, the class summary and every student's files; return the page to open first.

    Each is written on its own: one that fails does not stop the others; ReportsNotWritten at the end
    names those that failed."""
    can_plot = plots.available()
    unwritten: list[str] = []

    def attempt(what: str, write: Callable[[], object]) -> None:
        try:
            write()
        except Exception as error:  # a renderer's or the disk's failure: the other reports still matter
            unwritten.append(f"could not write {what}: {type(error).__name__}: {error}")

    attempt("grades.csv", lambda: write_atomically(out / "grades.csv", _encodable(gradebook_csv(reports))))
    for student, report in sorted(reports.items()):
        attempt(f"the reports of {student!r}",
                lambda: _student_files(report, out / "students" / student, can_plot))
    histogram = out / HISTOGRAM
    if can_plot:
        attempt(HISTOGRAM, lambda: plots.score_histogram(
            [r.score for r in reports.values()], max((r.max_score for r in reports.values()), default=0.0), histogram))
    else:
        histogram.unlink(missing_ok=True)
    shown = HISTOGRAM if can_plot else None
    attempt("summary.md", lambda: write_atomically(out / "summary.md",
                                                   _encodable(summary.render_summary_markdown(reports, shown))))
    attempt("summary.html", lambda: write_atomically(out / "summary.html", summary.render_summary(reports, shown)))
    if unwritten:
        raise ReportsNotWritten(unwritten)
    return out / "summary.html"
