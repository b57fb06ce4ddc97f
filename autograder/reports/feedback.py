"""What a student's feedback page shows of a result, shared by its HTML and Markdown templates.

Only presentation is decided here (which messages repeat, whether an exercise was attempted at all);
every figure is the grader's.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from autograder.exercises import names as exercise_names
from autograder.grading.results import ExerciseResult, Report, TestResult
from autograder.reports.curves import Curve, curve_of

FAILED = "test failed"  # shown for a failed test the grader gave no message


def exercise_order(name: str) -> tuple[int, str]:
    """The registry's order (the unit's); names it does not know last, alphabetically."""
    known = exercise_names()
    return (known.index(name), "") if name in known else (len(known), name)


def message_of(t: TestResult) -> str:
    return t.message.strip() or FAILED


NOT_HANDED_IN = "no file was handed in"  # shown for a result not attempted that gives no reason


def not_handed_in(e: ExerciseResult) -> str:
    """Why the grader recorded `e` as not attempted (no file, an unreadable or a refused one), or "".
    The reason is the last problem: notes on how files were matched go before it (grading/run.py)."""
    return "" if e.attempted else (e.problems[-1] if e.problems else NOT_HANDED_IN)


def not_attempted(e: ExerciseResult) -> str:
    """Why `e` reads as not attempted, or "": no limit was hit, nothing passed, and the grader recorded
    it not attempted (not_handed_in), or every failure is the released stubs' NotImplementedError or
    the one loading problem, or no test ran. Such an exercise is one line in the reports, not a red
    box per test."""
    if any(t.passed for t in e.tests) or e.limits:
        return ""
    if not e.attempted:
        return not_handed_in(e)
    if not e.tests:
        return e.problems[0] if e.problems else "no tests ran"
    messages = {message_of(t) for t in e.tests}
    if all("NotImplementedError" in m for m in messages):
        return "every test fails on a function that still raises NotImplementedError"
    if len(e.problems) == 1 and all(e.problems[0] in m for m in messages):
        return e.problems[0]
    return ""


@dataclass
class TestRow:
    __test__ = False  # not a pytest test class

    test: TestResult
    message: str = ""    # the failure message, shown once ...
    same_as: str = ""    # ... or the description of the earlier test that failed with the same one


@dataclass
class ExerciseView:
    result: ExerciseResult
    rows: list[TestRow]
    passed: int
    not_attempted: str           # "" or why the exercise is shown as one line
    curve: Curve | None = None
    curve_problem: str = ""      # why the recorded curve is not drawn
    curve_image: str = ""        # the curve's PNG, relative to the page ("" when not drawn)
    file_link: str = ""          # the graded file, relative to the page ("" when not linked)


@dataclass
class FeedbackView:
    report: Report
    exercises: list[ExerciseView]
    summary_link: str = ""       # the class summary, relative to the page
    passed: int = field(init=False)

    def __post_init__(self) -> None:
        self.passed = sum(e.passed for e in self.exercises)


def exercise_view(e: ExerciseResult, curve_image: str = "", file_link: str = "") -> ExerciseView:
    rows, first = [], {}
    for t in e.tests:
        if t.passed:
            rows.append(TestRow(t))
            continue
        message = message_of(t)
        if message in first:  # an untouched stub fails many tests the same way: say it once
            rows.append(TestRow(t, same_as=first[message]))
        else:
            first[message] = t.description or t.name
            rows.append(TestRow(t, message=message))
    curve, problem = curve_of(e)
    return ExerciseView(e, rows, sum(t.passed for t in e.tests), not_attempted(e), curve, problem,
                        curve_image if curve is not None else "", file_link)


def feedback_view(report: Report, summary_link: str = "", curve_images: dict[str, str] | None = None,
                  file_links: dict[str, str] | None = None) -> FeedbackView:
    """The page of `report`; the links are relative to the page and given per exercise name."""
    curve_images, file_links = curve_images or {}, file_links or {}
    return FeedbackView(report, [exercise_view(e, curve_images.get(e.exercise, ""), file_links.get(e.exercise, ""))
                                 for e in sorted(report.exercises, key=lambda e: exercise_order(e.exercise))],
                        summary_link)
