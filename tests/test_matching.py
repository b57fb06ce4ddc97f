"""Which file is which exercise: exact names after normalisation, functions for unnamed files, and
every exercise of a folder accounted for (issue 12), also with near names in a toy registry."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from autograder import matching
from autograder.batch import discover as discovery
from autograder.exercises import Exercise, get, names as exercise_names, total_points
from autograder.errors import UsageError
from autograder.load import SubmissionError
from autograder.matching import exercise_files, match_folder, named_exercise, split_student
from conftest import SOLUTIONS

FIRST, SECOND, LAST = exercise_names()[0], exercise_names()[1], exercise_names()[-1]


def reference(exercise: str) -> str:
    return (SOLUTIONS / f"{exercise}.py").read_text()


def autograder(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], capture_output=True, text=True,
                          timeout=600)


@pytest.fixture
def toy_registry(monkeypatch):
    """Near names: lstm inside char_lstm, rnn_shapes inside rnn_shapes_extra."""
    toys = {e.name: e for e in [
        Exercise("lstm", "an LSTM cell", 1, ("lstm_cell", "lstm_forward")),
        Exercise("char_lstm", "a character LSTM", 2, ("lstm_cell", "lstm_forward", "build_vocab", "train")),
        Exercise("rnn_shapes", "shapes", 3, ("make_rnn", "rnn_output_shapes")),
        Exercise("rnn_shapes_extra", "more shapes", 4, ("make_gru", "gru_output_shapes")),
    ]}
    for module in (matching, discovery):
        monkeypatch.setattr(module, "exercise_names", lambda: tuple(toys))
    monkeypatch.setattr(matching, "get_exercise", toys.__getitem__)
    return toys


@pytest.mark.parametrize("stem", [FIRST, FIRST.upper(), FIRST.replace("_", "-"), FIRST.replace("_", " ").title(),
                                  f"{FIRST} (1)", f"{FIRST}(2)", f"Copy of {FIRST}", f"{FIRST}-Copy1",
                                  f"{FIRST} copy 2", f"{FIRST} - Copy (3)", f"Copy of {FIRST} (1)"])
def test_names_match_after_normalisation(stem):
    assert named_exercise(stem) == FIRST


@pytest.mark.parametrize("stem", [f"my_{FIRST}", f"{FIRST}_final", f"{FIRST}2", FIRST.replace("_", ""), "notes"])
def test_no_substring_or_near_name_matches(stem):
    assert named_exercise(stem) is None


def test_near_names_match_exactly(toy_registry):
    assert named_exercise("char_lstm") == "char_lstm" and named_exercise("Char-LSTM (1)") == "char_lstm"
    assert named_exercise("lstm") == "lstm"
    assert named_exercise("rnn_shapes_extra") == "rnn_shapes_extra" and named_exercise("rnn_shapes") == "rnn_shapes"
    assert named_exercise("rnn_shapes_extra_2") is None


def test_class_files_split_on_the_longest_exercise_suffix(toy_registry):
    assert split_student("alice_char_lstm") == ("alice", "char_lstm")
    assert split_student("alice_lstm") == ("alice", "lstm")
    assert split_student("bob_rnn_shapes_extra") == ("bob", "rnn_shapes_extra")
    assert split_student("Bob-RNN-Shapes (1)") == ("Bob", "rnn_shapes")
    assert split_student("carol") == ("carol", None)


def test_class_discovery_with_near_names(toy_registry, tmp_path):
    for name in ("alice_char_lstm.ipynb", "alice_lstm.py", "bob_rnn_shapes_extra.py"):
        (tmp_path / name).write_text("")
    found = {(j.student, j.exercise): j.path.name for j in discovery.discover(tmp_path) if j.path.exists()}
    assert found == {("alice", "char_lstm"): "alice_char_lstm.ipynb", ("alice", "lstm"): "alice_lstm.py",
                     ("bob", "rnn_shapes_extra"): "bob_rnn_shapes_extra.py"}


def test_folder_with_near_names(toy_registry, tmp_path):
    for name in ("char_lstm.ipynb", "rnn_shapes_extra.py"):
        (tmp_path / name).write_text("")
    found = match_folder(tmp_path)
    assert found["char_lstm"].path.name == "char_lstm.ipynb" and found["rnn_shapes_extra"].found
    assert not found["lstm"].found and not found["rnn_shapes"].found
    assert found["lstm"].refusal.startswith("no lstm notebook found; found: char_lstm.ipynb, rnn_shapes_extra.py")


def test_an_unnamed_file_is_recognised_by_its_functions(toy_registry, tmp_path):
    (tmp_path / "homework.py").write_text("def lstm_cell(x):\n    pass\n\n\ndef lstm_forward(x):\n    pass\n")
    (tmp_path / "project.py").write_text("import torch\n\ndef lstm_cell(x): pass\ndef lstm_forward(x): pass\n"
                                         "def build_vocab(w): pass\nclass train: pass\n")
    found = match_folder(tmp_path)
    assert found["lstm"].path.name == "homework.py"
    assert found["char_lstm"].path.name == "project.py"  # lstm's functions are a part of char_lstm's
    assert exercise_files(tmp_path / "homework.py") == {"lstm": matching.ExerciseFile(tmp_path / "homework.py")}


def test_a_file_with_two_exercises_functions_is_reported_not_guessed(toy_registry, tmp_path):
    (tmp_path / "everything.py").write_text("def lstm_cell(x): pass\ndef lstm_forward(x): pass\n"
                                            "def make_rnn(): pass\ndef rnn_output_shapes(): pass\n")
    found = match_folder(tmp_path)
    assert not found["lstm"].found and not found["rnn_shapes"].found
    assert "everything.py (defines functions of lstm and rnn_shapes" in found["lstm"].refusal
    with pytest.raises(UsageError, match="it defines functions of lstm and rnn_shapes"):
        exercise_files(tmp_path / "everything.py")


def test_an_exercise_matched_by_two_files_is_reported(tmp_path):
    (tmp_path / f"{FIRST} (1).ipynb").write_text("{}")
    (tmp_path / f"Copy of {FIRST}.ipynb").write_text("{}")
    tie = match_folder(tmp_path)[FIRST]
    assert tie.refusal.startswith(f"more than one file could be {FIRST}: ") and "none was graded" in tie.refusal
    (tmp_path / f"{FIRST}.ipynb").write_text("{}")  # the released name is the better match: graded, others named
    best = match_folder(tmp_path)[FIRST]
    assert best.path.name == f"{FIRST}.ipynb" and not best.refusal
    assert f"Copy of {FIRST}.ipynb" in best.notes[0] and f"{FIRST} (1).ipynb" in best.notes[0]


def test_a_folder_reports_every_exercise_and_the_whole_maximum(tmp_path, zygote):
    from autograder.grading.run import grade

    (tmp_path / f"{FIRST.upper()}.py").write_text(reference(FIRST))
    (tmp_path / "notes.txt").write_text("my notes")
    report = grade(tmp_path, zygote=zygote)
    assert [e.exercise for e in report.exercises] == list(exercise_names())
    assert report.max_score == total_points() and report.score == get(FIRST).points
    missing = report.exercises[1]
    assert missing.score == 0 and missing.problems[0].startswith(
        f"no {SECOND} notebook found; found: {FIRST.upper()}.py ({FIRST}), notes.txt")


def test_a_wrong_exercise_says_which_the_file_looks_like(tmp_path, zygote):
    from autograder.grading.run import grade

    path = tmp_path / "mine.py"
    path.write_text(reference(FIRST))
    (result,) = grade(path, [SECOND], zygote=zygote).exercises
    assert result.score == 0
    assert result.problems[0].startswith(f"mine.py looks like {FIRST}, not {SECOND} (it defines "), result.problems


def test_a_folder_with_nothing_gradable_is_a_usage_error(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing here")
    (tmp_path / "scratch.py").write_text("x = 1\n")
    done = autograder("grade", tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"no {FIRST}" in done.stderr and "found: scratch.py, notes.txt" in done.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    done = autograder("grade", empty, "--exercise", LAST)
    assert done.returncode == 2 and f"no {LAST} notebook found; found: nothing" in done.stderr
