"""Build the student repository: templates/student-repo/ plus the released notebooks from assignments/.

    python templates/make_student_repo.py [DEST] [--kit SPEC] [--fail-under SCORE]

DEST (default out/student-repo) gets the template (README for students, the grading workflow in
.github/workflows/grade.yml) and every registered exercise's notebook. The notebooks are copied at
build time, never kept in templates/: assignments/ stays their one source. What the template says
of the exercises (@NOTEBOOKS_TABLE@, @NOTEBOOKS@, @TOTAL_POINTS@) is filled in from the registry.
--kit and --fail-under set the workflow's AUTOGRADER_KIT (the kit's pinned install spec) and
FAIL_UNDER (default: every test passes). `make student-repo` runs this.
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

from autograder.exercises import registry, total_points
from autograder.exercises.tables import notebooks_table, number

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "student-repo"
WORKFLOW = Path(".github") / "workflows" / "grade.yml"
FILLED = ("README.md", WORKFLOW)  # the template's files that say something of the exercises


def fill(text: str) -> str:
    """A template file with what it says of the exercises filled in from the registry."""
    values = {"NOTEBOOKS_TABLE": notebooks_table(), "NOTEBOOKS": " ".join(e.notebook.name for e in registry()),
              "TOTAL_POINTS": number(total_points())}
    text = re.sub(r"@([A-Z_]+)@", lambda m: values.get(m[1], m[0]), text)
    if left := re.findall(r"@[A-Z_]+@", text):
        raise ValueError(f"the template holds {', '.join(left)}, which make_student_repo.py does not fill in")
    return text


def set_env(workflow: str, name: str, value: str) -> str:
    """The workflow with its top-level env variable `name` set to `value` (a YAML double-quoted string)."""
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    new, count = re.subn(rf"(?m)^(  {name}: ).*$", lambda m: m.group(1) + quoted, workflow)
    if count != 1:
        raise ValueError(f"{name} is not set exactly once in {WORKFLOW}")
    return new


def build(dest: Path, kit: str | None = None, fail_under: float | None = None) -> Path:
    """Write the student repository to `dest` (replacing what the template owns there)."""
    if kit is not None and not re.search(r"==\s*[\w.]+$|@\s*\S+@[^@/\s]+$", kit):
        raise ValueError(f"--kit must be pinned to a tag or commit, e.g. "
                         f"'rnn-autograder[reports] @ git+https://github.com/ORG/REPO@v0.1.0', not {kit!r}")
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(TEMPLATE, dest, dirs_exist_ok=True)
    for name in FILLED:
        (dest / name).write_text(fill((TEMPLATE / name).read_text()))
    for exercise in registry():
        shutil.copy(exercise.notebook, dest / exercise.notebook.name)
    workflow = (dest / WORKFLOW).read_text()
    if kit is not None:
        workflow = set_env(workflow, "AUTOGRADER_KIT", kit)
    if fail_under is not None:
        workflow = set_env(workflow, "FAIL_UNDER", f"{fail_under:g}")
    (dest / WORKFLOW).write_text(workflow)
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dest", nargs="?", type=Path, default=ROOT / "out" / "student-repo")
    parser.add_argument("--kit", help="pip requirement for the kit, pinned: "
                                      "'rnn-autograder[reports] @ git+https://github.com/ORG/REPO@TAG'")
    parser.add_argument("--fail-under", type=float, metavar="SCORE", help=f"passing score (of {number(total_points())}; default: every test passes)")
    args = parser.parse_args(argv)
    try:
        dest = build(args.dest, args.kit, args.fail_under)
    except ValueError as error:
        print(f"make_student_repo: {error}", file=sys.stderr)
        return 2
    print(f"wrote the student repository to {dest}")
    if re.search(r"(?m)^  AUTOGRADER_KIT: .*OWNER/REPO", (dest / WORKFLOW).read_text()):
        print("note: AUTOGRADER_KIT still names OWNER/REPO; pass --kit or edit", dest / WORKFLOW)
    return 0


if __name__ == "__main__":
    sys.exit(main())
