"""Grading a class: what is stored is kept, what is missing or changed is graded by the pool."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ..config import Settings
from ..errors import UsageError
from ..grading.results import ExerciseResult, Report
from .discover import Job, discover
from .progress import Progress
from .shard import Shard
from .store import ResultStore
from .workers import WorkerPool


def grade_class(root: Path, out: Path, jobs: int, exercises: list[str] | None = None,
                scheduler: str | None = None, shard: Shard | None = None,
                settings: Settings = Settings(), counts: dict[str, int] | None = None) -> dict[str, Report]:
    """Grade what is not graded yet; return every student's report (stored and new).

    scheduler: grade on a Dask cluster (batch/cluster.py) instead of the local pool.
    shard: only the students of this shard.
    counts: filled with how many students were "up to date" (every result stored) and "graded".
    """
    found = discover(root, exercises)
    if not found:
        raise UsageError(f"{root} holds no submissions (a folder per student, or an nbgrader tree)")
    all_jobs = [job for job in found if shard is None or shard.holds(job.student)]
    store = ResultStore(out, settings)
    results: dict[Job, ExerciseResult] = {}
    for job in all_jobs:
        stored = store.load(job)
        if stored is not None:
            results[job] = stored
    todo = [job for job in all_jobs if job not in results]
    students = sorted({job.student for job in all_jobs})
    remaining = defaultdict(int)
    for job in todo:
        remaining[job.student] += 1
    progress = Progress(len(students), already=len(students) - len(remaining))
    if counts is not None:
        counts.update(up_to_date=len(students) - len(remaining), graded=len(remaining))
    if todo:
        hide = [root.resolve(), out.resolve()]
        if scheduler is None:
            pool = WorkerPool(jobs, hide=hide, settings=settings)
        else:
            from .cluster import DaskPool  # the optional `cluster` extra
            pool = DaskPool(scheduler, jobs, hide=hide, settings=settings)
        try:
            for job, result in pool.grade(todo):
                result.problems[:0] = job.notes  # e.g. another file that also looked like this exercise
                if job.note:  # e.g. a clash: the gradebook and the summary say why nothing was graded
                    result.data["note"] = job.note
                    result.limits.append("not graded: " + job.note.split(":")[0])
                results[job] = result
                if job not in pool.failed:  # a failure of the kit's own worker is tried again next run
                    store.save(job, result)
                remaining[job.student] -= 1
                if remaining[job.student] == 0:
                    progress.advance()
        except BaseException:
            pool.close(cancel=True)
            raise
        pool.close()
    reports: dict[str, Report] = {}
    for job in all_jobs:
        report = reports.setdefault(job.student, Report(submission=job.student))
        report.exercises.append(results[job])
    return reports
