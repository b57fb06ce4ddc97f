"""The registry: one entry per exercise; the rest of the kit derives what it needs from it.

An exercise is a package here, `autograder/exercises/<name>/`, holding
    __init__.py       EXERCISE = Exercise(...): title, place in the unit, functions, timeouts, parameters
    test_<name>.py    its graders: plain pytest, one test per behaviour, @pytest.mark.points(n)
    catalogue.py      BUGS: realistic bugs, each losing points on the tests it names (`autograder audit`)
    unusual/          correct solutions written in unusual ways: each keeps full marks
and outside the package only its notebook `assignments/<name>.ipynb` and its reference
`solutions/<name>.py`. Nothing else in the kit names an exercise: adding one is adding these files.
Importing an entry is cheap (no torch): the CLI reads the registry to offer its choices.
"""
from __future__ import annotations

import ast
import functools
import importlib
import pkgutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from .. import config


@dataclass(frozen=True)
class Bug:
    """One realistic mistake: the reference with `old` replaced by `new` (`old` must occur in it).

    must_fail: the grader tests it must lose points on (at least these); why: the mistake in plain words.
    A failed test's results that equal this bug's on the same calls are named in the feedback.
    """
    name: str
    old: str
    new: str
    must_fail: tuple[str, ...]
    why: str
    says: str = ""      # the mistake in a student's words, named in feedback (else `why` is)
    exercise: str = ""  # filled in by the registry

    def source(self) -> str:
        reference = get(self.exercise).reference.read_text(encoding="utf-8")
        if self.old not in reference:
            raise ValueError(f"bug {self.name} of {self.exercise}: {self.old!r} is not in the reference")
        return reference.replace(self.old, self.new)


@dataclass(frozen=True)
class Exercise:
    name: str                 # the file stem everywhere: assignments/<name>.ipynb, solutions/<name>.py
    title: str                # one line, for tables: what the student builds
    order: int                # its place in the unit (reports, tables and choices follow it)
    functions: tuple[str, ...]  # what the student defines, in the notebook's order
    call_timeouts: Mapping[str, float] = field(default_factory=dict)  # seconds, per function; else settings
    weight: float = 1.0       # seconds one grading takes in a warm worker: the longest are started first
    params: Any = None        # exercise-specific parameters its graders read (e.g. training seeds)

    @property
    def folder(self) -> Path:
        return Path(__file__).resolve().parent / self.name

    @property
    def graders(self) -> Path:
        return self.folder / f"test_{self.name}.py"

    @property
    def notebook(self) -> Path:
        return config.RELEASE_DIR / f"{self.name}.ipynb"

    @property
    def reference(self) -> Path:
        return config.SOLUTIONS_DIR / f"{self.name}.py"

    @property
    def reference_module(self) -> str:
        return f"solutions.{self.name}"

    def call_timeout(self, function: str, default: float = config.Settings.call_timeout_s) -> float:
        return self.call_timeouts.get(function, default)

    def bugs(self) -> list[Bug]:
        catalogue = importlib.import_module(f"{__name__}.{self.name}.catalogue")
        return [replace(bug, exercise=self.name) for bug in catalogue.BUGS]

    def unusual(self) -> list[Path]:
        folder = self.folder / "unusual"
        return sorted(p for p in folder.iterdir() if p.suffix in (".py", ".ipynb")) if folder.is_dir() else []

    @functools.cached_property
    def points(self) -> float:
        """The exercise's total: its graders' @points(n), read from their source (nothing imported)."""
        return sum(points_in(self.graders).values())


def points_in(graders: Path) -> dict[str, float]:
    """{test name: points} of a graders file, from `@points(n)` / `@pytest.mark.points(n)` decorators."""
    found: dict[str, float] = {}
    for node in ast.parse(graders.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            for decorator in node.decorator_list:
                if (isinstance(decorator, ast.Call) and ast.unparse(decorator.func).split(".")[-1] == "points"
                        and decorator.args and isinstance(decorator.args[0], ast.Constant)):
                    found[node.name] = float(decorator.args[0].value)
            if any("parametrize" in ast.unparse(d) for d in node.decorator_list):
                raise ValueError(f"{graders.name}: {node.name} is parametrized; a grader test is one behaviour")
    return found


@functools.cache
def registry() -> tuple[Exercise, ...]:
    """Every exercise, in the unit's order."""
    found = []
    for module in pkgutil.iter_modules(__path__):
        if module.ispkg:
            entry = importlib.import_module(f"{__name__}.{module.name}").EXERCISE
            if entry.name != module.name:
                raise ValueError(f"autograder/exercises/{module.name}/ registers an exercise named {entry.name!r}")
            found.append(entry)
    return tuple(sorted(found, key=lambda e: (e.order, e.name)))


def names() -> tuple[str, ...]:
    return tuple(e.name for e in registry())


def get(name: str) -> Exercise:
    for exercise in registry():
        if exercise.name == name:
            return exercise
    raise KeyError(f"no exercise {name!r}; the exercises are {', '.join(names())}")


def total_points() -> float:
    return sum(e.points for e in registry())


def all_bugs() -> list[Bug]:
    """Every exercise's catalogue, in the unit's order."""
    return [bug for exercise in registry() for bug in exercise.bugs()]
