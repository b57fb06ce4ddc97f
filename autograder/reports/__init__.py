"""Report renderers: turn one `Report` into text for Gradescope, CI (JUnit XML), Markdown or a terminal.

Every renderer is a pure function `render(report) -> str`; `FORMATS` maps format names to them.
"""
from __future__ import annotations

from typing import Callable

from autograder.grading.results import Report
from autograder.reports import gradescope, junit, markdown, text

FORMATS: dict[str, Callable[[Report], str]] = {
    "gradescope": gradescope.render,
    "junit": junit.render,
    "markdown": markdown.render,
    "text": text.render,
}


def render(report: Report, fmt: str) -> str:
    """Render `report` in the format named `fmt` (one of `FORMATS`)."""
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
    return renderer(report)
