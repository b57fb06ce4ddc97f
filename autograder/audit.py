"""The audit of the graders: do they still catch every catalogued bug, and keep every correct solution whole?

For one exercise, its catalogue's bugs (Bug.source()), its unusual-correct solutions
(Exercise.unusual()) and its reference go through its graders exactly as grading does
(grade_exercises: the sandbox, one pytest session for the whole batch; with --jobs N spread over
grade-all's worker pool, a few per session, each grading still the same). A bug is caught when it
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
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Iterator

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


@dataclass
class AuditPlan:
    """What one exercise's audit grades: its checkable bugs (their sources written to a folder) and its
    correct solutions, at every seed shift."""
    exercise: Exercise
    seeds: int
    bugs: list[Bug]
    errors: list[str]                # per bug, its catalogue error ("" when it can be checked)
    runnable: list[tuple[Bug, Path]]  # the checkable bugs, each with its source's file
    correct: dict[str, Path]          # "reference" and the unusual-correct solutions

    def sessions(self) -> list[tuple[int, list[Path]]]:
        """(seed shift, the files graded at it): the bugs and correct solutions at 0, the correct ones
        again at every other shift."""
        bugs = [path for _, path in self.runnable]
        return [(shift, (bugs if shift == 0 else []) + list(self.correct.values())) for shift in range(self.seeds)]

    def judge(self, results: list[ExerciseResult], seconds: float) -> ExerciseAudit:
        """The audit from the results of every file of sessions(), in that order."""
        tests = set(points_in(self.exercise.graders))
        judged = iter([judge_bug(bug, result) for (bug, _), result in zip(self.runnable, results)])
        verdicts = [BugVerdict(bug.name, bug.why, list(bug.must_fail), error=error) if error else next(judged)
                    for bug, error in zip(self.bugs, self.errors)]
        correct = list(self.correct)
        solutions = [CorrectVerdict(name, i // len(correct), lost_points(result, tests), list(result.problems))
                     for i, (name, result) in enumerate(zip(correct * self.seeds, results[len(self.runnable):]))]
        return ExerciseAudit(self.exercise.name, self.seeds, verdicts, solutions, round(seconds, 1))


def plan_audit(exercise: Exercise, seeds: int, folder: Path) -> AuditPlan:
    """The exercise's audit, its bugs' sources written to folder (which sandboxes must not see)."""
    checked = checked_catalogue(exercise, set(points_in(exercise.graders)))
    bugs, errors = [bug for bug, _ in checked], [error for _, error in checked]
    runnable = [(bug, folder / f"{i:03d}_{re.sub(r'[^A-Za-z0-9_]', '_', bug.name)}.py")
                for i, (bug, error) in enumerate(zip(bugs, errors)) if not error]
    for bug, path in runnable:
        path.write_text(bug.source(), encoding="utf-8")
    correct = {"reference": exercise.reference, **{p.name: p for p in exercise.unusual()}}
    return AuditPlan(exercise, seeds, bugs, errors, runnable, correct)


def audit_exercise(exercise: Exercise, zygote: Zygote, seeds: int = 1,
                   settings: Settings = Settings()) -> ExerciseAudit:
    """Grade the exercise's bugs, unusual-correct solutions and reference in this process (one
    session per seed shift)."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"audit-{exercise.name}-") as folder:
        plan = plan_audit(exercise, seeds, Path(folder))
        results = [result for shift, paths in plan.sessions() for result in grade_exercises(
            exercise.name, paths, zygote, extra_hide=[Path(folder)], settings=settings, seed_shift=shift)]
    return plan.judge(results, time.monotonic() - start)


class ParallelAudit:
    """Audits whose gradings are spread over grade-all's pool (batch/workers.py: a warm zygote and a
    sandbox user per worker), a few per pytest session. Each grading is the one the sequential audit
    makes, so the verdicts are the same; only the sessions are cut otherwise."""

    def __init__(self, jobs: int, settings: Settings = Settings()):
        from .batch.workers import WorkerPool

        self._folder = tempfile.TemporaryDirectory(prefix="audit-")  # the bugs' sources: hidden from sandboxes
        self._pool = WorkerPool(jobs, hide=[Path(self._folder.name)], settings=settings)
        self._closed = False

    def audit(self, exercises: list[Exercise], seeds: int = 1) -> Iterator[ExerciseAudit]:
        """Every exercise's audit, in the order given, each as soon as it and those before it are
        judged; its seconds: from the start until its last grading was in (the exercises share the workers)."""
        from .batch.discover import Job

        start = time.monotonic()
        plans = [plan_audit(e, seeds, Path(tempfile.mkdtemp(prefix=f"{e.name}-", dir=self._folder.name)))
                 for e in exercises]
        jobs: dict[Job, tuple[int, int]] = {}  # each grading: its exercise's plan, its place in the plan's results
        wanted = []  # per plan: how many gradings
        for k, plan in enumerate(plans):
            files = [(shift, path) for shift, paths in plan.sessions() for path in paths]
            for n, (shift, path) in enumerate(files):
                jobs[Job(f"{k:03d}/{n:04d}", plan.exercise.name, path, "", seed_shift=shift)] = k, n
            wanted.append(len(files))
        results: list[dict[int, ExerciseResult]] = [{} for _ in plans]
        seconds = [0.0] * len(plans)
        done = 0
        for job, result in self._pool.grade(list(jobs)):
            k, n = jobs[job]
            if job in self._pool.failed:  # the pool gave up (its worker died twice): not graded, so not caught
                result = replace(result, tests=[])
            results[k][n] = result
            if len(results[k]) == wanted[k]:
                seconds[k] = time.monotonic() - start
            while done < len(plans) and len(results[done]) == wanted[done]:
                yield plans[done].judge([results[done][n] for n in range(wanted[done])], seconds[done])
                done += 1

    def close(self, cancel: bool = False) -> None:
        """Stop the workers (once: closing again does nothing)."""
        if not self._closed:
            self._closed = True
            self._pool.close(cancel)
            self._folder.cleanup()

    def __enter__(self) -> "ParallelAudit":
        return self

    def __exit__(self, kind, error, trace) -> None:
        self.close(cancel=kind is not None)


def gradings(exercise: Exercise, seeds: int = 1) -> int:
    """How many gradings the exercise's audit makes."""
    checked = checked_catalogue(exercise, set(points_in(exercise.graders)))
    return sum(not error for _, error in checked) + seeds * (1 + len(exercise.unusual()))


def audit_all(exercises: list[Exercise], jobs: int = 1, seeds: int = 1,
              settings: Settings = Settings()) -> Iterator[ExerciseAudit]:
    """Each exercise's audit, in order, on a pool of at most `jobs` workers, and no more than the
    gradings fill pool batches (a worker's start costs a few seconds: torch and a zygote); with one
    worker in this process, one session per exercise and shift."""
    batches = -(-sum(gradings(e, seeds) for e in exercises) // settings.batch_size)
    if min(jobs, batches) > 1:
        with ParallelAudit(min(jobs, batches), settings) as auditor:
            yield from auditor.audit(exercises, seeds)
    else:
        with Zygote(settings=settings) as zygote:
            for exercise in exercises:
                yield audit_exercise(exercise, zygote, seeds, settings)


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
