"""The `autograder` command. Exit status: 0 graded, 1 below --fail-under, 2 the kit was misused
(or a report could not be written)."""
from __future__ import annotations

import argparse
import sys

from .commands import audit, grade, grade_all, gradescope_zip, nbgrader_course, report
from .config import Settings
from .errors import UsageError

COMMANDS = [grade, grade_all, report, gradescope_zip, nbgrader_course, audit]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="autograder", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(commands)
    return top


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a name the terminal's encoding cannot show is not an error
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    args = parser().parse_args(argv)
    args.settings = Settings.from_environment()  # the only place the command line reads the environment
    try:
        return args.run(args)
    except UsageError as error:
        print(f"autograder: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
