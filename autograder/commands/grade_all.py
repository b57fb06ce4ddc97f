"""`autograder grade-all`: grade a whole class in parallel, resumably, with class reports."""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

from .. import config
from ..batch.discover import Job, discover
from ..batch.progress import Progress
from ..batch.store import ResultStore
from ..grading.results import ExerciseResult, Report
from ..load import SubmissionError
from .grade import score_table


def grade_class(root: Path, out: Path, jobs: int, exercises: list[str] | None = None,
                quiet: bool = False) -> dict[str, Report]:
    """Grade what is not graded yet; return every student's report (stored and new)."""
    from ..batch.workers import WorkerPool

    all_jobs = discover(root, exercises)
    store = ResultStore(out)
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
    progress = Progress(len(students), len(students) - len(remaining), stream=open(os.devnull, "w") if quiet else sys.stderr)
    if todo:
        pool = WorkerPool(jobs, hide=[root.resolve(), out.resolve()])
        try:
            for job, result in pool.grade(todo):
                results[job] = result
                store.save(job, results[job])
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


def run(args: argparse.Namespace) -> int:
    from ..reports.classroom import write_class_reports

    if not args.submissions.is_dir():
        raise SubmissionError(f"{args.submissions} is not a folder of submissions")
    started = time.monotonic()
    exercises = [args.exercise] if args.exercise else None
    try:
        reports = grade_class(args.submissions, args.output, args.jobs, exercises)
    except KeyboardInterrupt:
        print("\ninterrupted: results decided so far are kept; run the same command again to finish",
              file=sys.stderr)
        return 130
    summary = write_class_reports(reports, args.output)
    print(score_table(list(reports.values())))
    print(f"\ngraded {len(reports)} students in {time.monotonic() - started:.1f} s; open {summary}")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("grade-all", help="grade a whole class in parallel, resumably")
    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS",
                        help="an nbgrader tree (submitted/<student>/<assignment>/) or a folder with "
                             "one folder or file per student")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel workers (default: cores)")
    parser.add_argument("-o", "--output", type=Path, default=Path("grades"), help="where results and reports go")
    parser.add_argument("--exercise", choices=config.EXERCISES, help="grade only this exercise")
    parser.set_defaults(run=run)
