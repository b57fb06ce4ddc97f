"""Markdown for a GitHub job summary or PR comment: a table per exercise, failure details below it."""
from __future__ import annotations

import html
import re

from autograder.grading.results import ExerciseResult, Report
from autograder.reports.text import strip_control


def _points(x: float) -> str:
    return f"{round(x, 2):g}"


def _escape(s: str) -> str:
    """Inline text safe in a table cell or list item: one line, Markdown punctuation backslash-escaped."""
    return re.sub(r"([\\`*_\[\]<>|#~&])", r"\\\1", " ".join(strip_control(s).split()))


def _fence(s: str) -> str:
    """A fenced code block holding `s` verbatim, its fence longer than any backtick run inside."""
    s = strip_control(s)
    longest = max((len(run) for run in re.findall(r"`+", s)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{s.rstrip()}\n{fence}"


def _details(summary: str, body: str) -> str:
    # Blank lines around the fence so GitHub renders Markdown inside the HTML block.
    summary = html.escape(" ".join(strip_control(summary).split()))
    return f"<details><summary>{summary}</summary>\n\n{_fence(body)}\n\n</details>"


def _exercise(e: ExerciseResult) -> list[str]:
    out = [f"### {_escape(e.exercise)}: {_points(e.score)} / {_points(e.max_score)}", ""]
    if e.tests:
        out += ["| | Test | Points |", "|:-:|---|--:|"]
        out += [f"| {'✅' if t.passed else '❌'} | {_escape(t.description)} | "
                f"{_points(t.score)} / {_points(t.max_score)} |" for t in e.tests]
        out.append("")
    else:
        out += ["_No tests ran._", ""]
    # Messages go below the table: they are multi-line and may hold anything.
    for t in e.tests:
        if not t.passed:
            out += [_details(f"❌ {t.description}", t.message or "test failed"), ""]
    if e.problems:
        out += ["**Problems**", ""]
        out += [f"- {_escape(p)}" if "\n" not in p.strip() else "- " + _fence(p).replace("\n", "\n  ")
                for p in e.problems]
        out.append("")
    if e.output:
        out += [_details("Output of the submission", e.output), ""]
    return out


def render(report: Report) -> str:
    """Render `report` as GitHub-flavoured Markdown."""
    out = [f"## Autograder: {_points(report.score)} / {_points(report.max_score)}", "",
           f"Submission: {_escape(report.submission)}", ""]
    if not report.exercises:
        out += ["_No exercises were graded._", ""]
    for e in report.exercises:
        out += _exercise(e)
    return "\n".join(out).rstrip() + "\n"
