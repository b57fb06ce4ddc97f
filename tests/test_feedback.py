"""Feedback that names the cause: known mistakes (replayed from the catalogue) and root causes."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
import warnings

import numpy as np
import pytest
import torch

from autograder.exercises import get
from autograder.grading import feedback
from autograder.grading.feedback import (CUT, NAMING_BUDGET_S, PATTERN, Mistakes, _OutOfTime, _stopped_after,
                                         explanation, function_of, uses, with_root_causes)
from autograder.grading.results import TestResult
from autograder.grading.student_code import Call
from autograder.sandbox import wire
from solutions import numpy_rnn as reference

from conftest import SOLUTIONS

NUMPY_RNN = get("numpy_rnn")
CELL_TEST = "test_rnn_cell_step_matches_formula"


def cell_call(value, Wh_factor: float = 1.0) -> tuple[Call, tuple]:
    rng = np.random.default_rng(0)
    args = (rng.normal(size=3), rng.normal(size=4), rng.normal(0, 0.3, (4, 3)), rng.normal(0, 0.3, (4, 4)),
            rng.normal(0, 0.3, 4))
    return Call("rnn_cell_step", args, {}, {}, value=value(*args)), args


def test_a_result_equal_to_a_catalogued_bug_is_named():
    call, _ = cell_call(lambda x, h, Wx, Wh, b: np.tanh(Wx @ x + Wh.T @ h + b))
    found = Mistakes(NUMPY_RNN).matching(CELL_TEST, [call])
    assert [b.name for b in found] == ["transposed_Wh"]
    assert "`Wh.T @ h_prev` instead of `Wh @ h_prev`" in explanation(found)


def test_right_results_and_unknown_mistakes_are_not_named():
    mistakes = Mistakes(NUMPY_RNN)
    right, _ = cell_call(reference.rnn_cell_step)
    assert mistakes.matching(CELL_TEST, [right]) == []
    doubled, _ = cell_call(lambda x, h, Wx, Wh, b: np.tanh(Wx @ x + 2 * Wh @ h + b))
    assert mistakes.matching(CELL_TEST, [doubled]) == []


SEED_TEST = "test_init_rnn_params_seed"


def seeded_calls(weights) -> list[Call]:
    """init_rnn_params(3, 4, seed=0) twice, returning weights(call number)."""
    return [Call("init_rnn_params", (3, 4), {"seed": 0}, {}, value=weights(n)) for n in range(2)]


def test_random_results_are_named_by_how_they_vary_not_by_their_numbers():
    rng = np.random.default_rng(123)
    fresh = seeded_calls(lambda n: (rng.normal(0, 0.3, (4, 3)), rng.normal(0, 0.3, (4, 4)), np.zeros(4)))
    mistakes = Mistakes(NUMPY_RNN)
    found = mistakes.matching(SEED_TEST, fresh)
    assert "ignores_seed" in [b.name for b in found] and mistakes.how == PATTERN
    assert explanation(found, mistakes.how).startswith("Your results vary as what")
    # The same call answered alike (though wrongly), or randomly in another form: not that mistake.
    same = reference.init_rnn_params(3, 4, seed=1)
    assert "ignores_seed" not in [b.name for b in mistakes.matching(SEED_TEST, seeded_calls(lambda n: same))]
    transposed = seeded_calls(lambda n: (rng.normal(0, 0.3, (3, 4)), rng.normal(0, 0.3, (4, 4)), np.zeros(4)))
    assert mistakes.matching(SEED_TEST, transposed) == []


def spin(seconds: float) -> None:
    """Use `seconds` of this thread's CPU time in Python code."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_a_replay_is_stopped_at_its_allowance_in_any_thread_and_nothing_is_left_pending():
    def stopped(outcome: list) -> None:
        started = time.thread_time()
        try:
            with _stopped_after(0.05):
                spin(2.0)
        except _OutOfTime:
            outcome.append(time.thread_time() - started)
        spin(0.1)  # an exception raised too late would surface here
        with _stopped_after(1.0):
            spin(0.01)  # within its allowance: untouched
        outcome.append("after")

    for run in (lambda f: f(), lambda f: (t := threading.Thread(target=f), t.start(), t.join())):
        outcome: list = []
        run(lambda: stopped(outcome))
        assert len(outcome) == 2 and outcome[1] == "after", outcome
        assert 0.05 <= outcome[0] < 0.5, outcome


def test_a_stop_swallowed_inside_a_finaliser_is_raised_again():
    """Python swallows an exception raised inside __del__ or a weakref callback (it reports it to
    sys.unraisablehook): the stop must come again, and nothing be reported as unraisable."""
    class Finalised:
        def __del__(self) -> None:
            spin(0.003)

    def finalising(seconds: float) -> None:
        end = time.thread_time() + seconds
        while time.thread_time() < end:
            Finalised()  # freed at once: a good part of the time is spent in its __del__
            spin(0.0071)

    def stopped(outcome: list) -> None:
        for _ in range(3):
            try:
                with _stopped_after(0.05):
                    finalising(1.0)
                outcome.append("not stopped")
            except _OutOfTime:
                outcome.append("stopped")

    reported: list = []
    hook, sys.unraisablehook = sys.unraisablehook, reported.append
    try:
        alone: list = []
        stopped(alone)
        together = [[], []]  # two replays at once (a Dask worker's threads) share the one hook
        threads = [threading.Thread(target=stopped, args=(outcome,)) for outcome in together]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sys.unraisablehook == reported.append  # put back once no replay is watched
    finally:
        sys.unraisablehook = hook
    assert [alone, *together] == [["stopped"] * 3] * 3 and reported == []


def test_stopping_replays_never_hangs_under_a_tracer_or_profiler():
    """A debugger, coverage or cProfile may run the graders: stops (and replays that end in time)
    must still end. Withdrawing an undelivered stop left CPython's eval breaker set, which spun forever
    under a tracer; each run is a fresh interpreter, bounded by a timeout."""
    script = textwrap.dedent("""
        import cProfile, sys, time
        from autograder.grading.feedback import _OutOfTime, _stopped_after
        def spin(seconds):
            end = time.thread_time() + seconds
            while time.thread_time() < end:
                pass
        if sys.argv[1] == "trace":
            sys.settrace(lambda *args: None)
        else:
            cProfile.Profile().enable()
        stopped = 0
        for i in range(30):
            try:
                with _stopped_after(0.02 if i % 2 else 1.0):
                    spin(0.1)
            except _OutOfTime:
                stopped += 1
        print(stopped)
    """)
    for tool in ("trace", "profile"):
        done = subprocess.run([sys.executable, "-c", script, tool], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert int(done.stdout) == 15, done.stdout  # every other replay stopped, the others ended in time


def test_a_replay_past_its_allowance_is_cut_and_charged_what_it_used():
    mistakes = Mistakes(NUMPY_RNN)
    assert mistakes._spend(0.0, 0.05, lambda: spin(2.0)) == CUT
    assert 0.05 <= NAMING_BUDGET_S - mistakes.budget < 0.5


def test_a_cut_replay_leaves_the_graders_modes_as_they_were():
    """A stop lands anywhere, also inside torch.no_grad()'s __exit__ before it turns grad mode back
    on: every later grading in that process then failed its autograd checks (CI, b30cd30)."""
    def half_restored() -> None:
        torch.set_grad_enabled(False)  # what no_grad() leaves when stopped inside its __exit__
        torch.set_default_dtype(torch.float64)
        np.seterr(all="raise")
        warnings.simplefilter("error")
        guard = torch._C._InferenceMode(True)
        guard.__enter__()
        spin(2.0)

    before = np.geterr(), list(warnings.filters)
    assert Mistakes(NUMPY_RNN)._spend(0.0, 0.05, half_restored) == CUT
    assert torch.is_grad_enabled() and not torch.is_inference_mode_enabled()
    assert torch.get_default_dtype() == torch.float32
    assert (np.geterr(), list(warnings.filters)) == before
    weight = torch.ones(2, requires_grad=True)
    (weight * weight).sum().backward()  # the trusted side's autograd works again
    assert weight.grad.tolist() == [2.0, 2.0]


def test_a_later_submission_making_the_same_calls_reuses_the_replays_and_is_charged_the_same():
    feedback._REPLAYS.clear()
    call, _ = cell_call(lambda x, h, Wx, Wh, b: np.tanh(Wx @ x + Wh.T @ h + b))
    mistakes = Mistakes(NUMPY_RNN)
    first = mistakes.matching(CELL_TEST, [call])
    replays, spent = dict(feedback._REPLAYS.replays), NAMING_BUDGET_S - mistakes.budget
    assert replays and spent > 0
    mistakes.new_submission()
    assert mistakes.matching(CELL_TEST, [call]) == first and feedback._REPLAYS.replays == replays
    assert NAMING_BUDGET_S - mistakes.budget == spent
    other, _ = cell_call(lambda x, h, Wx, Wh, b: np.tanh(Wx @ x + Wh.T @ h + b))
    other.args = tuple(a + 1 for a in other.args)  # other calls: replayed
    mistakes.matching(CELL_TEST, [other])
    assert len(feedback._REPLAYS.replays) > len(replays)


def test_remembered_replays_are_bounded_in_bytes(monkeypatch):
    monkeypatch.setattr(feedback, "MAX_REMEMBERED_BYTES", 10 * 8000)
    remembered = feedback._Remembered()
    for n in range(30):
        remembered.put(("code", False, str(n)), [feedback.Outcome("value", np.zeros(1000))], 0.1)
    assert list(remembered.replays) == [("code", False, str(n)) for n in range(21, 30)]


@pytest.fixture
def shared(tmp_path):
    """This process's replays shared in a folder, as a pool worker's are; put back afterwards."""
    feedback._REPLAYS.clear()
    feedback.share_replays(tmp_path)
    yield tmp_path
    feedback._REPLAYS.share(None)
    feedback._REPLAYS.clear()


def test_a_replay_one_worker_made_is_reused_by_the_next_and_charged_the_same(shared, monkeypatch):
    call, _ = cell_call(lambda x, h, Wx, Wh, b: np.tanh(Wx @ x + Wh.T @ h + b))
    mistakes = Mistakes(NUMPY_RNN)
    first = mistakes.matching(CELL_TEST, [call])
    spent = NAMING_BUDGET_S - mistakes.budget
    assert first and len(list(shared.iterdir())) == len(feedback._REPLAYS.replays) > 0
    feedback._REPLAYS.clear()  # another worker: nothing in its own memory

    def replayed_again(*args, **kwargs):
        raise AssertionError("replayed again")

    monkeypatch.setattr(Mistakes, "_replay", replayed_again)
    again = Mistakes(NUMPY_RNN)
    assert again.matching(CELL_TEST, [call]) == first
    assert NAMING_BUDGET_S - again.budget == spent


@pytest.mark.parametrize("damage", ["cut short", "another memo", "not a frame", "a cost that is no float",
                                    "too large"])
def test_a_shared_replay_file_that_is_not_whole_and_its_own_is_not_believed(shared, damage):
    call, _ = cell_call(lambda x, h, Wx, Wh, b: np.tanh(Wx @ x + Wh.T @ h + b))
    first = Mistakes(NUMPY_RNN).matching(CELL_TEST, [call])
    memos, files = list(feedback._REPLAYS.replays), sorted(shared.iterdir())
    assert len(files) == len(memos) > 1
    contents = [f.read_bytes() for f in files]
    for n, (path, data) in enumerate(zip(files, contents)):
        message, blobs = wire.unframe(data, len(data))
        if damage == "cut short":
            path.write_bytes(data[:len(data) // 2])
        elif damage == "another memo":  # a replay of other code, under this one's name
            path.write_bytes(contents[(n + 1) % len(contents)])
        elif damage == "too large":  # read no further than a replay's file may hold
            path.write_bytes(data + b"\0" * feedback.MAX_SHARED_REPLAY_BYTES)
        elif damage == "not a frame":
            path.write_bytes(b"\0" * 12 + b"{}")
        else:
            path.write_bytes(wire.frame({**message, "cost": "0"}, blobs))
    feedback._REPLAYS.clear()
    assert all(feedback._REPLAYS._read(memo) is None for memo in memos)
    assert Mistakes(NUMPY_RNN).matching(CELL_TEST, [call]) == first  # replayed anew


def test_a_worker_leaves_a_bounded_amount_in_the_shared_folder(shared, monkeypatch):
    monkeypatch.setattr(feedback, "MAX_REMEMBERED_BYTES", 10 * 8100)
    for n in range(30):
        feedback._REPLAYS.put(("code", False, str(n)), [feedback.Outcome("value", np.zeros(1000))], 0.1)
    assert len(list(shared.iterdir())) == 9  # each file holds 8000 bytes of array and its frame
    assert feedback._REPLAYS._read(("code", False, "29")) is None  # not written: the cap was reached
    value, cost = feedback._REPLAYS._read(("code", False, "0"))
    assert cost == 0.1 and value[0].kind == "value" and np.array_equal(value[0].value, np.zeros(1000))


def test_naming_never_fails_on_what_a_submission_returned():
    weird, _ = cell_call(lambda *args: {"not": object()})
    assert Mistakes(NUMPY_RNN).matching(CELL_TEST, [weird]) == []
    error = Call("rnn_cell_step", (), {}, {}, error="rnn_cell_step raised TypeError: missing arguments")
    assert Mistakes(NUMPY_RNN).matching(CELL_TEST, [error]) == []  # the reference raises the same


def test_uses_reads_which_function_calls_which_without_running_anything():
    cells = [(1, "def rnn_cell_step(x, h, Wx, Wh, b):\n    return 0\n"),
             (2, "def rnn_forward(inputs, Wx, Wh, b, h0=None):\n    return [rnn_cell_step(x, h0, Wx, Wh, b)"
                 " for x in inputs]\n"),
             (3, "def rnn_weights_from_torch(rnn):\n    raise SystemExit  # never run\n"),
             (4, "def init_rnn_params(:\n"),  # a syntax error is skipped
             (5, "class Helper:\n    def go(self):\n        return rnn_forward(1, 2, 3, 4)\n")]
    found = uses(cells, NUMPY_RNN.functions)
    assert found["rnn_forward"] == {"rnn_cell_step"} and found["rnn_cell_step"] == set()
    assert found["rnn_weights_from_torch"] == set() and "init_rnn_params" not in found
    char = uses([(1, "class Net:\n    pass\ndef train_char_rnn():\n    return decode(Net())\n"
                     "def decode(net):\n    return build_vocab('a', 'b')\n")], get("char_rnn").functions)
    assert char["train_char_rnn"] == {"Net", "decode", "build_vocab"}  # transitively


def test_root_cause_names_the_failing_function_first():
    assert function_of("test_rnn_forward_uses_h0", NUMPY_RNN) == "rnn_forward"
    assert function_of("test_rnn_cell_step_and_rnn_forward_leave_arguments_unchanged", NUMPY_RNN) == "rnn_cell_step"
    assert function_of("test_rnn_results_do_not_depend_on_other_calls", NUMPY_RNN) is None
    tests = [TestResult("numpy_rnn", CELL_TEST, "rnn_cell_step computes the formula", 2, 0, False, "wrong"),
             TestResult("numpy_rnn", "test_rnn_forward_uses_h0", "uses h0", 1, 0, False, "differs"),
             TestResult("numpy_rnn", "test_rnn_weights_from_torch_values", "weights", 1, 0, False, "differs")]
    with_root_causes(tests, {"rnn_forward": {"rnn_cell_step"}, "rnn_weights_from_torch": set()}, NUMPY_RNN)
    assert tests[1].message.startswith('rnn_forward uses your rnn_cell_step, which fails "rnn_cell_step '
                                       'computes the formula": fix rnn_cell_step first')
    assert tests[1].message.endswith("\ndiffers")
    assert tests[0].message == "wrong" and tests[2].message == "differs"


def test_grading_names_the_mistake_and_its_root_cause(grade_code):
    bug = next(b for b in NUMPY_RNN.bugs() if b.name == "transposed_Wh")
    result = grade_code(bug.source(), "numpy_rnn")
    by_name = {t.name: t for t in result.tests}
    assert by_name[CELL_TEST].misconception.startswith("`Wh.T @ h_prev` instead of `Wh @ h_prev`")
    assert "a known mistake gives: `Wh.T @ h_prev`" in by_name[CELL_TEST].message
    recurrence = by_name["test_rnn_forward_matches_recurrence"]
    assert recurrence.message.startswith("rnn_forward uses your rnn_cell_step, which fails")
    assert not any(t.misconception for t in result.tests if t.passed)


def test_a_forward_pass_written_inline_is_not_blamed_on_the_cell(grade_code):
    """rnn_forward that does not call rnn_cell_step is judged on its own, even when the cell is wrong."""
    source = (SOLUTIONS / "numpy_rnn.py").read_text().replace("Wh @ h_prev + b)", "Wh.T @ h_prev + b)")
    inline = source.replace("h = rnn_cell_step(x_t, h, Wx, Wh, b)", "h = np.tanh(Wx @ x_t + Wh @ h + b)")
    assert inline != source
    result = grade_code(inline, "numpy_rnn")
    failed = [t for t in result.tests if not t.passed]
    assert any(t.name == CELL_TEST for t in failed)
    assert not any("rnn_forward uses your rnn_cell_step" in t.message for t in failed)
    assert all(t.passed for t in result.tests if t.name.startswith("test_rnn_forward_matches_recurrence"))


def test_uses_parses_a_bounded_amount_of_the_submissions_code():
    huge = "def rnn_forward(inputs, Wx, Wh, b, h0=None):\n    return rnn_cell_step(1, 2, 3, 4, 5)\n" + "#" * 2**20
    assert uses([(1, huge)], NUMPY_RNN.functions) == {}


def test_a_raised_error_matches_only_the_same_error():
    """A catalogued mistake that raises names a student's only when it raises the same error: another
    ValueError (another shape, another cause) is another mistake, whose name would mislead."""
    import types

    module = types.ModuleType("mistake")
    exec("def train(n):\n    raise ValueError(f'Expected input batch_size ({n}) to match target batch_size (5)')",
         module.__dict__)
    ours = "train raised ValueError: Expected input batch_size (5) to match target batch_size (5)\n  File ..."
    other = "train raised ValueError: too many values to unpack (expected 3)\n  File ..."
    for error, named in ((ours, True), (other, False)):
        call = Call("train", (5,), {}, {}, error=error)
        assert feedback._matches(call, feedback._outcome(module, {}, call), weights=True) is named, error
