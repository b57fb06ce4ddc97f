"""`autograder grade`: grade one submission (or several, with a score table)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..exercises import names as exercise_names
from ..errors import UsageError
from ..matching import exercise_files
from ..reports import FORMATS, render
from ..reports.text import score_table
from ..files import write_atomically


def report_spec(text: str) -> tuple[str, Path]:
    """FORMAT=PATH, as --report takes it."""
    fmt, _, path = text.partition("=")
    if fmt not in FORMATS or not path:
        raise argparse.ArgumentTypeError(f"expected FORMAT=PATH with FORMAT one of {', '.join(sorted(FORMATS))}, "
                                         f"got {text!r}")
    return fmt, Path(path)


def run(args: argparse.Namespace) -> int:
    from ..sandbox.zygote import Zygote

    files = ([(args.format, args.output)] if args.output else []) + args.report
    if files and len(args.submissions) > 1:
        raise UsageError("-o and --report take one submission")
    exercises = [args.exercise] if args.exercise else None
    for path in args.submissions:
        if not path.exists():
            raise UsageError(f"{path} does not exist")
        exercise_files(path, exercises)  # fails early when no exercise can be told
    # warms up (imports torch) while this process imports the graders
    with Zygote(settings=args.settings) as zygote:
        from ..grading.run import grade

        reports = []
        for path in args.submissions:
            # Absolute paths: the sandbox starts in /, where a relative "." would be all of /.
            hide = [(path if path.is_dir() else path.parent).resolve(),
                    *(file.resolve().parent for _, file in files), *(p.resolve() for p in args.hide)]
            reports.append(grade(path, exercises, zygote=zygote, extra_hide=hide, settings=args.settings))
    unwritten = []
    if len(reports) == 1:
        report = reports[0]
        for fmt, file in files:  # one grading run, every report from it; one failing does not stop the others
            try:
                write_atomically(file, render(report, fmt))
            except Exception as error:  # e.g. an unwritable folder
                unwritten.append(f"could not write the {fmt} report {file}: {error}")
        print(render(report, "text" if args.output else args.format))
    else:
        for report in reports:
            print(render(report, "text"), end="\n\n")
        print(score_table(reports))
    for problem in unwritten:
        print(f"autograder: {problem}", file=sys.stderr)
    if unwritten:
        return 2
    if args.fail_under is not None and any(r.score < args.fail_under for r in reports):
        return 1
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("grade", help="grade one submission (or several, with a score table)")
    parser.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION",
                        help="a notebook, a .py file, or a folder with one file per exercise")
    parser.add_argument("--exercise", choices=exercise_names(),
                        help="which exercise (default: read from the file names)")
    parser.add_argument("--format", choices=sorted(FORMATS), default="text",
                        help="the report's format: text (default, for a terminal), gradescope "
                             "(results.json), junit (XML for CI), markdown (a CI job summary)")
    parser.add_argument("-o", "--output", type=Path, help="write the report here instead of to stdout")
    parser.add_argument("--report", action="append", default=[], type=report_spec, metavar="FORMAT=PATH",
                        help="also write the report in FORMAT to PATH (repeatable): several reports from "
                             "one grading run, e.g. --report junit=out/junit.xml --report markdown=out/summary.md")
    parser.add_argument("--hide", action="append", default=[], type=Path, metavar="DIR",
                        help="a folder the submission's code must not see (repeatable), e.g. the autograder's "
                             "own files on a grading server")
    parser.add_argument("--fail-under", type=float, metavar="SCORE",
                        help="exit with status 1 when a total score is below SCORE")
    parser.set_defaults(run=run)
