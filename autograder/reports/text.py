"""Plain text for a terminal: no colour codes, failure messages indented under their test."""
from __future__ import annotations

import re
import textwrap

from autograder.exercises import names as exercise_names
from autograder.grading.results import ExerciseResult, Report


# Terminal escape sequences (colours, cursor moves) and other control characters except \t and \n.
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f]")


def strip_control(s: str) -> str:
    """`s` without escape sequences or control characters a submission or a message might hold."""
    return _CONTROL.sub("", s.replace("\r\n", "\n"))


def shown(name: str) -> str:
    """A name from a submission (a student id, a file name) safe to print on a terminal: control and
    bidi characters and undecodable bytes as escapes (\\x1b, \\u202e, \\udcff), the rest as it is."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in name)


def _indent(s: str, spaces: int) -> str:
    return textwrap.indent(strip_control(s).rstrip(), " " * spaces, lambda line: True)


def points(x: float) -> str:
    """Points as every report writes them: 2.5, 10, 0.33."""
    return f"{round(x, 2):g}"


def _exercise(e: ExerciseResult) -> list[str]:
    out = [f"{e.exercise}: {points(e.score)} / {points(e.max_score)}  ({e.seconds:.1f} s, {shown(e.submission)})"]
    if not e.tests:
        out.append("  no tests ran")
    scores = [f"{points(t.score)} / {points(t.max_score)}" for t in e.tests]
    width = max(map(len, scores), default=0)
    for t, pts in zip(e.tests, scores):
        description = " ".join(strip_control(t.description).split())
        out.append(f"  {'PASS' if t.passed else 'FAIL'}  {pts:>{width}}  {description}")
        if not t.passed and t.message.strip():
            out.append(_indent(t.message, 8))
    if e.problems:
        out.append("  Problems:")
        out += ["    - " + _indent(p, 6)[6:] for p in e.problems]  # continuation lines under the text
    if e.output:
        out.append("  Output of the submission:")
        out.append(_indent(e.output, 4))
    return out


def render(report: Report) -> str:
    """Render `report` as plain text."""
    out = [f"Submission: {shown(report.submission)}",
           f"Total: {points(report.score)} / {points(report.max_score)}"]
    if not report.exercises:
        out.append("No exercises were graded.")
    for e in report.exercises:
        out += ["", *_exercise(e)]
    return "\n".join(out) + "\n"


def score_table(reports: list[Report]) -> str:
    """One row per submission, one column per exercise."""
    exercises = [e for e in exercise_names() if any(x.exercise == e for r in reports for x in r.exercises)]
    header = ["submission", *exercises, "total"]
    rows = []
    for report in reports:
        by_name = {e.exercise: e for e in report.exercises}
        cells = [f"{by_name[e].score:g} / {by_name[e].max_score:g}" if e in by_name else "-" for e in exercises]
        rows.append([shown(report.submission), *cells, f"{report.score:g} / {report.max_score:g}"])
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])
