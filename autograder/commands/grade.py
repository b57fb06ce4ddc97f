"""`autograder grade`: grade one submission (or several, with a score table)."""
from __future__ import annotations

import argparse
from pathlib import Path

from .. import config
from ..grading.results import Report
from ..load import SubmissionError, exercise_files
from ..reports import FORMATS, render
from .output import write_atomically


def score_table(reports: list[Report]) -> str:
    """One row per submission, one column per exercise."""
    exercises = [e for e in config.EXERCISES if any(x.exercise == e for r in reports for x in r.exercises)]
    header = ["submission", *exercises, "total"]
    rows = []
    for report in reports:
        by_name = {e.exercise: e for e in report.exercises}
        cells = [f"{by_name[e].score:g} / {by_name[e].max_score:g}" if e in by_name else "-" for e in exercises]
        rows.append([report.submission, *cells, f"{report.score:g} / {report.max_score:g}"])
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def run(args: argparse.Namespace) -> int:
    from ..sandbox.zygote import Zygote

    if args.output and len(args.submissions) > 1:
        raise SubmissionError("-o takes one submission")
    exercises = [args.exercise] if args.exercise else None
    for path in args.submissions:
        if not path.exists():
            raise SubmissionError(f"{path} does not exist")
        exercise_files(path, exercises)  # fails early when no exercise can be told
    with Zygote() as zygote:  # warms up (imports torch) while this process imports the graders
        from ..grading.run import grade

        reports = []
        for path in args.submissions:
            hide = [path if path.is_dir() else path.parent] + ([args.output.parent] if args.output else [])
            reports.append(grade(path, exercises, zygote=zygote, extra_hide=hide))
    if len(reports) == 1:
        report = reports[0]
        if args.output:
            write_atomically(args.output, render(report, args.format))
            print(render(report, "text"))
        else:
            print(render(report, args.format))
    else:
        for report in reports:
            print(render(report, "text"), end="\n\n")
        print(score_table(reports))
    if args.fail_under is not None and any(r.score < args.fail_under for r in reports):
        return 1
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("grade", help="grade one submission (or several, with a score table)")
    parser.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION",
                        help="a notebook, a .py file, or a folder with one file per exercise")
    parser.add_argument("--exercise", choices=config.EXERCISES,
                        help="which exercise (default: read from the file names)")
    parser.add_argument("--format", choices=sorted(FORMATS), default="text")
    parser.add_argument("-o", "--output", type=Path, help="write the report here instead of to stdout")
    parser.add_argument("--fail-under", type=float, metavar="SCORE",
                        help="exit with status 1 when a total score is below SCORE")
    parser.set_defaults(run=run)
