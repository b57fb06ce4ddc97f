"""`autograder gradescope-zip`: build the zip a TA uploads to Gradescope as the assignment's autograder.

The zip holds, at its root (Gradescope's autograder specification):

    setup.sh          run once, as root, when Gradescope builds the image: Python, torch 2.13.0
                      from the CPU-only index, the pinned requirements, then the kit from kit/
    run_autograder    run for every submission: grades /autograder/submission into
                      /autograder/results/results.json
    requirements.txt  the kit's dependencies pinned to the versions this kit was built and tested with
    kit/              the kit's source (every registered exercise's graders, reference solution and
                      released notebook included); Gradescope never shows the zip to students, and
                      the sandbox hides it from their code

The zip is reproducible: the same kit gives the same bytes (fixed timestamps, sorted entries).
"""
from __future__ import annotations

import argparse
import importlib.metadata
import re
import sys
import zipfile
from pathlib import Path

import autograder
import solutions

from .. import config
from ..exercises import names as exercise_names
from ..errors import UsageError

DISTRIBUTION = "rnn-autograder"
TORCH = "2.13.0"  # exactly: any looser request may pull a multi-GB CUDA build
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
VENV = "/opt/rnn-autograder/venv"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image (an Ubuntu base image).
# Made by `autograder gradescope-zip`: installs Python {python}, torch {torch} (CPU build) and the kit.
set -euo pipefail

SOURCE="$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)"    # /autograder/source
PYTHON_VERSION="{python}"                                  # the Python the zip was built with
VENV="{venv}"                                   # run_autograder grades with this venv
export DEBIAN_FRONTEND=noninteractive

if ! "python$PYTHON_VERSION" -m venv --help >/dev/null 2>&1 || ! "python$PYTHON_VERSION" -c 'import ensurepip' 2>/dev/null; then
    apt-get update
    if ! apt-get install -y --no-install-recommends "python$PYTHON_VERSION" "python$PYTHON_VERSION-venv"; then
        # Not in this Ubuntu release's archive: take it from the deadsnakes PPA.
        apt-get install -y --no-install-recommends software-properties-common gpg-agent
        add-apt-repository -y ppa:deadsnakes/ppa
        apt-get update
        apt-get install -y --no-install-recommends "python$PYTHON_VERSION" "python$PYTHON_VERSION-venv"
    fi
fi

"python$PYTHON_VERSION" -m venv "$VENV"
"$VENV/bin/python" -m pip install --upgrade pip
# torch first, pinned exactly, from the CPU-only index: from PyPI it would be a multi-GB CUDA build.
"$VENV/bin/python" -m pip install "torch=={torch}" --index-url {torch_index}
"$VENV/bin/python" -m pip install -r "$SOURCE/requirements.txt"
# The kit itself (graders and reference solutions inside), not editable: nothing refers to kit/ afterwards.
"$VENV/bin/python" -m pip install --no-deps "$SOURCE/kit"
"$VENV/bin/python" -c 'import autograder.exercises, numpy, torch; print("rnn-autograder ready: torch", torch.__version__)'

# Defence in depth (the sandbox also hides these): only root may read the graders, the reference
# solutions and this folder; the submission's code runs as an unprivileged user.
SITE="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
chmod -R go-rwx "$SITE/solutions" "$SITE/autograder/exercises" "$SOURCE"
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this for every submission, as root, in /autograder. Made by `autograder gradescope-zip`.
# The student's files are in $ROOT/submission; Gradescope reads $ROOT/results/results.json.
# AUTOGRADER_ROOT and AUTOGRADER_PYTHON exist for testing this script outside Gradescope.
set -euo pipefail

ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{AUTOGRADER_PYTHON:-{venv}/bin/python}}"
mkdir -p "$ROOT/results"

# --hide "$ROOT": the student's code sees nothing of /autograder: this zip (graders, reference
# solutions), the submission metadata, the results.
exec "$PYTHON" -m autograder grade "$ROOT/submission"{exercise_args} --hide "$ROOT" --format gradescope \
    -o "$ROOT/results/results.json"
"""


def kit_checkout() -> Path:
    """The kit's source checkout (the folder holding pyproject.toml); UsageError without one."""
    root = Path(autograder.__file__).resolve().parent.parent
    if not (root / "pyproject.toml").is_file() or Path(solutions.__file__).resolve().parent.parent != root:
        raise UsageError("gradescope-zip bundles the kit's source: run it from a clone of the kit's "
                         "repository (with the kit installed from it, e.g. by `make demo`)")
    return root


def _public_version(version: str) -> str:
    return version.split("+", 1)[0]  # 2.13.0+cpu -> 2.13.0


def pinned_requirements() -> list[str]:
    """The kit's runtime dependencies (plus matplotlib, which notebooks often use) at the installed versions."""
    names = []
    for requirement in importlib.metadata.requires(DISTRIBUTION) or []:
        name = re.match(r"[A-Za-z0-9._-]+", requirement).group(0)
        marker = requirement.partition(";")[2]
        if "extra" in marker and "reports" not in marker:
            continue  # the nbgrader extra is for TAs, not for grading
        names.append(name)
    lines = []
    for name in names:
        try:
            version = _public_version(importlib.metadata.version(name))
        except importlib.metadata.PackageNotFoundError:
            if name == "matplotlib":
                continue  # optional: the sandbox imports it when it is there
            raise UsageError(f"{name} is not installed: install the kit first (make demo)") from None
        lines.append(f"{name}=={version}")
    torch = [line for line in lines if line.lower().startswith("torch==")]
    if torch != [f"torch=={TORCH}"]:
        raise UsageError(f"the kit must run with torch=={TORCH} exactly, found {torch or 'none'}")
    return lines


def _source_files(root: Path) -> list[tuple[str, Path]]:
    """(name in the zip, file) for the kit's source: packaging files, autograder/ (the registry, its
    graders), solutions/ (the references) and assignments/ (the released notebooks, whose own
    cells grading leaves out)."""
    files = [(f"kit/{name}", root / name) for name in ("pyproject.toml", "README.md", "LICENSE")
             if (root / name).is_file()]
    for package in (config.PACKAGE_DIR, config.SOLUTIONS_DIR, config.RELEASE_DIR):
        for path in sorted(package.rglob("*")):
            if (path.is_file() and not {"__pycache__", ".ipynb_checkpoints"} & set(path.parts)
                    and path.suffix not in (".pyc", ".pyo")):
                files.append((f"kit/{path.relative_to(root).as_posix()}", path))
    return files


def _add(archive: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, so the permission bits below are honoured when unpacked
    info.external_attr = (0o100755 if executable else 0o100644) << 16
    archive.writestr(info, data)


def build(output: Path, exercise: str | None = None) -> list[str]:
    """Write the autograder zip to `output`; returns the names it holds."""
    root = kit_checkout()
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    setup = SETUP_SH.format(python=python, torch=TORCH, torch_index=TORCH_CPU_INDEX, venv=VENV)
    run = RUN_AUTOGRADER.format(venv=VENV, exercise_args=f" --exercise {exercise}" if exercise else "")
    entries = [("setup.sh", setup.encode(), True), ("run_autograder", run.encode(), True),
               ("requirements.txt", ("\n".join(pinned_requirements()) + "\n").encode(), False)]
    entries += [(name, path.read_bytes(), False) for name, path in _source_files(root)]
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        for name, data, executable in sorted(entries, key=lambda e: e[0]):
            _add(archive, name, data, executable)
    tmp.replace(output)
    return sorted(e[0] for e in entries)


def run(args: argparse.Namespace) -> int:
    names = build(args.output, args.exercise)
    size = args.output.stat().st_size
    graded = args.exercise or ", ".join(exercise_names()) + " (each found by its file name)"
    print(f"wrote {args.output} ({size / 1024:.0f} KiB, {len(names)} files): grades {graded}")
    print("Upload it on Gradescope: your programming assignment > Configure Autograder > Zip file upload "
          "(Ubuntu base image), then test it with a sample submission.")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("gradescope-zip", help="build the autograder zip to upload to Gradescope",
                                 description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-o", "--output", type=Path, default=Path("autograder.zip"),
                        help="where to write the zip (default: autograder.zip)")
    parser.add_argument("--exercise", choices=exercise_names(),
                        help="grade only this exercise (one Gradescope assignment per notebook); "
                             "default: every exercise found in the submission")
    parser.set_defaults(run=run)


if __name__ == "__main__":  # until cli.py registers the verb: python -m autograder.commands.gradescope_zip
    _top = argparse.ArgumentParser(prog="autograder")
    register(_top.add_subparsers(dest="command", required=True))
    _args = _top.parse_args(["gradescope-zip", *sys.argv[1:]])
    try:
        sys.exit(_args.run(_args))
    except UsageError as _error:
        print(f"autograder: {_error}", file=sys.stderr)
        sys.exit(2)
