"""The `autograder` command. Exit status: 0 graded, 1 below --fail-under, 2 the kit was misused."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from . import config
from .grading.results import Report
from .load import SubmissionError
from .reports import FORMATS, render


def write_atomically(path: Path, text: str) -> None:
    """Readers see the old file or the whole new one, never a half-written one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def score_table(reports: list[Report]) -> str:
    """One row per submission, one column per exercise: the demo's summary."""
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


def cmd_grade(args: argparse.Namespace) -> int:
    from .load import exercise_files
    from .sandbox.zygote import Zygote

    exercises = [args.exercise] if args.exercise else None
    for path in args.submissions:
        if not path.exists():
            raise SubmissionError(f"{path} does not exist")
        exercise_files(path, exercises)  # fails early when no exercise can be told
    with Zygote() as zygote:  # warms up (imports torch) while this process imports the graders
        from .grading.run import grade

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


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="autograder", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)
    grade = commands.add_parser("grade", help="grade one submission (or several, with a summary table)")
    grade.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION",
                       help="a notebook, a .py file, or a folder with one file per exercise")
    grade.add_argument("--exercise", choices=config.EXERCISES,
                       help="which exercise (default: read from the file names)")
    grade.add_argument("--format", choices=sorted(FORMATS), default="text")
    grade.add_argument("-o", "--output", type=Path, help="write the report here instead of to stdout")
    grade.add_argument("--fail-under", type=float, metavar="SCORE",
                       help="exit with status 1 when a total score is below SCORE")
    grade.set_defaults(run=cmd_grade)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "output", None) and len(args.submissions) > 1:
        parser().error("-o takes one submission")
    try:
        return args.run(args)
    except SubmissionError as error:
        print(f"autograder: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
