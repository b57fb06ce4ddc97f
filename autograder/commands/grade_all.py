"""`autograder grade-all`: grade a whole class in parallel, resumably, with class reports."""
from __future__ import annotations

import argparse
import importlib.util
import os
import re
import sys
import time
from pathlib import Path

from ..exercises import names as exercise_names
from ..batch.shard import Shard
from ..errors import UsageError
from ..reports.text import score_table


def scheduler_address(text: str) -> str:
    """`local` or a Dask scheduler's address (tcp://host:port, tls://..., or host:port)."""
    if text == "local" or re.fullmatch(r"([a-z][a-z0-9+]*://)?\[?[\w.:-]+\]?:\d+", text):
        return text
    raise argparse.ArgumentTypeError(f"expected 'local' or an address such as tcp://10.0.0.5:8786, got {text!r}")


def shard_spec(text: str) -> Shard:
    try:
        return Shard.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def run(args: argparse.Namespace) -> int:
    from ..batch.grade_class import grade_class
    from ..reports.classroom import ReportsNotWritten, write_class_reports
    from ..reports.summary import isolation_line

    if not args.submissions.is_dir():
        raise UsageError(f"{args.submissions} is not a folder of submissions")
    if args.scheduler and importlib.util.find_spec("distributed") is None:
        raise UsageError("--scheduler needs Dask: pip install 'rnn-autograder[cluster]'")
    started = time.monotonic()
    exercises = [args.exercise] if args.exercise else None
    counts: dict[str, int] = {}
    try:
        reports = grade_class(args.submissions, args.output, args.jobs, exercises, args.scheduler, args.shard,
                              args.settings, counts)
    except KeyboardInterrupt:
        print("\ninterrupted: results decided so far are kept; run the same command again to finish",
              file=sys.stderr)
        return 130
    try:
        summary, unwritten = write_class_reports(reports, args.output), []
    except ReportsNotWritten as error:  # every other report was written
        summary, unwritten = args.output / "summary.html", error.problems
    print(score_table(list(reports.values())))
    print(f"\n{isolation_line(reports)}")
    shard = f" (shard {args.shard})" if args.shard else ""
    stored = f"{counts['up_to_date']} up to date (their stored results kept), " if counts.get("up_to_date") else ""
    print(f"{len(reports)} students{shard}: {stored}{counts.get('graded', 0)} graded, in "
          f"{time.monotonic() - started:.1f} s; open {summary}")
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
    parser.add_argument("--exercise", choices=exercise_names(), help="grade only this exercise")
    parser.add_argument("--scheduler", type=scheduler_address, metavar="ADDRESS",
                        help="grade on the workers of this Dask scheduler (tcp://host:port), or 'local' "
                             "for a local Dask cluster of --jobs workers; needs the `cluster` extra")
    parser.add_argument("--shard", type=shard_spec, metavar="K/N",
                        help="grade only the students of shard K of N (1 <= K <= N), e.g. one task of a "
                             "Slurm job array; `autograder report` joins the shards' results")
    parser.set_defaults(run=run)
