"""Results kept on disk one per (student, exercise), so a crash or Ctrl-C loses only what was in flight.

Each file records the submission's content hash and the kit's fingerprint (everything else a result
depends on, see kit_fingerprint): a rerun regrades what changed and nothing else.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import sys
from pathlib import Path

from .. import config, notebooks
from ..config import Settings
from ..exercises import names as exercise_names
from ..files import write_atomically
from ..grading.results import ExerciseResult, Report, TestResult
from ..errors import UsageError
from .discover import Job

# What under autograder/ a stored result does not depend on: rendering (reports are written again
# from the stored results), the command line, and the parts that grade by other routes (nbgrader's
# grading cell, the audit) or only choose and count what is graded. Everything else is hashed, so a
# module added later counts until it is named here.
NOT_GRADING = ("reports", "commands", "cli.py", "__main__.py", "audit.py", "nbgrader_course.py",
               "nbgrader_cell.py", "nbgrader_plugins.py", "batch/progress.py", "batch/shard.py")
# Libraries whose numerics decide the reference's training curves and which tolerances a submission
# meets: their version.py (version and build), found without importing them.
LIBRARIES = ("torch", "numpy")


def _files_under(folder: Path, skipped: tuple[str, ...] = ()) -> list[Path]:
    found = []
    for parent, folders, files in os.walk(folder):
        folders[:] = [f for f in folders if f != "__pycache__" and os.path.join(parent, f) not in skipped]
        found += [Path(parent, f) for f in files if not f.endswith(".pyc") and os.path.join(parent, f) not in skipped]
    return found


def kit_files(kit: Path = config.KIT_DIR) -> list[Path]:
    """The files a result depends on: the kit's code that loads, runs and checks a submission (the
    graders and all else under autograder/exercises/ included), the references, the released notebooks.
    kit: the folder holding autograder/, solutions/ and assignments/ (this kit's by default)."""
    package = kit / config.PACKAGE_DIR.name
    skipped = tuple(str(package / name) for name in NOT_GRADING)
    return sorted([*_files_under(package, skipped), *_files_under(kit / config.SOLUTIONS_DIR.name),
                   *(kit / config.RELEASE_DIR.name).glob("*.ipynb")])


def _library_version(name: str) -> bytes:
    spec = importlib.util.find_spec(name)
    version = Path(spec.origin).parent / "version.py" if spec and spec.origin else None
    if version is not None and version.is_file():
        return version.read_bytes()
    return importlib.metadata.version(name).encode()


def kit_fingerprint(settings: Settings = Settings(), kit: Path = config.KIT_DIR) -> str:
    """Changes whenever anything a result depends on besides the submission changes: the kit's files
    (kit_files; of a notebook only its code cells, which decide what is the kit's code and not the
    student's), the settings' values grades depend on, the kit's, torch's, numpy's and Python's
    versions. Paths are hashed relative to the kit: every installation of the same kit agrees.
    About 10 ms (70 files)."""
    digest = hashlib.sha256()

    def add(*parts: str | bytes) -> None:
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "big") + data)

    for path in kit_files(kit):
        add(path.relative_to(kit).as_posix())
        if path.suffix == ".ipynb":
            cells = notebooks.read(path)["cells"]
            add(json.dumps([notebooks.cell_source(c) for c in cells if c.get("cell_type") == "code"]))
        else:
            add(path.read_bytes())
    add(json.dumps(settings.result_values(), sort_keys=True))
    add(importlib.metadata.version("rnn-autograder"), *map(_library_version, LIBRARIES), sys.version)
    return digest.hexdigest()[:16]


def result_from_dict(data: dict) -> ExerciseResult:
    tests = [TestResult(**t) for t in data.pop("tests")]
    data.pop("score", None), data.pop("max_score", None)
    return ExerciseResult(tests=tests, **data)


class ResultStore:
    def __init__(self, root: Path, settings: Settings = Settings()):
        self.root = root / "results"
        self.fingerprint = kit_fingerprint(settings)

    def _path(self, job: Job) -> Path:
        return self.root / job.student / f"{job.exercise}.json"

    def load(self, job: Job) -> ExerciseResult | None:
        """The stored result when it is for this very file and kit, else None."""
        try:
            data = json.loads(self._path(job).read_text())
        except (OSError, ValueError):
            return None
        if data.get("digest") != job.digest or data.get("kit") != self.fingerprint:
            return None
        return result_from_dict(data["result"])

    def save(self, job: Job, result: ExerciseResult) -> None:
        record = {"digest": job.digest, "kit": self.fingerprint, "result": result.to_dict()}
        write_atomically(self._path(job), json.dumps(record, indent=1))

    def reports(self) -> dict[str, Report]:
        """Every student's report from the stored results alone (no submission is read):
        UsageError when a result cannot be read or was graded by another kit."""
        reports: dict[str, Report] = {}
        stale = []
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir()) if self.root.is_dir() else []:
            for exercise in exercise_names():
                path = folder / f"{exercise}.json"
                if not path.exists():
                    continue
                try:
                    data = json.loads(path.read_text())
                    result = result_from_dict(data["result"])
                except (OSError, ValueError, KeyError, TypeError) as error:
                    raise UsageError(f"cannot read the stored result {path}: {error}") from None
                if data.get("kit") != self.fingerprint:
                    stale.append(path)
                report = reports.setdefault(folder.name, Report(submission=folder.name))
                report.exercises.append(result)
        if stale:
            raise UsageError(f"{len(stale)} stored results (e.g. {stale[0]}) were graded by another "
                             "version of the kit (or with other settings, e.g. AUTOGRADER_SANDBOX_NAMESPACES): "
                             "grade the class again with grade-all")
        if not reports:
            raise UsageError(f"{self.root} holds no stored results")
        return reports
