"""The class summary page (HTML and Markdown): scores, the histogram, each test's pass rate (which
behaviours the class gets wrong most), the slowest submissions and those that hit a sandbox limit.

Student names link to their feedback pages at students/<id>/feedback.html (feedback.md in Markdown).
"""
from __future__ import annotations

import os
import statistics
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote

from autograder import config
from autograder.exercises import names as exercise_names
from autograder.grading.results import Report
from autograder.reports.html import bar, esc, href, one_line, page, percent, points
from autograder.reports.markdown import _escape as md

SLOWEST = 10
PLOTS_MISSING = "Plots need matplotlib: pip install 'rnn-autograder[reports]'."


@dataclass
class TestStats:
    __test__ = False  # not a pytest test class

    exercise: str
    name: str
    description: str
    max_score: float
    order: int                # first seen: the graders' order within the exercise
    passed: int = 0
    graded: int = 0

    @property
    def rate(self) -> float:
        return self.passed / self.graded if self.graded else 0.0


@dataclass
class ClassStats:
    students: list[str]
    scores: dict[str, float]
    max_score: float
    exercises: list[str]
    tests: list[TestStats]                       # worst pass rate first
    slowest: list[tuple[str, str, float]]        # (student, exercise, seconds), slowest first
    limits: list[tuple[str, str, list[str]]]     # (student, exercise, limits)
    exercise_scores: dict[str, dict[str, float]] = field(default_factory=dict)  # exercise -> student -> score
    exercise_max: dict[str, float] = field(default_factory=dict)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.scores.values()) if self.scores else 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.scores.values()) if self.scores else 0.0


def _exercise_order(name: str) -> tuple[int, str]:
    return (exercise_names().index(name), "") if name in exercise_names() else (len(exercise_names()), name)


def class_stats(reports: dict[str, Report]) -> ClassStats:
    students = sorted(reports)
    tests: dict[tuple[str, str], TestStats] = {}
    exercise_scores: dict[str, dict[str, float]] = {}
    exercise_max: dict[str, float] = {}
    runs, limits = [], []
    for student in students:
        for e in reports[student].exercises:
            exercise_scores.setdefault(e.exercise, {})[student] = e.score
            exercise_max[e.exercise] = max(exercise_max.get(e.exercise, 0.0), e.max_score)
            runs.append((student, e.exercise, e.seconds))
            if e.limits:
                limits.append((student, e.exercise, list(e.limits)))
            for t in e.tests:
                stats = tests.setdefault((e.exercise, t.name), TestStats(
                    e.exercise, t.name, t.description, t.max_score, order=len(tests)))
                stats.graded += 1
                stats.passed += bool(t.passed)
    exercises = sorted(exercise_scores, key=_exercise_order)
    return ClassStats(
        students=students,
        scores={s: reports[s].score for s in students},
        max_score=max((reports[s].max_score for s in students), default=0.0),
        exercises=exercises,
        tests=sorted(tests.values(), key=lambda t: (t.rate, _exercise_order(t.exercise), t.order)),
        slowest=sorted(runs, key=lambda r: (-r[2], r[0], _exercise_order(r[1])))[:SLOWEST],
        limits=sorted(limits, key=lambda r: (r[0], _exercise_order(r[1]))),
        exercise_scores=exercise_scores,
        exercise_max=exercise_max,
    )


def isolation_line(reports: dict[str, Report], label: str = "isolation") -> str:
    """Which sandbox the class's submissions ran in: a grader must see when it was not the full one
    (a worker or host without root and CAP_SYS_ADMIN; see the README's security section)."""
    modes = Counter(e.isolation or "not recorded" for r in reports.values() for e in r.exercises)
    total = sum(modes.values())
    if not total:
        return f"{label}: no submissions"
    if set(modes) == {"full"}:
        return f"{label}: full for all {total} submissions"
    return f"{label}: " + "; ".join(f"{mode} for {count} of {total} submissions"
                                     for mode, count in sorted(modes.items(), key=lambda m: (-m[1], m[0])))


def _fraction(score: float, max_score: float) -> float:
    return score / max_score if max_score > 0 else 0.0


# --- HTML ---

def _student(student: str) -> str:
    return f'<a href="{href("students", student, "feedback.html")}">{one_line(student)}</a>'


def _stat(label: str, value: str) -> str:
    return f'<div class="stat"><div>{label}</div><div>{value}</div></div>'


def _table(head: list[str], rows: list[str], numeric: set[int] = frozenset()) -> list[str]:
    cells = "".join(f'<th class="num">{h}</th>' if i in numeric else f"<th>{h}</th>" for i, h in enumerate(head))
    return ["<table>", f"<thead><tr>{cells}</tr></thead>", "<tbody>", *rows, "</tbody>", "</table>"]


def render_summary(reports: dict[str, Report], histogram_name: str | None) -> str:
    """The class summary as a self-contained HTML page; `histogram_name`: the histogram PNG relative to
    the page, or None when it could not be drawn."""
    s = class_stats(reports)
    n = len(s.students)
    full = sum(score >= s.max_score > 0 for score in s.scores.values())
    body = ["<header>", "<h1>Class summary</h1>",
            f'<p class="muted">{n} student{"s" if n != 1 else ""} · exercises: '
            f'{", ".join(one_line(e) for e in s.exercises) or "none"} · gradebook: '
            f'<a href="grades.csv">grades.csv</a></p>',
            f'<p class="muted">{one_line(isolation_line(reports, "Isolation"))}</p>', "</header>",
            '<div class="stats">',
            _stat("Students", str(n)),
            _stat("Mean", f"{s.mean:.1f} / {points(s.max_score)}"),
            _stat("Median", f"{points(s.median)} / {points(s.max_score)}"),
            _stat("Full marks", str(full)),
            _stat("Hit a limit", str(len({student for student, _, _ in s.limits}))),
            "</div>"]

    # Scores: the histogram and each exercise's mean.
    body.append('<section class="card"><h2>Scores</h2>')
    if histogram_name:
        body.append(f'<figure><img src="{href(histogram_name)}" width="720" height="320" '
                    f'alt="Histogram of the total scores"></figure>')
    else:
        body.append(f'<p class="muted">{esc(PLOTS_MISSING)}</p>')
    if s.exercises:
        rows = []
        for e in s.exercises:
            scores = list(s.exercise_scores[e].values())
            top = s.exercise_max[e]
            full_e = sum(x >= top > 0 for x in scores)
            mean = statistics.fmean(scores)
            rows.append(f"<tr><td>{one_line(e)}</td><td class=\"num\">{mean:.1f} / {points(top)}</td>"
                        f'<td class="num">{points(statistics.median(scores))}</td>'
                        f'<td class="num">{full_e} / {len(scores)}</td></tr>')
        body += ["<h3>Per exercise</h3>",
                 *_table(["Exercise", "Mean", "Median", "Full marks"], rows, {1, 2, 3})]
    body.append("</section>")

    # Tests, worst pass rate first.
    body += ['<section class="card"><h2>Tests by pass rate</h2>',
             '<p class="muted small">Worst first: the behaviours the class gets wrong most.</p>']
    if s.tests:
        rows = [f'<tr title="{esc(t.name)}"><td>{one_line(t.exercise)}</td><td>{one_line(t.description)}</td>'
                f'<td class="num">{points(t.max_score)}</td>'
                f'<td><div class="rate"><b>{percent(t.rate)}</b>{bar(t.rate)}</div></td>'
                f'<td class="num">{t.passed} / {t.graded}</td></tr>' for t in s.tests]
        body += _table(["Exercise", "Test", "Points", "Pass rate", "Passed"], rows, {2, 4})
    else:
        body.append('<p class="muted">No tests ran.</p>')
    body.append("</section>")

    # Slowest submissions.
    body.append('<section class="card"><h2>Slowest submissions</h2>')
    if s.slowest:
        rows = [f'<tr><td>{_student(student)}</td><td>{one_line(exercise)}</td><td class="num">{seconds:.1f}</td></tr>'
                for student, exercise, seconds in s.slowest]
        body += _table(["Student", "Exercise", "Seconds"], rows, {2})
    else:
        body.append('<p class="muted">No submissions.</p>')
    body.append("</section>")

    # Sandbox limits.
    body.append(f'<section class="card"><h2>Sandbox limits hit ({len(s.limits)})</h2>')
    if s.limits:
        rows = [f'<tr><td>{_student(student)}</td><td>{one_line(exercise)}</td>'
                f'<td>{"<br>".join(one_line(x) for x in limits)}</td></tr>'
                for student, exercise, limits in s.limits]
        body += _table(["Student", "Exercise", "Limits"], rows)
    else:
        body.append('<p class="muted">No submission hit a limit.</p>')
    body.append("</section>")

    # Every student.
    body.append('<section class="card"><h2>Students</h2>')
    if s.students:
        rows = []
        for student in s.students:
            cells = "".join(f'<td class="num">{points(s.exercise_scores[e][student])}</td>'
                            if student in s.exercise_scores[e] else '<td class="num muted">–</td>'
                            for e in s.exercises)
            rows.append(f'<tr><td>{_student(student)}</td>{cells}'
                        f'<td class="num"><b>{points(s.scores[student])}</b></td></tr>')
        body += _table(["Student", *(one_line(e) for e in s.exercises), "Total"], rows,
                       set(range(1, len(s.exercises) + 2)))
    else:
        body.append('<p class="muted">No students.</p>')
    body.append("</section>")
    return page("Class summary", body)


# --- Markdown ---

def _md_student(student: str) -> str:
    return f"[{md(student)}](students/{quote(os.fsencode(student), safe='')}/feedback.md)"


def render_summary_markdown(reports: dict[str, Report], histogram_name: str | None) -> str:
    """The class summary in GitHub-flavoured Markdown (links to each student's feedback.md)."""
    s = class_stats(reports)
    n = len(s.students)
    out = ["# Class summary", "",
           f"{n} student{'s' if n != 1 else ''} · mean {s.mean:.1f} / {points(s.max_score)} · "
           f"median {points(s.median)} / {points(s.max_score)} · gradebook: [grades.csv](grades.csv)", "",
           md(isolation_line(reports, "Isolation")), ""]
    out += [f"![Histogram of the total scores]({quote(os.fsencode(histogram_name))})" if histogram_name else PLOTS_MISSING, ""]
    if s.exercises:
        out += ["| Exercise | Mean | Median |", "|---|--:|--:|"]
        out += [f"| {md(e)} | {statistics.fmean(s.exercise_scores[e].values()):.1f} / {points(s.exercise_max[e])} "
                f"| {points(statistics.median(s.exercise_scores[e].values()))} |" for e in s.exercises]
        out.append("")
    out += ["## Tests by pass rate (worst first)", ""]
    if s.tests:
        out += ["| Exercise | Test | Points | Pass rate | Passed |", "|---|---|--:|--:|--:|"]
        out += [f"| {md(t.exercise)} | {md(t.description)} | {points(t.max_score)} | {percent(t.rate)} "
                f"| {t.passed} / {t.graded} |" for t in s.tests]
    else:
        out.append("_No tests ran._")
    out += ["", "## Slowest submissions", ""]
    if s.slowest:
        out += ["| Student | Exercise | Seconds |", "|---|---|--:|"]
        out += [f"| {_md_student(student)} | {md(exercise)} | {seconds:.1f} |" for student, exercise, seconds in s.slowest]
    else:
        out.append("_No submissions._")
    out += ["", f"## Sandbox limits hit ({len(s.limits)})", ""]
    if s.limits:
        out += ["| Student | Exercise | Limits |", "|---|---|---|"]
        out += [f"| {_md_student(student)} | {md(exercise)} | {'<br>'.join(md(x) for x in limits)} |"
                for student, exercise, limits in s.limits]
    else:
        out.append("_No submission hit a limit._")
    out += ["", "## Students", ""]
    if s.students:
        out += ["| " + " | ".join(["Student", *(md(e) for e in s.exercises), "Total"]) + " |",
                "|---|" + "--:|" * (len(s.exercises) + 1)]
        for student in s.students:
            cells = " | ".join(points(s.exercise_scores[e][student]) if student in s.exercise_scores[e] else "–"
                               for e in s.exercises)
            out.append(f"| {_md_student(student)} | {cells} | **{points(s.scores[student])}** |")
    else:
        out.append("_No students._")
    return "\n".join(out).rstrip() + "\n"
