"""Which student submitted which file for which exercise.

Two layouts: an nbgrader tree (`submitted/<student>/<assignment>/<files>`, or the `submitted`
folder itself), or a folder with one entry per student (a folder of their files, or a single file
whose name is the student id, optionally followed by the exercise: `alice_<exercise>.ipynb`; the
longest exercise name ending it on a separator wins). Files are matched to exercises by
autograder/matching.py: exact names after normalisation, else the functions a file defines.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..exercises import names as exercise_names
from ..matching import ExerciseFile, defined_names, match_folder, named_exercise, recognised, split_student
from ..submitted_files import SUFFIXES, digest, shown_name


@dataclass(frozen=True)
class Job:
    student: str
    exercise: str
    path: Path        # may not exist: graded as "not submitted"
    digest: str       # content hash: a rerun regrades only what changed
    root: Path | None = None  # the class folder: nothing below it is read through a link
    refusal: str = ""  # why it is not graded at all (two entries claim the student; no file in the
    #                    student's folder, with what it holds; two equally good files), else ""
    note: str = ""     # what the gradebook says of a student not graded, e.g. "clash: alice/, alice_x.py"
    notes: tuple[str, ...] = ()  # told to the student beside the grades (another file that looked like it)
    seed_shift: int = 0  # the graders' seed shift (the seed_shift fixture): `autograder audit --seeds`


def _submitted_root(root: Path) -> Path | None:
    if (root / "submitted").is_dir():
        return root / "submitted"
    if root.name == "submitted":
        return root
    return None


def _is_folder(path: Path) -> bool:
    """A real folder: a link to one is a student's entry too, refused when it is read."""
    return path.is_dir() and not path.is_symlink()


def student_folders(root: Path) -> dict[str, list[Path]]:
    """Each student's submission folders or files (more than one entry may claim an id)."""
    submitted = _submitted_root(root)
    found: dict[str, list[Path]] = {}
    if submitted is not None:
        for student in sorted(p for p in submitted.iterdir() if p.is_dir() or p.is_symlink()):
            inner = sorted(p for p in student.iterdir() if p.is_dir()) if _is_folder(student) else []
            found[student.name] = inner or [student]
        return found
    for entry in sorted(root.iterdir()):
        if entry.name.startswith("."):
            continue
        if _is_folder(entry) or (entry.is_symlink() and entry.suffix not in SUFFIXES):
            found.setdefault(entry.name, []).append(entry)
        elif entry.suffix in SUFFIXES:
            student, _ = split_student(entry.stem)
            found.setdefault(student.strip("_-. ") or entry.stem, []).append(entry)
    return found


def _claims(place: Path, wanted: list[str], nbgrader: bool) -> tuple[dict[str, ExerciseFile], list[str]]:
    """The exercise files an entry holds, and the exercises it claims: in a flat class folder a
    student's folder (or a link standing for one) is their whole submission, a file the exercise it
    is named after (or whose functions it defines); an nbgrader assignment folder claims the
    exercises it holds."""
    if _is_folder(place):
        found = match_folder(place, wanted)  # the missing ones too: their message lists what it holds
        return found, [e for e, f in found.items() if f.found] if nbgrader else wanted
    if nbgrader or place.suffix not in SUFFIXES:  # a linked student or assignment folder
        return {e: ExerciseFile(place) for e in wanted}, wanted
    _, named = split_student(place.stem)
    if named is None:
        named = named_exercise(place.stem)
    if named is None:
        found = recognised(defined_names(place, place.parent))
        named = found[0] if len(found) == 1 else wanted[0] if len(wanted) == 1 and not found else None
    claims = [named] if named in wanted else []
    return {e: ExerciseFile(place) for e in claims}, claims


def _entries(places: list[Path]) -> str:
    return ", ".join(shown_name(p) + ("/" if _is_folder(p) else "") for p in places)


def clash_message(student: str, places: list[Path]) -> str:
    names = _entries(places)
    return (f"more than one entry of the class folder is student {shown_name(Path(student))}: {names}; "
            "none of them was graded. Instructor: keep one entry per student (e.g. move the files into "
            "the folder) and grade again")


def discover(root: Path, exercises: list[str] | None = None) -> list[Job]:
    """Every (student, exercise) of the class, in a stable order; missing files included.

    A student id that several entries claim for one exercise (a folder `alice/` and a file
    `alice_<exercise>.py`) is a clash: every exercise of that student gets zero and says so.
    """
    wanted = exercises or list(exercise_names())
    nbgrader = _submitted_root(root) is not None
    jobs = []
    for student, places in student_folders(root).items():
        files: dict[str, ExerciseFile] = {}
        claimed: dict[str, int] = defaultdict(int)
        for place in places:
            found, claims = _claims(place, wanted, nbgrader)
            for exercise in claims:
                claimed[exercise] += 1
            for exercise, file in found.items():
                if file.found or exercise not in files:
                    files[exercise] = file
        clash = any(n > 1 for n in claimed.values())
        refusal = clash_message(student, places) if clash else ""
        for exercise in wanted:
            file = files.get(exercise) or ExerciseFile(
                places[0] / f"{exercise}.ipynb" if _is_folder(places[0])
                else places[0].with_name(f"{student}_{exercise}.ipynb"), found=False)
            if refusal:
                jobs.append(Job(student, exercise, file.path, "clash:" + _key(refusal), root, refusal,
                                note=f"clash: {_entries(places)}"))
            elif file.refusal:  # missing from a folder (with what it holds), or two files for it
                jobs.append(Job(student, exercise, file.path, "refused:" + _key(file.refusal), root, file.refusal))
            else:
                jobs.append(Job(student, exercise, file.path, digest(file.path, root), root, notes=file.notes))
    return jobs


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
