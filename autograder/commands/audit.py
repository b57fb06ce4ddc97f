"""`autograder audit`: after changing the graders, do they still catch every catalogued bug and keep
every correct solution (reference and unusual-correct) at full marks, over several seeds?

Exit status: 0 the audit passed, 1 a mutation score below --fail-under, a false failure or a
catalogue error, 2 the kit was misused.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from ..exercises import get as get_exercise, names as exercise_names, registry
from ..files import write_atomically


def fraction(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"expected a fraction between 0 and 1, got {text}")
    return value


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {text}")
    return value


def run(args: argparse.Namespace) -> int:
    from ..audit import audit_all, failures, summary

    exercises = [get_exercise(args.exercise)] if args.exercise else list(registry())
    start = time.monotonic()
    audits, problems = [], []
    for audit in audit_all(exercises, args.jobs, args.seeds, args.settings):
        print("\n".join(summary(audit)), flush=True)
        audits.append(audit)
        problems += failures(audit, args.fail_under)
    seconds = round(time.monotonic() - start, 1)
    caught, total = sum(a.caught for a in audits), sum(len(a.bugs) for a in audits)
    print(f"\naudit of {len(audits)} exercises: mutation score {caught}/{total}, "
          f"{sum(len(a.false_failures) for a in audits)} false failures, {seconds:g} s")
    for problem in problems:
        print(f"FAILED {problem}")
    if args.json:
        try:
            write_atomically(args.json, json.dumps({
                "seeds": args.seeds, "fail_under": args.fail_under, "seconds": seconds, "passed": not problems,
                "failures": problems, "exercises": [a.to_dict() for a in audits]}, indent=1) + "\n")
        except OSError as error:
            print(f"autograder: could not write {args.json}: {error}", file=sys.stderr)
            return 2
    return 1 if problems else 0


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "audit", help="check the graders: catalogued bugs caught, correct solutions at full marks, flake rate")
    parser.add_argument("--exercise", choices=exercise_names(), help="audit this exercise only (default: all)")
    parser.add_argument("--seeds", type=positive, default=1, metavar="N",
                        help="grade the reference and the unusual-correct solutions with N seed shifts "
                             "(0 .. N-1; default 1) and report the flake rate")
    parser.add_argument("--jobs", type=positive, default=os.cpu_count() or 1, metavar="N",
                        help="grade on up to N parallel workers, each with its own warm sandbox (default: "
                             "cores; fewer for a small audit); 1 grades in this process; the verdicts are the same")
    parser.add_argument("--fail-under", type=fraction, metavar="SCORE",
                        help="exit with status 1 when an exercise's mutation score (caught / catalogued "
                             "bugs) is below SCORE, a fraction such as 0.95")
    parser.add_argument("--json", type=Path, metavar="FILE",
                        help="also write the audit to FILE as JSON (every bug's verdict, every grading of "
                             "correct code, the flake rate per seed shift)")
    parser.set_defaults(run=run)
