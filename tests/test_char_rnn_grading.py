"""What the char_rnn graders owe the audit and the reports: every training seed follows seed_shift
(but those of the tests about seed 0), and the loss curve holds the reference's losses for the same call."""
from __future__ import annotations

import pytest

from autograder.exercises import get as get_exercise
from autograder.exercises.char_rnn.training import one_thread
from autograder.grading import student_code
from autograder.grading.plugin import GradingPlugin
from autograder.grading.results import ExerciseResult
from autograder.grading.run import open_student_code, pytest_session
from conftest import SOLUTIONS
from solutions import char_rnn as reference

CONTRACT = ("input_str", "label_str", "hidden_size", "learning_rate", "epochs", "seed")
DEFAULTS = dict(zip(CONTRACT, ("apple", "pple!", 5, 0.1, 100, 0)))


def grade_reference(zygote, seed_shift: int, monkeypatch) -> tuple[ExerciseResult, list[dict]]:
    """The reference graded with a seed shift, and every train_char_rnn call the graders made
    (its arguments, defaults filled in)."""
    calls = []
    call = student_code.StudentCode._call

    def recording(self, label, target, args, kwargs, **flags):
        if label == "train_char_rnn":
            calls.append({**DEFAULTS, **dict(zip(CONTRACT, args)), **kwargs})
        return call(self, label, target, args, kwargs, **flags)

    monkeypatch.setattr(student_code.StudentCode, "_call", recording)
    path = SOLUTIONS / "char_rnn.py"
    plugin = GradingPlugin("char_rnn", [lambda: open_student_code(path, zygote, exercise="char_rnn")], seed_shift)
    assert pytest_session(get_exercise("char_rnn").graders, [plugin]) == 0
    monkeypatch.undo()
    return plugin.results[0], calls


@pytest.fixture(scope="module")
def gradings(zygote):
    with pytest.MonkeyPatch.context() as monkeypatch:
        return {shift: grade_reference(zygote, shift, monkeypatch) for shift in (0, 3)}


def test_every_training_seed_follows_the_shift_but_seed_zeros_own(gradings):
    (plain, calls), (shifted, shifted_calls) = gradings[0], gradings[3]
    assert all(t.passed for t in plain.tests) and all(t.passed for t in shifted.tests)
    kept = [call for call in shifted_calls if call["seed"] == 0]
    moved = [{**call, "seed": call["seed"] - 3} for call in shifted_calls if call["seed"] != 0]
    assert all(call["seed"] >= 0 for call in moved)
    # seed 0 itself: the defaults (positional, omitted, epochs=4 alone) and the seed-0 determinism test
    assert sorted(call["epochs"] for call in kept) == [0, 4, 4, 5, 5, 100], kept
    assert {tuple(c.values()) for c in [*moved, *kept]} == {tuple(c.values()) for c in calls}


def test_the_loss_curve_holds_the_plotted_run_and_the_references_losses(gradings):
    curve = gradings[0][0].data["curve"]
    assert {"title", "x_label", "y_label", "series"} <= set(curve)
    student, expected = curve["series"]
    assert (student["role"], expected["role"]) == ("student", "reference")
    with one_thread():  # as the sandbox and the grader train
        _, losses, _ = reference.train_char_rnn(seed=get_exercise("char_rnn").params.plot_seed)
    assert expected["values"] == losses and len(losses) == 100
    assert student["values"] == losses  # the reference graded: its own run is the reference's
    assert all(type(v) is float for s in curve["series"] for v in s["values"])
