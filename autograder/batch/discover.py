"""Which student submitted which file for which exercise.

Two layouts: an nbgrader tree (`submitted/<student>/<assignment>/<files>`, or the `submitted`
folder itself), or a folder with one entry per student (a folder of their files, or a single file
whose name is the student id, optionally followed by the exercise: `alice_char_rnn.ipynb`).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..load import exercise_files


@dataclass(frozen=True)
class Job:
    student: str
    exercise: str
    path: Path        # may not exist: graded as "not submitted"
    digest: str       # content hash: a rerun regrades only what changed


def file_digest(path: Path) -> str:
    if not path.is_file():
        return "missing"
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _submitted_root(root: Path) -> Path | None:
    if (root / "submitted").is_dir():
        return root / "submitted"
    if root.name == "submitted":
        return root
    return None


def student_folders(root: Path) -> dict[str, list[Path]]:
    """Each student's submission folders or files."""
    submitted = _submitted_root(root)
    found: dict[str, list[Path]] = {}
    if submitted is not None:
        for student in sorted(p for p in submitted.iterdir() if p.is_dir()):
            found[student.name] = sorted(p for p in student.iterdir() if p.is_dir()) or [student]
        return found
    for entry in sorted(root.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            found.setdefault(entry.name, []).append(entry)
        elif entry.suffix in (".ipynb", ".py"):
            student = entry.stem
            for exercise in config.EXERCISES:
                student = student.replace(exercise, "")
            found.setdefault(student.strip("_-. ") or entry.stem, []).append(entry)
    return found


def discover(root: Path, exercises: list[str] | None = None) -> list[Job]:
    """Every (student, exercise) of the class, in a stable order; missing files included."""
    wanted = exercises or list(config.EXERCISES)
    jobs = []
    for student, places in student_folders(root).items():
        files: dict[str, Path] = {}
        for place in places:
            if place.is_dir():
                files.update({e: p for e, p in exercise_files(place).items() if e in wanted})
            else:
                named = [e for e in wanted if e in place.stem] or (wanted if len(wanted) == 1 else [])
                files.update({e: place for e in named[:1]})
        for exercise in wanted:
            path = files.get(exercise, places[0] / f"{exercise}.ipynb" if places[0].is_dir()
                             else places[0].with_name(f"{student}_{exercise}.ipynb"))
            jobs.append(Job(student, exercise, path, file_digest(path)))
    return jobs
