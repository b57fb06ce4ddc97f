"""The curve a grader recorded for a result (`record_property("curve", {...})`), read and checked.

The data contract: {"title": str, "x_label": str, "y_label": str, "series": [{"label": str,
"role": "student" | "reference", "values": [float, ...]}, ...]}. The grader computes every series
(the reference's on the trusted side); reports only draw it. It came through a grading session, so
its types and sizes are checked before anything is drawn: text is cut, counts are bounded, values must
be numbers (a non-finite value, a diverged loss, is kept and shown as a gap).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from autograder import config
from autograder.grading.results import ExerciseResult
from autograder.reports.templating import clean

KEY = "curve"  # the key of ExerciseResult.data the graders record it under
ROLES = ("student", "reference")


class BadCurve(ValueError):
    """The recorded curve does not follow the contract; the message says how."""


@dataclass(frozen=True)
class Series:
    label: str
    role: str                     # one of ROLES
    values: tuple[float, ...]     # y per step 1, 2, ...; NaN/inf where the grader recorded one


@dataclass(frozen=True)
class Curve:
    title: str
    x_label: str
    y_label: str
    series: tuple[Series, ...]

    @property
    def steps(self) -> int:
        return max(len(s.values) for s in self.series)


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise BadCurve(f"{what} is a {type(value).__name__}, not text")
    text = " ".join(clean(value).split())
    if len(text) > config.MAX_CURVE_TEXT_CHARS:
        text = text[:config.MAX_CURVE_TEXT_CHARS - 1] + "…"
    return text


def _number(value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:  # an int beyond float's range
        return math.inf if value > 0 else -math.inf


def _series(value: object, index: int) -> Series:
    if not isinstance(value, dict):
        raise BadCurve(f"series {index + 1} is a {type(value).__name__}, not a mapping")
    role = value.get("role")
    if role not in ROLES:
        raise BadCurve(f"series {index + 1} has role {str(role)[:40]!r}, not one of {', '.join(ROLES)}")
    values = value.get("values")
    if not isinstance(values, (list, tuple)):
        raise BadCurve(f"series {index + 1}: values is a {type(values).__name__}, not a list")
    if not 0 < len(values) <= config.MAX_CURVE_POINTS:
        raise BadCurve(f"series {index + 1} has {len(values)} values (1 to {config.MAX_CURVE_POINTS} are drawn)")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        raise BadCurve(f"series {index + 1} holds values that are not numbers")
    return Series(_text(value.get("label"), f"the label of series {index + 1}"), role,
                  tuple(map(_number, values)))


def read_curve(data: object) -> Curve:
    """The curve in `data` (what the grader recorded under KEY), checked; BadCurve when it is not one."""
    if not isinstance(data, dict):
        raise BadCurve(f"the curve is a {type(data).__name__}, not a mapping")
    series = data.get("series")
    if not isinstance(series, (list, tuple)) or not 0 < len(series) <= config.MAX_CURVE_SERIES:
        count = len(series) if isinstance(series, (list, tuple)) else "no list of"
        raise BadCurve(f"the curve has {count} series (1 to {config.MAX_CURVE_SERIES} are drawn)")
    return Curve(_text(data.get("title"), "its title"), _text(data.get("x_label"), "its x label"),
                 _text(data.get("y_label"), "its y label"), tuple(_series(s, i) for i, s in enumerate(series)))


def curve_of(e: ExerciseResult) -> tuple[Curve | None, str]:
    """(the curve `e` holds, "") or (None, why it cannot be drawn); (None, "") when it holds none."""
    if not isinstance(e.data, dict) or KEY not in e.data:
        return None, ""
    try:
        return read_curve(e.data[KEY]), ""
    except BadCurve as error:
        return None, f"The curve the grader recorded cannot be drawn: {error}."
