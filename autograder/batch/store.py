"""Results kept on disk one per (student, exercise), so a crash or Ctrl-C loses only what was in flight.

Each file records the submission's content hash and the kit's fingerprint (graders, reference,
configuration): a rerun regrades what changed and nothing else.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import config
from ..exercises import names as exercise_names
from ..files import write_atomically
from ..grading.results import ExerciseResult, Report, TestResult
from ..load import SubmissionError
from .discover import Job


def kit_fingerprint() -> str:
    """Changes whenever a grader, a reference solution or the configuration changes."""
    import solutions

    digest = hashlib.sha256()
    folders = [config.EXERCISES_DIR, config.SOLUTIONS_DIR]
    for path in sorted(p for folder in folders for p in folder.glob("*.py")) + [config.PACKAGE_DIR / "config.py"]:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def result_from_dict(data: dict) -> ExerciseResult:
    tests = [TestResult(**t) for t in data.pop("tests")]
    data.pop("score", None), data.pop("max_score", None)
    return ExerciseResult(tests=tests, **data)


class ResultStore:
    def __init__(self, root: Path):
        self.root = root / "results"
        self.fingerprint = kit_fingerprint()

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
        SubmissionError when a result cannot be read or was graded by another kit."""
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
                    raise SubmissionError(f"cannot read the stored result {path}: {error}") from None
                if data.get("kit") != self.fingerprint:
                    stale.append(path)
                report = reports.setdefault(folder.name, Report(submission=folder.name))
                report.exercises.append(result)
        if stale:
            raise SubmissionError(f"{len(stale)} stored results (e.g. {stale[0]}) were graded by another "
                                  "version of the kit: grade the class again with grade-all")
        if not reports:
            raise SubmissionError(f"{self.root} holds no stored results")
        return reports
