"""Which submitted file holds which exercise: exact names after normalisation, else the functions defined.

A file's stem is normalised (case folded; spaces and hyphens as underscores; copy marks such as
"Copy of ", " (1)", "-Copy1", " copy 2" removed) and must then equal an exercise's name: never a
substring, so with exercises `lstm` and `char_lstm`, `char_lstm.ipynb` is char_lstm. A file whose
name says nothing is recognised by the exercise functions its code cells define (parsed with ast on
the trusted side, never run). Nothing is guessed silently: two equally good files for one exercise,
or one file that defines the functions of two, are reported with what was found.
"""
from __future__ import annotations

import ast
import itertools
import os
import re
from dataclasses import dataclass
from pathlib import Path

from . import config
from .exercises import get as get_exercise, names as exercise_names
from .errors import UsageError
from .load import SubmissionError, notebook_cells
from .notebooks import cell_source
from .submitted_files import Refused, read_submitted, shown_name, walk

# Recognising a file by its functions parses its code on the trusted side (about 1 s and 100 MB per
# MB of code, measured): only this much code per file, of this many unnamed files per folder.
RECOGNISE_MAX_CODE_BYTES = 256 * 2**10
RECOGNISE_MAX_FILES = 20
SHOWN_FILES = 10  # files listed in a "found: ..." message

_COPY_PREFIX = re.compile(r"^copy(?:[ _-]*\(\d+\))?[ _-]+of[ _-]+", re.IGNORECASE)
_COPY_SUFFIX = re.compile(r"(?:[ _-]*\(\d+\)|[ _-]+copy(?:[ _-]*\(?\d+\)?)?)$", re.IGNORECASE)
_TOP_LEVEL_DEFINITION = re.compile(r"^(?:async[ \t]+def|def|class)[ \t]|^[A-Za-z_]\w*[ \t]*[:=]", re.MULTILINE)


@dataclass(frozen=True)
class ExerciseFile:
    """The file graded for one exercise, or why none is."""
    path: Path                   # the file (for a missing one: where it was looked for; it does not exist)
    refusal: str = ""            # why nothing is graded: the message for the student ("no ... found; found: ...")
    notes: tuple[str, ...] = ()  # told beside the grades, e.g. another file that also looked like it
    found: bool = True           # False: no file holds the exercise (refusal says so)


def normalised(text: str) -> str:
    """`text` case folded, with runs of spaces, hyphens and underscores as one underscore."""
    return re.sub(r"[ _-]+", "_", text.casefold()).strip("_")


def without_copy_marks(stem: str) -> list[str]:
    """The stem, then the stem without each copy mark a browser, a file manager or JupyterLab adds."""
    forms = [stem]
    while True:
        shorter = _COPY_SUFFIX.sub("", _COPY_PREFIX.sub("", forms[-1]))
        if shorter == forms[-1] or not shorter.strip(" _-"):
            return forms
        forms.append(shorter)


def named_exercise(stem: str, exercises: tuple[str, ...] | list[str] | None = None) -> str | None:
    """The exercise a file stem names, exactly after normalisation (the least stripped form first)."""
    choices = {normalised(e): e for e in (exercises or exercise_names())}
    for form in without_copy_marks(stem):
        if normalised(form) in choices:
            return choices[normalised(form)]
    return None


def split_student(stem: str, exercises: tuple[str, ...] | list[str] | None = None) -> tuple[str, str | None]:
    """(student, exercise) of a class folder's file `<student>_<exercise>`: the longest exercise name
    ending the stem on a separator (`alice_char_lstm` is alice's char_lstm, not alice_char's lstm)."""
    for form in without_copy_marks(stem):
        for exercise in sorted(exercises or exercise_names(), key=len, reverse=True):
            pattern = r"[ _-]+".join(map(re.escape, re.split(r"[ _-]+", exercise)))
            match = re.search(rf"[ _-]+{pattern}$", form, re.IGNORECASE)
            if match and match.start() > 0:
                return form[:match.start()], exercise
    return stem, None


def defined_names(path: Path, root: Path | None = None) -> set[str]:
    """The top-level names (def, class, assignment) a file's code defines; empty when unreadable."""
    try:
        text = read_submitted(path, root).decode("utf-8", errors="replace")
        cells = ([cell_source(c) for c in notebook_cells(path, text) if c["cell_type"] == "code"]
                 if path.suffix == ".ipynb" else [text])
    except (Refused, SubmissionError):
        return set()
    names: set[str] = set()
    budget = RECOGNISE_MAX_CODE_BYTES
    for cell in cells:
        if not _TOP_LEVEL_DEFINITION.search(cell) or len(cell) > budget:
            continue
        budget -= len(cell)
        try:
            body = ast.parse(cell).body
        except Exception:  # a magic, a syntax error, a parser limit: this cell defines nothing we can see
            continue
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def recognised(defined: set[str]) -> list[str]:
    """The exercises whose functions these names are: more than half of an exercise's functions, and
    not only a part of what another exercise matches (an `lstm` inside a `char_lstm`). One, or
    several when the file is ambiguous, or none."""
    matched = {e.name: defined & set(e.functions) for e in (get_exercise(n) for n in exercise_names())}
    candidates = [n for n, m in matched.items() if 2 * len(m) > len(get_exercise(n).functions)]
    return [n for n in candidates if not any(matched[n] < matched[o] for o in candidates)]


def _looks_like(path: Path, root: Path | None) -> tuple[str | None, str]:
    """(the exercise a file looks like or None, why): by its name, else by its functions."""
    named = named_exercise(path.stem)
    if named:
        return named, f"it is named after {named}"
    found = recognised(defined_names(path, root))
    if len(found) == 1:
        return found[0], f"it defines {_functions(found[0])}"
    if found:
        return None, f"it defines functions of {' and '.join(found)}"
    return None, "its name is no exercise's and it defines no exercise's functions"


def _functions(exercise: str) -> str:
    return ", ".join(get_exercise(exercise).functions)


def single_file(path: Path, exercises: list[str] | None = None) -> dict[str, ExerciseFile]:
    """The exercise(s) one submitted file is graded as; UsageError when that cannot be told."""
    looks_like, why = _looks_like(path, path.parent)
    if exercises:
        notes = tuple(f"{shown_name(path)} looks like {looks_like}, not {e} ({why}): was --exercise "
                      f"{looks_like} meant?" for e in exercises if looks_like and looks_like != e)
        return {e: ExerciseFile(path, notes=notes) for e in exercises}
    if looks_like is None:
        raise UsageError(f"cannot tell which exercise {shown_name(path)} is ({why}): name it after one "
                         f"of {', '.join(exercise_names())} or pass --exercise")
    return {looks_like: ExerciseFile(path)}


def _listing(folder: Path, files: list[Path], labels: dict[Path, str]) -> str:
    """What a folder holds, for a message: its notebooks and .py files (with what each looks like)
    and the other files at its top."""
    try:
        with os.scandir(folder) as entries:
            others = sorted(e.name for e in itertools.islice(entries, config.MAX_FOLDER_ENTRIES)
                            if not e.is_dir(follow_symlinks=False) and Path(e.name).suffix not in (".ipynb", ".py"))
    except OSError:
        others = []
    shown = [_shown(p, folder) + labels.get(p, "") for p in sorted(files, key=_rank_in(folder))]
    shown += [shown_name(Path(n)) for n in others[:SHOWN_FILES]]
    if not shown:
        return "nothing"
    return ", ".join(shown[:SHOWN_FILES]) + (", ..." if len(shown) > SHOWN_FILES else "")


def _shown(path: Path, folder: Path) -> str:
    """A file's path inside the folder for a message, control characters as escapes."""
    return repr(path.relative_to(folder).as_posix())[1:-1]


def _rank_in(folder: Path):
    return lambda p: (len(p.relative_to(folder).parts), p.suffix != ".ipynb", p.name)


def match_folder(folder: Path, exercises: list[str] | None = None) -> dict[str, ExerciseFile]:
    """Every wanted exercise of a folder (default: all): its file, or why it has none.

    Files named after an exercise come first (the exact name, then a normalised one; notebooks before
    .py files; shallower first), then files recognised by their functions. One best file is graded
    and the others are named in its notes; two equally good ones are refused, with their names.
    """
    return _match(folder, exercises)[0]


def _match(folder: Path, exercises: list[str] | None) -> tuple[dict[str, ExerciseFile], str]:
    """match_folder's result and the listing of what the folder holds."""
    wanted = list(exercises or exercise_names())
    files, _ = walk(folder)
    ranked: dict[str, list[tuple[tuple, Path]]] = {e: [] for e in exercise_names()}
    unnamed = []
    for path in files:
        named = named_exercise(path.stem)
        if named:
            ranked[named].append(((0 if path.stem == named else 1, path.suffix != ".ipynb",
                                   len(path.relative_to(folder).parts)), path))
        else:
            unnamed.append(path)
    labels = {}
    if any(not ranked[e] for e in wanted):
        for path in sorted(unnamed, key=_rank_in(folder))[:RECOGNISE_MAX_FILES]:
            found = recognised(defined_names(path, folder))
            if len(found) == 1:
                ranked[found[0]].append(((2, path.suffix != ".ipynb", len(path.relative_to(folder).parts)), path))
                labels[path] = f" (defines {found[0]}'s functions)"
            elif found:
                labels[path] = f" (defines functions of {' and '.join(found)}: name it after the one it holds)"
    for exercise, candidates in ranked.items():
        for rank, path in candidates:
            if rank[0] == 1:
                labels[path] = f" ({exercise})"
    listing = _listing(folder, files, labels)
    result = {}
    for exercise in wanted:
        candidates = sorted(ranked[exercise], key=lambda c: (c[0], c[1].name))
        expected = folder / f"{exercise}.ipynb"
        if not candidates:
            result[exercise] = ExerciseFile(expected, found=False, refusal=(
                f"no {exercise} notebook found; found: {listing}. "
                f"Submit it as {exercise}.ipynb"))
            continue
        best = [path for rank, path in candidates if rank == candidates[0][0]]
        names = ", ".join(_shown(p, folder) for _, p in candidates[:SHOWN_FILES])
        names += ", ..." if len(candidates) > SHOWN_FILES else ""
        if len(best) > 1:
            result[exercise] = ExerciseFile(expected, refusal=(
                f"more than one file could be {exercise}: {names}; none was graded. Keep one file "
                f"named {exercise}.ipynb"))
        elif len(candidates) > 1:
            result[exercise] = ExerciseFile(best[0], notes=(
                f"more than one file could be {exercise}: {names}; graded "
                f"{_shown(best[0], folder)}. Keep one file per exercise",))
        else:
            result[exercise] = ExerciseFile(best[0])
    return result, listing


def exercise_files(path: Path, exercises: list[str] | None = None) -> dict[str, ExerciseFile]:
    """What `autograder grade` grades in a submission: a file (as the exercise it names, or the one
    given), or every wanted exercise of a folder. UsageError (the kit was misused) for a path
    that does not exist, a file no exercise can be told of, or a folder with nothing gradable."""
    if path.is_file() or path.is_symlink():  # a link is refused, with a message, when it is read
        return single_file(path, exercises)
    if not path.is_dir():
        raise UsageError(f"{path} does not exist")
    found, listing = _match(path, exercises)
    if not any(f.found for f in found.values()):
        missing = list(found)
        wanted = ", ".join(missing[:-1]) + " or " + missing[-1] if len(missing) > 1 else missing[0]
        raise UsageError(f"nothing to grade in {path}: no {wanted} notebook found; found: {listing}. "
                         f"Name each notebook after its exercise ({missing[0]}.ipynb, ...)")
    return found
