"""A student's feedback page in HTML (templates/feedback.html): per exercise its score, every test
with its points and message (a message shared by several tests shown once), problems, sandbox
limits, the curve the grader recorded, and links back to the class summary and to the graded file.

Pages are self-contained: inline CSS, no JavaScript, no external resources; images by relative path.
The template is autoescaped, and a Content-Security-Policy forbids scripts should anything slip through.
"""
from __future__ import annotations

from autograder.grading.results import Report
from autograder.reports.feedback import feedback_view
from autograder.reports.templating import render_html


def render(report: Report, summary_link: str = "", curve_images: dict[str, str] | None = None,
           file_links: dict[str, str] | None = None) -> str:
    """Render `report` as a self-contained HTML page. The links, relative to the page, are left out
    when empty: `summary_link` the class summary; per exercise name, `curve_images` the PNG of its
    recorded curve and `file_links` the graded file."""
    return render_html("feedback.html", page=feedback_view(report, summary_link, curve_images, file_links))
