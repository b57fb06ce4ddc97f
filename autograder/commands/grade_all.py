"""`autograder grade-all`: grade a whole class in parallel, resumably, with class reports."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .. import config
from ..load import SubmissionError
from ..reports.text import score_table


def run(args: argparse.Namespace) -> int:
    from ..batch.grade_class import grade_class
    from ..reports.classroom import ReportsNotWritten, write_class_reports

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
    try:
        summary, unwritten = write_class_reports(reports, args.output), []
    except ReportsNotWritten as error:  # every other report was written
        summary, unwritten = args.output / "summary.html", error.problems
    print(score_table(list(reports.values())))
    print(f"\ngraded {len(reports)} students in {time.monotonic() - started:.1f} s; open {summary}")
    for problem in unwritten:
        print(f"autograder: {problem}", file=sys.stderr)
    return 2 if unwritten else 0


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("grade-all", help="grade a whole class in parallel, resumably")
    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS",
                        help="an nbgrader tree (submitted/<student>/<assignment>/) or a folder with "
                             "one folder or file per student")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel workers (default: cores)")
    parser.add_argument("-o", "--output", type=Path, default=Path("grades"), help="where results and reports go")
    parser.add_argument("--exercise", choices=config.EXERCISES, help="grade only this exercise")
    parser.set_defaults(run=run)
