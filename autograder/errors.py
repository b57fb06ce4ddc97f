"""The kit misused: a missing path, an unknown option, nothing gradable, another kit's results.

Not SubmissionError (load.py), whose message is for a student and whose submission gets zero: a
UsageError stops the command with its message and exit status 2 (cli.py).
"""


class UsageError(Exception):
    """The command cannot run as asked; str() tells the instructor what to change."""
