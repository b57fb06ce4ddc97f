"""A student's feedback page in HTML: per exercise its score, every test with its points and message,
problems, sandbox limits and (char_rnn) the training-loss plot.

Pages are self-contained: inline CSS, no JavaScript, no external resources; images by relative path.
Everything that comes from a submission (messages, problems, output, names) is escaped, and a
Content-Security-Policy forbids scripts should anything ever slip through.
"""
from __future__ import annotations

import html
import os
import re
from pathlib import PurePath
from urllib.parse import quote

from autograder.grading.results import ExerciseResult, Report
from autograder.reports.plots import losses_to_plot
from autograder.reports.text import strip_control

LOSS_PLOT = "loss.png"  # next to the page, written by reports.classroom

# Lone surrogates cannot be encoded as UTF-8 (writing the page would fail); U+FFFE/U+FFFF are non-characters.
_UNENCODABLE = re.compile("[\ud800-\udfff\ufffe\uffff]")

STYLE = """
*{box-sizing:border-box}
body{margin:0;background:#f4f5f7;color:#1f2937;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:980px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:1.45rem;margin:0 0 2px}
h2{font-size:1.1rem;margin:0}
h3{font-size:.95rem;margin:14px 0 6px}
a{color:#1d4ed8;text-decoration:none}
a:hover{text-decoration:underline}
.muted{color:#6b7280}
.small{font-size:.85rem}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:16px 18px;margin:16px 0}
.head{display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:4px 16px;margin-bottom:10px}
.big{font-size:1.25rem;font-weight:650;font-variant-numeric:tabular-nums}
.bar{height:7px;background:#e5e7eb;border-radius:4px;overflow:hidden;margin-top:6px}
.bar>span{display:block;height:100%;background:#16a34a}
.bar.mid>span{background:#d97706}
.bar.low>span{background:#dc2626}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eef0f3;vertical-align:top}
th{font-size:.75rem;text-transform:uppercase;letter-spacing:.04em;color:#6b7280;font-weight:600}
tr:last-child>td{border-bottom:0}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.mark{width:1.6em;text-align:center;font-weight:700}
.ok{color:#15803d}
.fail{color:#b91c1c}
.rate{display:flex;align-items:center;gap:8px;min-width:170px}
.rate .bar{flex:1;margin:0}
.rate b{width:3.2em;text-align:right;font-variant-numeric:tabular-nums}
pre{margin:6px 0 2px;padding:8px 10px;background:#fef2f2;border:1px solid #fecaca;border-radius:6px;white-space:pre-wrap;overflow-wrap:anywhere;max-height:26em;overflow:auto;font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
details pre{background:#f3f4f6;border-color:#e5e7eb}
summary{cursor:pointer;color:#374151}
.note{border-left:4px solid;border-radius:4px;padding:8px 12px;margin:10px 0}
.note ul{margin:4px 0 0;padding-left:20px}
.limit{background:#fff7ed;border-color:#ea580c}
.problem{background:#fefce8;border-color:#ca8a04}
figure{margin:14px 0 0}
figure img{display:block;max-width:100%;height:auto;border:1px solid #e5e7eb;border-radius:6px}
figcaption{font-size:.85rem;color:#6b7280;margin-top:4px}
.stats{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}
.stat{flex:1 1 130px;background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:10px 14px}
.stat div:first-child{font-size:.75rem;text-transform:uppercase;letter-spacing:.04em;color:#6b7280}
.stat div:last-child{font-size:1.3rem;font-weight:650;font-variant-numeric:tabular-nums}
"""

# No scripts, plugins, frames, forms or <base>: the pages only need their CSS and images.
CSP = "script-src 'none'; object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'"


def esc(s: object) -> str:
    """`s` as HTML text or attribute value: control characters dropped, <, >, &, ' and " escaped."""
    return html.escape(_UNENCODABLE.sub("\ufffd", strip_control(str(s))), quote=True)


def one_line(s: object) -> str:
    return esc(" ".join(strip_control(str(s)).split()))


def href(*parts: str) -> str:
    """A relative URL to a path of `parts`: student ids may hold spaces, '#', '?', '%', or (undecodable
    file names) lone surrogates, which stand for the name's raw bytes on disk."""
    return esc("/".join(quote(os.fsencode(p), safe="") for p in parts))


def points(x: float) -> str:
    return f"{round(x, 2):g}"


def percent(fraction: float) -> str:
    """A whole percentage, rounded half up; 0 % and 100 % only when exactly so (199 of 200 is 99 %)."""
    whole = int(round(fraction * 100, 6) + 0.5)
    if 0 < fraction < 1:
        whole = min(99, max(1, whole))
    return f"{whole}%"


def bar(fraction: float) -> str:
    """A horizontal bar filled to `fraction`: green, amber below 80 %, red below 50 %."""
    fraction = min(1.0, max(0.0, fraction))
    level = "" if fraction >= 0.8 else " mid" if fraction >= 0.5 else " low"
    return f'<div class="bar{level}"><span style="width:{fraction * 100:.1f}%"></span></div>'


def page(title: str, body: list[str]) -> str:
    """A complete HTML document around `body` (already HTML)."""
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{one_line(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body><main>",
        *body,
        "</main></body>",
        "</html>",
    ]) + "\n"


def _anchor(exercise: str) -> str:
    return "ex-" + re.sub(r"[^A-Za-z0-9_-]", "-", exercise)


def _fraction(score: float, max_score: float) -> float:
    return score / max_score if max_score > 0 else 0.0


def _tests(e: ExerciseResult) -> list[str]:
    if not e.tests:
        return ['<p class="muted">No tests ran.</p>']
    out = ['<table>', '<thead><tr><th></th><th>Test</th><th class="num">Points</th></tr></thead>', "<tbody>"]
    for t in e.tests:
        mark = '<td class="mark ok" title="passed">✓</td>' if t.passed else \
            '<td class="mark fail" title="failed">✗</td>'
        cell = one_line(t.description) or esc(t.name)
        if not t.passed:
            message = strip_control(t.message).strip() or "test failed"
            cell += f"<pre>{esc(message)}</pre>"
        out.append(f'<tr title="{esc(t.name)}">{mark}<td>{cell}</td>'
                   f'<td class="num">{points(t.score)} / {points(t.max_score)}</td></tr>')
    out += ["</tbody>", "</table>"]
    return out


def _notes(kind: str, title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    entries = "".join(f"<li>{esc(i.strip())}</li>" if "\n" not in i.strip() else f"<li><pre>{esc(i.strip())}</pre></li>"
                      for i in items)
    return [f'<div class="note {kind}"><strong>{title}</strong><ul>{entries}</ul></div>']


def _exercise(e: ExerciseResult, loss_plot: str | None) -> list[str]:
    passed = sum(t.passed for t in e.tests)
    out = [f'<section class="card" id="{_anchor(e.exercise)}">',
           '<div class="head">',
           f"<h2>{one_line(e.exercise)}</h2>",
           f'<span class="muted small">{passed} of {len(e.tests)} tests passed · {e.seconds:.1f} s</span>',
           f'<span class="big">{points(e.score)} / {points(e.max_score)}</span>',
           "</div>",
           bar(_fraction(e.score, e.max_score))]
    out += _notes("limit", "Sandbox limits hit", e.limits)
    out += _notes("problem", "Problems", e.problems)
    out += _tests(e)
    if loss_plot and losses_to_plot(e) is not None:
        out += ["<figure>",
                f'<img src="{href(loss_plot)}" width="720" height="360" '
                'alt="Your training loss per epoch against the reference solution\'s, log scale">',
                "<figcaption>Your train_char_rnn() losses (seed 0) against the reference solution's, "
                "on a log scale.</figcaption>",
                "</figure>"]
    if e.output.strip():
        out.append(f"<details><summary>Output of the submission</summary><pre>{esc(e.output.rstrip())}</pre></details>")
    out.append(f'<p class="muted small">Graded file: {one_line(PurePath(e.submission).name)}</p>')
    out.append("</section>")
    return out


def render(report: Report, loss_plot: str | None = LOSS_PLOT) -> str:
    """Render `report` as a self-contained HTML page.

    `loss_plot`: the path, relative to the page, of the char_rnn training-loss PNG; the <img> is left out
    when None or when the grader recorded no training losses.
    """
    passed = sum(t.passed for t in report.tests)
    body = ["<header>",
            f"<h1>Feedback: {one_line(report.submission)}</h1>",
            f'<div class="head"><span class="muted">{passed} of {len(report.tests)} tests passed</span>'
            f'<span class="big">Total {points(report.score)} / {points(report.max_score)}</span></div>',
            bar(_fraction(report.score, report.max_score)),
            "</header>"]
    if not report.exercises:
        body.append('<section class="card"><p class="muted">No exercises were graded.</p></section>')
    elif len(report.exercises) > 1:
        body += ['<section class="card">', "<table>",
                 '<thead><tr><th>Exercise</th><th class="num">Tests passed</th><th class="num">Score</th></tr></thead>',
                 "<tbody>"]
        for e in report.exercises:
            flag = ' <span class="fail small">· limit hit</span>' if e.limits else ""
            body.append(f'<tr><td><a href="#{_anchor(e.exercise)}">{one_line(e.exercise)}</a>{flag}</td>'
                        f'<td class="num">{sum(t.passed for t in e.tests)} / {len(e.tests)}</td>'
                        f'<td class="num">{points(e.score)} / {points(e.max_score)}</td></tr>')
        body += ["</tbody>", "</table>", "</section>"]
    for e in report.exercises:
        body += _exercise(e, loss_plot)
    return page(f"Feedback: {report.submission}", body)
