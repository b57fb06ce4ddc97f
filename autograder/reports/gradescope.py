"""Gradescope's results.json: https://gradescope-autograders.readthedocs.io/en/latest/specs/"""
from __future__ import annotations

import json

from autograder.grading.results import Report
from autograder.reports.text import points, strip_control


def _summary(report: Report) -> str:
    """The top-level output students see first: total, per-exercise scores and every problem."""
    lines = [f"Total: {points(report.score)} / {points(report.max_score)}"]
    if not report.exercises:
        lines.append("No exercises were graded.")
    for e in report.exercises:
        failed = sum(not t.passed for t in e.tests)
        lines.append(f"{e.exercise}: {points(e.score)} / {points(e.max_score)}"
                     f" ({len(e.tests) - failed} of {len(e.tests)} tests passed)")
        lines += [f"  problem: {p}" for p in e.problems]
    return strip_control("\n".join(lines))


def render(report: Report) -> str:
    """Render `report` as the JSON Gradescope reads from /autograder/results/results.json."""
    tests = [
        {
            "name": strip_control(f"{e.exercise}: {t.description}"),
            "name_format": "text",
            "score": t.score,
            "max_score": t.max_score,
            "status": "passed" if t.passed else "failed",
            "output": "" if t.passed else strip_control(t.message),
            "visibility": "visible",
        }
        for e in report.exercises
        for t in e.tests
    ]
    results = {
        "score": sum(t["score"] for t in tests),  # explicit: Gradescope would otherwise sum itself
        "execution_time": int(round(sum(e.seconds for e in report.exercises))),
        "output": _summary(report),
        "output_format": "text",
        "tests": tests,
    }
    return json.dumps(results, indent=2)
