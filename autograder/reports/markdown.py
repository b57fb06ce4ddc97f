"""Markdown for a GitHub job summary or PR comment (templates/feedback.md): a table per exercise,
failure details below it (a message shared by several tests given once)."""
from __future__ import annotations

from autograder.grading.results import Report
from autograder.reports.feedback import feedback_view
from autograder.reports.templating import render_markdown


def render(report: Report, summary_link: str = "", file_links: dict[str, str] | None = None) -> str:
    """Render `report` as GitHub-flavoured Markdown; the links (relative, optional) as in html.render."""
    return render_markdown("feedback.md", page=feedback_view(report, summary_link, file_links=file_links))
