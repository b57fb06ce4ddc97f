"""The audit of the graders: do they still catch every catalogued bug, and keep every correct solution whole?

For one exercise, its catalogue's bugs (Bug.source()), its unusual-correct solutions
(Exercise.unusual()) and its reference go through its graders exactly as grading does
(grade_exercises: the sandbox, one pytest session for the whole batch). A bug is caught when it
loses points on every test its entry names; a correct solution that loses any point is a false
failure. With seeds > 1 the correct ones are graded again with seed shifts 1 .. seeds-1 (the graders'
`seed_shift` fixture): their false failures per shift are the flake rate. A catalogue entry that
cannot be checked (its `old` text is not in the reference, it names no test or a test the graders do
not have) is a catalogue error, counted as not caught.
"""
from __future__ import annotations

import re
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .config import Settings
from .exercises import Bug, Exercise, points_in
from .grading.results import ExerciseResult
from .grading.run import grade_exercises
from .sandbox.zygote import Zygote


@dataclass
class BugVerdict:
    name: str
    why: str
    must_fail: list[str]
    lost: dict[str, str] = field(default_factory=dict)  # every test it lost points on: its message
    escaped: list[str] = field(default_factory=list)     # tests of must_fail it kept its points on
    error: str = ""                                      # a catalogue error: the entry could not be checked

    @property
    def caught(self) -> bool:
        return not self.error and not self.escaped


@dataclass
class CorrectVerdict:
    """One grading of a correct solution at one seed shift."""
    name: str  # "reference", or the file's name in the exercise's unusual/
    seed_shift: int
    lost: dict[str, str] = field(default_factory=dict)  # a false failure per test: its message
    problems: list[str] = field(default_factory=list)   # loading problems: a false failure too

    @property
    def full_marks(self) -> bool:
        return not self.lost and not self.problems


@dataclass
class ExerciseAudit:
    exercise: str
    seeds: int
    bugs: list[BugVerdict]
    correct: list[CorrectVerdict]
    seconds: float

    @property
    def caught(self) -> int:
        return sum(b.caught for b in self.bugs)

    @property
    def mutation_score(self) -> float | None:
        """caught / total; None for an exercise without catalogued bugs."""
        return self.caught / len(self.bugs) if self.bugs else None

    @property
    def solution_count(self) -> int:
        return len({c.name for c in self.correct})

    @property
    def false_failures(self) -> list[CorrectVerdict]:
        return [c for c in self.correct if not c.full_marks]

    def flake(self) -> list[tuple[int, int, int]]:
        """(seed shift, gradings of correct code that lost points, gradings) per shift."""
        per_shift = [[c for c in self.correct if c.seed_shift == shift] for shift in range(self.seeds)]
        return [(shift, sum(not c.full_marks for c in at), len(at)) for shift, at in enumerate(per_shift)]

    def bug(self, name: str) -> BugVerdict:
        return next(b for b in self.bugs if b.name == name)

    def solution(self, name: str, seed_shift: int = 0) -> CorrectVerdict:
        return next(c for c in self.correct if c.name == name and c.seed_shift == seed_shift)

    def to_dict(self) -> dict:
        return {**asdict(self), "caught": self.caught, "total": len(self.bugs),
                "mutation_score": self.mutation_score,
                "bugs": [{**asdict(b), "caught": b.caught} for b in self.bugs],
                "correct": [{**asdict(c), "full_marks": c.full_marks} for c in self.correct],
                "flake": [dict(seed_shift=s, lost_points=n, graded=g) for s, n, g in self.flake()]}


def catalogue_error(bug: Bug, exercise: Exercise, tests: set[str], earlier: set[str] = frozenset()) -> str:
    """Why a catalogue entry cannot be checked ("" when it can); earlier: the names of the entries before it."""
    entry = f"bug {bug.name} of {exercise.name}"
    if bug.name in earlier:
        return f"{entry}: an earlier entry has this name"
    reference = f"{exercise.reference.parent.name}/{exercise.reference.name}"
    if not bug.old or bug.old not in exercise.reference.read_text(encoding="utf-8"):
        return f"{entry}: its old text {bug.old!r} is not in the reference {reference}; update the entry"
    if bug.new == bug.old:
        return f"{entry}: its new text is its old text, so it is the reference itself"
    if isinstance(bug.must_fail, str):
        return f"{entry}: must_fail is a string, not a tuple of test names (a missing comma: (\"{bug.must_fail}\",))"
    if not bug.must_fail:
        return f"{entry}: must_fail names no grader test"
    unknown = [t for t in bug.must_fail if t not in tests]
    if unknown:
        return (f"{entry}: must_fail names {', '.join(unknown)}, which the graders do not have "
                f"(their tests: {', '.join(sorted(tests))})")
    return ""


def checked_catalogue(exercise: Exercise, tests: set[str]) -> list[tuple[Bug, str]]:
    """The exercise's catalogue, each entry with its catalogue error ("" when it can be checked)."""
    try:
        bugs = exercise.bugs()
    except Exception as error:  # the catalogue itself cannot be read: one error; the rest is still audited
        return [(Bug("(catalogue)", "", "", (), "", exercise.name),
                 f"{exercise.name}'s catalogue.py could not be read: {type(error).__name__}: {error}")]
    return [(bug, catalogue_error(bug, exercise, tests, {b.name for b in bugs[:i]})) for i, bug in enumerate(bugs)]


def lost_points(result: ExerciseResult, tests: set[str] = frozenset()) -> dict[str, str]:
    """{test: message} of every test that cost points, and of each of `tests` that did not run."""
    ran = {t.name for t in result.tests}
    return {**{t.name: t.message for t in result.tests if t.score < t.max_score},
            **{name: "this grader test did not run" for name in sorted(tests - ran)}}


def judge_bug(bug: Bug, result: ExerciseResult) -> BugVerdict:
    lost = lost_points(result)
    graded = {t.name for t in result.tests}
    escaped = [t for t in bug.must_fail if t not in lost]
    verdict = BugVerdict(bug.name, bug.why, list(bug.must_fail), lost, escaped)
    if not graded:  # nothing ran: the graders never saw it (its problems say why)
        verdict.error = f"bug {bug.name} of {bug.exercise} was not graded: {'; '.join(result.problems)}"
    return verdict


def audit_exercise(exercise: Exercise, zygote: Zygote, seeds: int = 1,
                   settings: Settings = Settings()) -> ExerciseAudit:
    """Grade the exercise's bugs, unusual-correct solutions and reference (one session per seed shift)."""
    start = time.monotonic()
    tests = set(points_in(exercise.graders))
    checked = checked_catalogue(exercise, tests)
    bugs, errors = [bug for bug, _ in checked], [error for _, error in checked]
    correct = {"reference": exercise.reference, **{p.name: p for p in exercise.unusual()}}
    with tempfile.TemporaryDirectory(prefix=f"audit-{exercise.name}-") as folder:
        runnable = [(bug, Path(folder) / f"{i:03d}_{re.sub(r'[^A-Za-z0-9_]', '_', bug.name)}.py")
                    for i, (bug, error) in enumerate(zip(bugs, errors)) if not error]
        for bug, path in runnable:
            path.write_text(bug.source(), encoding="utf-8")
        paths = [path for _, path in runnable] + list(correct.values())
        results = grade_exercises(exercise.name, paths, zygote, extra_hide=[Path(folder)], settings=settings)
        for shift in range(1, seeds):
            results += grade_exercises(exercise.name, list(correct.values()), zygote, extra_hide=[Path(folder)],
                                       settings=settings, seed_shift=shift)
    judged = iter([judge_bug(bug, result) for (bug, _), result in zip(runnable, results)])
    verdicts = [BugVerdict(bug.name, bug.why, list(bug.must_fail), error=error) if error else next(judged)
                for bug, error in zip(bugs, errors)]
    solutions = [CorrectVerdict(name, i // len(correct), lost_points(result, tests), list(result.problems))
                 for i, (name, result) in enumerate(zip(list(correct) * seeds, results[len(runnable):]))]
    return ExerciseAudit(exercise.name, seeds, verdicts, solutions, round(time.monotonic() - start, 1))


def failures(audit: ExerciseAudit, fail_under: float | None = None) -> list[str]:
    """Why this exercise's audit fails (nothing when it passes)."""
    found = []
    if fail_under is not None and (audit.mutation_score is None or audit.mutation_score < fail_under):
        found.append(f"{audit.exercise}: mutation score {audit.caught}/{len(audit.bugs)} is below "
                     f"--fail-under {fail_under:g}")
    if audit.false_failures:
        found.append(f"{audit.exercise}: {len(audit.false_failures)} gradings of correct code lost points")
    errors = sum(bool(b.error) for b in audit.bugs)
    if errors:
        found.append(f"{audit.exercise}: {errors} catalogue errors")
    return found


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "(no message)"


def summary(audit: ExerciseAudit) -> list[str]:
    """What `autograder audit` prints about one exercise."""
    lines = [f"{audit.exercise}: {len(audit.bugs)} catalogued bugs, {audit.solution_count} correct solutions "
             f"(the reference and {audit.solution_count - 1} unusual), seeds {audit.seeds}, {audit.seconds:g} s",
             f"  mutation score: {audit.caught}/{len(audit.bugs)}" + ("" if audit.bugs else " (no catalogued bugs)")]
    errors = [f"    {bug.error}" for bug in audit.bugs if bug.error]
    if errors:
        lines += ["  catalogue errors (counted as not caught):", *errors]
    escaped = [bug for bug in audit.bugs if not bug.error and bug.escaped]
    lines.append(f"  escaped bugs: {len(escaped) or 'none'}")
    for bug in escaped:
        elsewhere = f"; it lost points on {', '.join(bug.lost)} only" if bug.lost else ""
        lines.append(f"    {bug.name} ({bug.why}): kept its points on {', '.join(bug.escaped)}, "
                     f"which should have caught it{elsewhere}")
    lines.append(f"  correct solutions that lost points: {len(audit.false_failures) or 'none'}")
    for solution in audit.false_failures:
        lost = [f"{test}: {first_line(message)}" for test, message in solution.lost.items()]
        for reason in lost + [f"loading: {first_line(problem)}" for problem in solution.problems]:
            lines.append(f"    {solution.name} (seed shift {solution.seed_shift}) {reason}")
    flake = audit.flake()
    lost, graded = sum(n for _, n, _ in flake), sum(g for _, _, g in flake)
    lines.append(f"  flake rate: {lost}/{graded} gradings of correct code lost points ("
                 + ", ".join(f"seed shift {s}: {n}/{g}" for s, n, g in flake) + ")")
    return lines
