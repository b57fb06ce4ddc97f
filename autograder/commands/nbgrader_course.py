"""`autograder nbgrader-course DIR`: build the nbgrader course of the unit from the kit's sources."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UsageError


def run(args: argparse.Namespace) -> int:
    from ..nbgrader_course import CourseError, build_course

    try:
        written = build_course(args.directory, assignment=args.assignment, course_id=args.course_id)
    except CourseError as error:
        raise UsageError(f"cannot build the course: {error}") from None
    for path in written:
        print(f"wrote {path}")
    print(f"\nNext, in {args.directory}: nbgrader generate_assignment {args.assignment} "
          "(see 'Grading with nbgrader' in the README)")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    from ..nbgrader_course import COURSE_ID, DEFAULT_ASSIGNMENT

    parser = commands.add_parser(
        "nbgrader-course", help="write an nbgrader course (config and source notebooks) for the unit")
    parser.add_argument("directory", type=Path, metavar="DIR",
                        help="the course directory (created if needed; its source notebooks are rewritten)")
    parser.add_argument("--assignment", default=DEFAULT_ASSIGNMENT,
                        help=f"the nbgrader assignment name (default: {DEFAULT_ASSIGNMENT})")
    parser.add_argument("--course-id", default=COURSE_ID, help=f"nbgrader course id (default: {COURSE_ID})")
    parser.set_defaults(run=run)
