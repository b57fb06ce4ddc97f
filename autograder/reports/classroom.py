"""Reports for a whole class, written to OUTDIR:

    grades.csv                       the gradebook: student, each exercise, total, max_total
    summary.html, summary.md         the class summary (reports.summary); the page to open first
    histogram.png                    the total scores
    students/<id>/results.json       Gradescope's format
    students/<id>/feedback.md        the Markdown feedback
    students/<id>/feedback.html      the HTML feedback
    students/<id>/loss.png           char_rnn: the student's training loss against the reference's

The PNGs need matplotlib (the `reports` extra); without it the pages say so and show no images.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import importlib.metadata
import importlib.util
import io
import json
import math
from pathlib import Path
from typing import Callable

from .. import config
from ..exercises import names as exercise_names
from ..files import encodable as _encodable
from ..files import write_atomically
from ..grading.results import Report
from . import gradescope, html, markdown, plots, summary
from .text import shown

HISTOGRAM = "histogram.png"
REFERENCE_CACHE = ".reference_losses.json"  # importing torch and training costs seconds: kept across runs


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


def _reference_key() -> str | None:
    """What the reference losses depend on: the reference solution, torch's version and the seed."""
    spec = importlib.util.find_spec("solutions.char_rnn")  # not imported: that would import torch
    try:
        torch_version = importlib.metadata.version("torch")
        source = Path(spec.origin).read_bytes()
    except (importlib.metadata.PackageNotFoundError, AttributeError, TypeError, OSError):
        return None
    return hashlib.sha256(source + f"\0{torch_version}\0{plots.REFERENCE_SEED}".encode()).hexdigest()


def reference_losses(out: Path) -> tuple[float, ...]:
    """plots.reference_losses(), kept in OUTDIR so that a rerun needs neither torch nor training."""
    cache, key = out / REFERENCE_CACHE, _reference_key()
    try:
        stored = json.loads(cache.read_text())
        losses = stored["losses"]
        if key is not None and stored["key"] == key and losses and all(type(v) is float and math.isfinite(v)
                                                                        for v in losses):
            return tuple(losses)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    losses = plots.reference_losses()
    if key is not None:
        write_atomically(cache, json.dumps({"key": key, "losses": list(losses)}))
    return losses


def _student_files(student: str, report: Report, folder: Path, can_plot: bool, reference) -> None:
    write_atomically(folder / "results.json", gradescope.render(report))
    write_atomically(folder / "feedback.md", _encodable(markdown.render(report)))
    losses = next((x for x in map(plots.losses_to_plot, report.exercises) if x is not None), None)
    plot = folder / html.LOSS_PLOT
    if can_plot and losses is not None:
        plots.loss_plot(losses, reference(), plot)
    else:
        plot.unlink(missing_ok=True)  # from an earlier run: the page no longer shows it
    write_atomically(folder / "feedback.html", html.render(report, html.LOSS_PLOT if plot.exists() else None))


def write_class_reports(reports: dict[str, Report], out: Path) -> Path:
    """Write the gradebook, the class summary and every student's files; return the page to open first.

    Each is written on its own: one that fails does not stop the others; ReportsNotWritten at the end
    names those that failed."""
    can_plot = plots.available()
    reference = functools.cache(lambda: reference_losses(out))  # only when some student has losses
    unwritten: list[str] = []

    def attempt(what: str, write: Callable[[], object]) -> None:
        try:
            write()
        except Exception as error:  # a renderer's or the disk's failure: the other reports still matter
            unwritten.append(f"could not write {what}: {type(error).__name__}: {error}")

    attempt("grades.csv", lambda: write_atomically(out / "grades.csv", _encodable(gradebook_csv(reports))))
    for student, report in sorted(reports.items()):
        attempt(f"the reports of {student!r}",
                lambda: _student_files(student, report, out / "students" / student, can_plot, reference))
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
