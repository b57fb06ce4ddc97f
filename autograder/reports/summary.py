"""The class summary page (HTML and Markdown, templates/summary.*): scores, the histogram, and per
exercise, in notebook order, every test with its pass rate over the students who attempted the
exercise (handed in a file that loaded, as the grader recorded; how many did not is shown beside
it), the students who failed it and their most frequent failure messages (grouped, with counts);
misconceptions named across the class when the results carry them; the submissions a TA should
look at (limits hit, loading problems, notes).

Only results are read: every figure is counted from what the graders recorded. Exercises follow the
registry's order and tests the order of the results (the graders' order, which is the notebook's).
Student names link to their feedback pages at students/<id>/feedback.html (feedback.md in Markdown).
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from autograder.grading.results import Report
from autograder.reports.feedback import exercise_order, message_of, not_attempted, not_handed_in
from autograder.reports.templating import one_line, render_html, render_markdown

PLOTS_MISSING = "Plots need matplotlib: pip install 'rnn-autograder[reports]'."
MESSAGE_GROUPS = 3    # a test's most frequent failure messages shown; the rest are counted
STUDENTS_SHOWN = 30   # names listed per group; the rest are counted
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass
class Group:
    """Students who share one thing: a failure message (numbers aside), a misconception."""

    text: str                     # the first student's message, as the grader wrote it
    students: list[str] = field(default_factory=list)
    identical: bool = True        # every student's message is exactly `text`


@dataclass
class TestStats:
    __test__ = False  # not a pytest test class

    exercise: str
    name: str
    description: str
    max_score: float
    passed: int = 0
    graded: int = 0                # students who attempted the exercise (ExerciseResult.attempted)
    not_handed_in: int = 0         # students who did not: no file, an unreadable or a refused one
    failed: list[str] = field(default_factory=list)   # students, attempted the exercise, failed this
    groups: list[Group] = field(default_factory=list)  # their messages, most frequent first

    @property
    def rate(self) -> float:
        return self.passed / self.graded if self.graded else 0.0

    @property
    def other_messages(self) -> int:
        """Students whose message is in none of the groups shown."""
        return sum(len(g.students) for g in self.groups[MESSAGE_GROUPS:])


class ScoreStats:
    """What both the class and each exercise show of their scores (`scores`, `max_score`)."""

    scores: dict[str, float]
    max_score: float

    @property
    def mean(self) -> float:
        return statistics.fmean(self.scores.values()) if self.scores else 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.scores.values()) if self.scores else 0.0

    @property
    def full_marks(self) -> int:
        return sum(score >= self.max_score > 0 for score in self.scores.values())


@dataclass
class ExerciseStats(ScoreStats):
    name: str
    scores: dict[str, float]                  # student -> score
    max_score: float
    tests: list[TestStats]                    # in the graders' order
    not_handed_in: dict[str, str]             # student -> why (one line): recorded not attempted
    not_attempted: dict[str, str]             # those and the untouched (feedback.not_attempted)
    misconceptions: list[Group]               # most students first

    @property
    def attempted(self) -> int:
        """Students who handed in a file that loaded: the pass rates are over them."""
        return len(self.scores) - len(self.not_handed_in)

    @property
    def untouched(self) -> dict[str, str]:
        """Handed in and loaded, yet nothing to grade (the stubs untouched, or one loading problem that
        fails every test): failures in the pass rates, one line instead of in every test's failures."""
        return {s: why for s, why in self.not_attempted.items() if s not in self.not_handed_in}


@dataclass
class Attention:
    """A submission a TA should look at: it hit a limit, its file had problems, or it was not graded."""

    student: str
    exercise: str
    limits: list[str]
    problems: list[str]


@dataclass
class ClassStats(ScoreStats):
    students: list[str]
    scores: dict[str, float]
    max_score: float
    exercises: list[ExerciseStats]            # the registry's order (unknown names last)
    attention: list[Attention]
    isolation: str

    @property
    def limited(self) -> int:
        return len({a.student for a in self.attention if a.limits})


def _group(groups: dict[str, Group], key: str, text: str, student: str) -> None:
    group = groups.setdefault(key, Group(text))
    group.students.append(student)
    group.identical &= text == group.text


def _ranked(groups: dict[str, Group]) -> list[Group]:
    return sorted(groups.values(), key=lambda g: -len(g.students))  # stable: first seen first on ties


def class_stats(reports: dict[str, Report]) -> ClassStats:
    students = sorted(reports)
    by_exercise: dict[str, dict] = {}
    attention = []
    for student in students:
        for e in reports[student].exercises:
            x = by_exercise.setdefault(e.exercise, {"scores": {}, "max": 0.0, "tests": {}, "skipped": {},
                                                     "absent": {}, "messages": {}, "misconceptions": {}})
            x["scores"][student] = e.score
            x["max"] = max(x["max"], e.max_score)
            skipped = not_attempted(e)
            if skipped:
                x["skipped"][student] = one_line(skipped)
            elif e.limits or e.problems:
                attention.append(Attention(student, e.exercise, list(e.limits), list(e.problems)))
            if not e.attempted:
                x["absent"][student] = one_line(not_handed_in(e))
            for t in e.tests:
                stats = x["tests"].setdefault(t.name, TestStats(e.exercise, t.name, t.description, t.max_score))
                if not e.attempted:  # its tests say nothing of the student's code: not a failure
                    stats.not_handed_in += 1
                    continue
                stats.graded += 1
                stats.passed += bool(t.passed)
                if t.passed or skipped:  # the not attempted are one line, not in every test's failures
                    continue
                stats.failed.append(student)
                message = message_of(t)
                _group(x["messages"].setdefault(t.name, {}), _NUMBER.sub("#", one_line(message)), message,
                       student)
                if t.misconception:  # named by the grader: "14 students transposed Wh"
                    group = x["misconceptions"].setdefault(t.misconception, Group(t.misconception))
                    if student not in group.students:
                        group.students.append(student)
    exercises = []
    for name in sorted(by_exercise, key=exercise_order):
        x = by_exercise[name]
        tests = list(x["tests"].values())
        for t in tests:
            t.groups = _ranked(x["messages"].get(t.name, {}))
        exercises.append(ExerciseStats(name, x["scores"], x["max"], tests, x["absent"], x["skipped"],
                                       _ranked(x["misconceptions"])))
    return ClassStats(
        students=students,
        scores={s: reports[s].score for s in students},
        max_score=max((reports[s].max_score for s in students), default=0.0),
        exercises=exercises,
        attention=sorted(attention, key=lambda a: (a.student, exercise_order(a.exercise))),
        isolation=isolation_line(reports, "Isolation"),
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


def _context(reports: dict[str, Report], histogram_name: str | None) -> dict:
    return {"s": class_stats(reports), "histogram": histogram_name, "plots_missing": PLOTS_MISSING,
            "groups_shown": MESSAGE_GROUPS, "students_shown": STUDENTS_SHOWN}


def render_summary(reports: dict[str, Report], histogram_name: str | None) -> str:
    """The class summary as a self-contained HTML page; `histogram_name`: the histogram PNG relative to
    the page, or None when it could not be drawn."""
    return render_html("summary.html", **_context(reports, histogram_name))


def render_summary_markdown(reports: dict[str, Report], histogram_name: str | None) -> str:
    """The class summary in GitHub-flavoured Markdown (links to each student's feedback.md)."""
    return render_markdown("summary.md", **_context(reports, histogram_name))
