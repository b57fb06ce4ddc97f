"""`autograder report OUTDIR`: every class report again from OUTDIR's stored results alone.

For sharded grading: after the `grade-all --shard K/N` runs' OUTDIRs are copied into one (their
results/ folders never overlap), this writes the gradebook, the summary and every student's files
for the whole class. No submission is read and nothing is graded.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UsageError
from ..reports.text import score_table


def run(args: argparse.Namespace) -> int:
    from ..batch.store import ResultStore
    from ..reports.classroom import write_class_reports
    from ..reports.summary import isolation_line

    if not args.outdir.is_dir():
        raise UsageError(f"{args.outdir} is not a folder of grade-all results")
    reports = ResultStore(args.outdir, args.settings).reports()
    summary = write_class_reports(reports, args.outdir)
    print(score_table(list(reports.values())))
    print(f"\n{isolation_line(reports)}")
    print(f"reports of {len(reports)} students written from the stored results; open {summary}")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("report", help="write every class report from OUTDIR's stored results")
    parser.add_argument("outdir", type=Path, metavar="OUTDIR", help="a grade-all output folder (results/ inside)")
    parser.set_defaults(run=run)
