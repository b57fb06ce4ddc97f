"""Feedback that names the cause of a failure, on the trusted side.

Two things a bare "expected vs got" does not say:
- which known mistake a result is: a failed test's calls are replayed on the exercise's catalogued
  bugs (the reference with one edit: the kit's own code, run here like the reference); a bug whose
  results equal the student's on every call, where the reference's do not, is named;
- which other function is to blame: when a failing function uses another of the student's functions
  (read from their code on the trusted side, nothing run) whose own tests fail, say so first.
"""
from __future__ import annotations

import ast
import contextlib
import copy
import ctypes
import functools
import hashlib
import io
import json
import math
import os
import sys
import threading
import time
import types
import warnings
from pathlib import Path
from typing import Any, Callable, NamedTuple

import numpy as np
import torch

from ..exercises import Bug, Exercise
from ..matching import RECOGNISE_MAX_CODE_BYTES
from .results import encodable
from ..sandbox import wire
from .results import TestResult
from .student_code import Call

# CPU seconds of replays per submission: a replay is tried only while it fits in what is left.
# CPU time, not wall time, so that a busy machine names the same mistakes as an idle one.
NAMING_BUDGET_S = 2.0
RTOL, ATOL = 1e-5, 1e-6  # a replay on the trusted side may differ from the sandbox's run in the last bits
MAX_PAIRED_CALLS = 40  # calls whose pairs are compared for random mistakes (780 pairs at most)
SECOND_SEED = 12345  # where a second replay of the reference starts torch's and NumPy's generators
# A replay stops once it has used this many times the CPU the student's calls took in the sandbox
# (at least MIN_ALLOWANCE_S): the student's mistake costs about what their code did, and a long
# training the student's code never ran (it raised at once) would use up the budget.
ALLOWANCE_FACTOR, MIN_ALLOWANCE_S = 4.0, 0.1
WATCH_INTERVAL_S = 0.005  # how often a replay's CPU time is looked at


RAISED_MESSAGE_CHARS = 200  # of an exception's message, compared with the student's (never cut shorter)


class Outcome(NamedTuple):
    kind: str           # "value", "kept" (an object left in the sandbox) or "raised"
    value: Any          # the value as sent, the kept object's type name, or "Type: start of the message"
    args: Any = None    # the arguments after the call, when the grader asked for them


class _OutOfTime(BaseException):
    """A replay ran past its allowance (BaseException: the replayed code's `except Exception` lets it by)."""


CUT = "cut"  # what _spend returns for a replay stopped at its allowance
EXACT, FORM, PATTERN = "exact", "form", "pattern"
GIVES = {EXACT: "are exactly what",  # every result, number for number
         FORM: "have the form of what",  # where the reference's own numbers vary with the seed
         PATTERN: "vary as what"}  # random results, agreeing and differing where the mistake's do


MAX_REMEMBERED_BYTES = 64 << 20  # of replays remembered per process (the oldest go first)
MAX_SHARED_REPLAY_BYTES = 1 << 20  # of one replay's file in a shared folder


class _Remembered:
    """Replays already made in this process: (the replayed code's digest, reseeded, the calls'
    digest) -> (outcomes or CUT, CPU seconds). A class's submissions fail the same tests with the
    same calls. Bounded in bytes: a submission's large arguments cannot grow it without end.

    share(): the worker processes of one run also leave their replays in a folder of the run's
    own, so that a replay one worker made is not made again by the next (each writes at most
    MAX_REMEMBERED_BYTES there). Only the trusted side reads or writes it: the pool shares one only
    when its sandboxes run as other users, who cannot open it."""

    def __init__(self) -> None:
        self.replays: dict[tuple, tuple[list[Outcome] | str, float]] = {}
        self._sizes: dict[tuple, int] = {}
        self._bytes = 0  # the sum of _sizes
        self.folder: Path | None = None
        self._written = 0  # bytes this process left in the folder

    def share(self, folder: Path | None) -> None:
        self.folder, self._written = folder, 0

    def get(self, memo: tuple) -> tuple[list[Outcome] | str | None, float]:
        found = self.replays.get(memo)
        if found is None and self.folder is not None:
            found = self._read(memo)
            if found is not None:
                self._keep(memo, *found)
        return found or (None, 0.0)

    def put(self, memo: tuple, outcomes: list[Outcome] | str, cost: float) -> None:
        self._keep(memo, outcomes, cost)
        if self.folder is not None:
            self._write(memo, outcomes, cost)

    def _keep(self, memo: tuple, outcomes: list[Outcome] | str, cost: float) -> None:
        self.replays.pop(memo, None)
        self._bytes -= self._sizes.pop(memo, 0)
        self.replays[memo], self._sizes[memo] = (outcomes, cost), _nbytes(outcomes)
        self._bytes += self._sizes[memo]
        while self._bytes > MAX_REMEMBERED_BYTES:
            oldest = next(iter(self.replays))
            del self.replays[oldest]
            self._bytes -= self._sizes.pop(oldest)

    def _path(self, memo: tuple) -> Path:
        return self.folder / (hashlib.sha256(json.dumps(list(memo)).encode()).hexdigest() + ".replay")

    def _write(self, memo: tuple, outcomes: list[Outcome] | str, cost: float) -> None:
        # Not files.write_atomically: that makes a missing folder again, open to others.
        partial = None
        try:
            blobs: list[bytes] = []
            document = outcomes if outcomes == CUT else wire.encode([list(o) for o in outcomes], blobs)
            data = wire.frame({"memo": list(memo), "cost": cost, "outcomes": document}, blobs)
            if len(data) > MAX_SHARED_REPLAY_BYTES or self._written + len(data) > MAX_REMEMBERED_BYTES:
                return
            path = self._path(memo)
            partial = path.with_suffix(f".{os.getpid()}.partial")
            partial.write_bytes(data)
            os.replace(partial, path)  # whole or not at all, for a worker reading it meanwhile
            self._written += len(data)
        except Exception:  # sharing is a saving, never a failure
            if partial is not None:
                partial.unlink(missing_ok=True)

    def _read(self, memo: tuple) -> tuple[list[Outcome] | str, float] | None:
        try:
            with open(self._path(memo), "rb") as file:  # never more than a replay's file may hold
                data = file.read(MAX_SHARED_REPLAY_BYTES + 1)
            message, blobs = wire.unframe(data, MAX_SHARED_REPLAY_BYTES)
            cost, document = message["cost"], message["outcomes"]
            if message["memo"] != list(memo) or type(cost) is not float:
                return None
            if document == CUT:
                return CUT, cost
            return [Outcome(*o) for o in wire.decode(document, blobs)], cost
        except Exception:  # not there (yet), or not whole
            return None

    def clear(self) -> None:
        self.replays.clear()
        self._sizes.clear()
        self._bytes = 0


_REPLAYS = _Remembered()


def share_replays(folder: Path) -> None:
    """Share this process's naming replays with the other processes using `folder` (one run's own
    folder, which no sandbox can open)."""
    _REPLAYS.share(folder)


class Mistakes:
    """The catalogued mistakes of one exercise, replayed on demand."""

    def __init__(self, exercise: Exercise):
        self.exercise = exercise
        self._bugs = exercise.bugs()
        self._reference = exercise.reference.read_text(encoding="utf-8")
        self._code: dict[str, types.CodeType | None] = {}
        definitions = [node for node in ast.parse(self._reference).body
                       if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
        self._edits = {bug.name: self._edited(bug, definitions) for bug in self._bugs if bug.old in self._reference}
        self.reference_uses = uses([(1, self._reference)], exercise.functions)
        self.budget = NAMING_BUDGET_S
        self._last_cost = 0.0  # CPU seconds of the last replay
        # per failed test: the reference's outcomes, a replay's cost and allowance, whether weights
        # compare, which calls vary with the seed
        self._references: dict[str, tuple] = {}
        self.how = EXACT  # how the last matching() found its mistakes: a key of explanation()'s GIVES

    def new_submission(self) -> None:
        self.budget = NAMING_BUDGET_S
        self._references = {}

    def matching(self, test: str, calls: list[Call], likeliest: bool | None = None) -> list[Bug]:
        """The catalogued mistakes whose results on the failed `test`'s calls are the student's, the
        likeliest first ([] when none fits, or when looking failed: naming is a courtesy, it must
        never cost a grade). likeliest: True tries only the mistakes declared to fail this test,
        False only the others (a second pass), None all of them."""
        self.how = EXACT
        try:
            return self._matching(test, calls, likeliest)
        except Exception:
            return []

    def _matching(self, test: str, calls: list[Call], likeliest: bool | None) -> list[Bug]:
        calls = [c for c in calls if not c.error or " raised " in c.error]
        ran = {c.target for c in calls if isinstance(c.target, str)}
        ran |= {g for f in ran for g in self.reference_uses.get(f, ())}
        declared = [b for b in self._bugs if test in b.must_fail]  # the likeliest
        others = [b for b in self._bugs if test not in b.must_fail and self._edits.get(b.name, set()) & ran]
        candidates = {True: declared, False: others, None: declared + others}[likeliest]
        if not calls or not candidates:
            return []
        if test not in self._references:  # both passes of a test replay the same reference
            allowance = max(ALLOWANCE_FACTOR * sum(c.seconds for c in calls), MIN_ALLOWANCE_S)
            reference = self._replayed("reference", self._reference, calls, 0.0, allowance)
            cost = min(self._last_cost, allowance)  # about what each replay of these calls costs
            again = None if reference in (None, CUT) else self._replayed(
                "reference", self._reference, calls, cost, allowance, reseed=True)
            varies = ([a.kind == b.kind == "value" and not _same(a.value, b.value, True)
                       for a, b in zip(reference, again)] if again not in (None, CUT) else [False] * len(calls))
            # Modules' weights are compared only when the calls give the same weights every time (seeded).
            weights = again not in (None, CUT) and not outcomes_differ(again, reference, weights=True)
            self._references[test] = reference, cost, allowance, weights, varies
        reference, cost, allowance, weights, varies = self._references[test]
        if reference is None:
            return []
        # Pairs of calls the reference answers alike: where the student answers them differently,
        # and every replay of a bug does too, the student's code may be as random as that bug's.
        # Such a bug is recognised by the pattern (which of these pairs agree) and the form of
        # every result, since its numbers are random.
        pairs = _alike(calls, reference) if reference != CUT else []  # within one run: weights compare
        random = any(not _same(calls[i].value, calls[j].value, True) for i, j in pairs)
        exact, form, alike = [], [], []
        for bug in candidates:
            source = self._reference.replace(bug.old, bug.new)
            outcomes = self._replayed(bug.name, source, calls, cost, allowance)
            if outcomes is None and self.budget < cost:
                break
            if outcomes in (None, CUT):  # CUT: it ran far longer than the student's code
                continue
            if reference == CUT:  # the reference ran far longer: it cannot be what the bug did
                if all(_matches(c, o, weights) for c, o in zip(calls, outcomes)):
                    exact.append(bug)
            elif outcomes_differ(outcomes, reference, weights) and all(_matches(c, o, weights)
                                                                       for c, o in zip(calls, outcomes)):
                exact.append(bug)
            elif (any(varies) and outcomes_differ(outcomes, reference, weights, varies)
                  and all(_matches(c, o, weights, form_only=v) for c, o, v in zip(calls, outcomes, varies))):
                form.append(bug)  # the reference's results there vary with the seed: compared in form
            elif (random and all(_matches(c, o, weights, form_only=True) for c, o in zip(calls, outcomes))
                  and all(_same(calls[i].value, calls[j].value, True) == _same(outcomes[i].value, outcomes[j].value, True)
                          for i, j in pairs)):
                again = self._replayed(bug.name, source, calls, cost, allowance, reseed=True)
                if again not in (None, CUT) and outcomes_differ(again, outcomes, weights=True):  # the bug is random
                    alike.append(bug)
        self.how = EXACT if exact else FORM if form else PATTERN
        return exact or form or alike

    def _replayed(self, key: str, source: str, calls: list[Call], estimate: float, allowance: float,
                  reseed: bool = False) -> list[Outcome] | str | None:
        """_replay within the budget and the allowance (see _spend), remembered for the process's
        later submissions, whose tests make the same calls. A remembered replay is charged what it
        cost when it ran, so naming decides as it would have by replaying again."""
        memo = (_text_digest(source), reseed, _digest(calls))
        outcomes, cost = _REPLAYS.get(memo)
        if outcomes is None or (outcomes == CUT and cost < allowance):  # it would run further now
            outcomes = self._spend(estimate, allowance, lambda: self._replay(key, source, calls, reseed))
            if outcomes is not None:
                _REPLAYS.put(memo, outcomes, self._last_cost)
            return outcomes
        if self.budget <= 0 or estimate > self.budget:
            return None
        if outcomes != CUT and cost > allowance:  # it ran longer than this student's code would allow
            outcomes, cost = CUT, allowance
        self._last_cost = cost
        self.budget -= cost
        return outcomes

    def _spend(self, estimate: float, allowance: float, replay) -> list[Outcome] | str | None:
        """The replay's outcomes; None when the budget left is below `estimate` (or it does not
        load), CUT when it ran past `allowance` CPU seconds."""
        if self.budget <= 0 or estimate > self.budget:
            return None
        _warm_up()
        restore_modes = _modes_restorer()
        started = time.thread_time()  # this thread only: a Dask worker's other threads do not count
        try:
            # The grader's state is put back outside the allowance, so a stop cannot interrupt that.
            with _isolated(), _stopped_after(min(allowance, self.budget)):
                return replay()
        except _OutOfTime:
            return CUT
        finally:
            restore_modes()  # once a stopped replay's frames are gone (a guard in them restores on its own)
            self._last_cost = time.thread_time() - started
            self.budget -= self._last_cost

    def _edited(self, bug: Bug, definitions: list[ast.FunctionDef | ast.ClassDef]) -> set[str]:
        """The reference's top-level functions and classes (`definitions`) that the bug's edit falls in."""
        reference = self._reference
        start = reference.index(bug.old)
        lines = reference[:start].count("\n") + 1, reference[:start + len(bug.old)].count("\n") + 1
        return {node.name for node in definitions if node.lineno <= lines[1] and lines[0] <= node.end_lineno}

    def _replay(self, key: str, source: str, calls: list[Call], reseed: bool = False) -> list[Outcome] | None:
        """Each call's outcome on a fresh module of `source` (None when the module does not load);
        reseed: start torch's and NumPy's global generators elsewhere (code that seeds is unmoved).
        Run only within _spend, which puts the generators back."""
        if key not in self._code:
            try:
                self._code[key] = compile(source, f"<{self.exercise.name}: {key}>", "exec")
            except SyntaxError:
                self._code[key] = None
        code = self._code[key]
        if code is None:
            return None
        module = types.ModuleType(f"mistake_{key}")
        if reseed:
            torch.random.default_generator.manual_seed(SECOND_SEED)  # the CPU's alone, as it is cheaper
            np.random.seed(SECOND_SEED)
        try:
            exec(code, module.__dict__)
        except Exception:
            return None
        kept: dict[int, Any] = {}
        return [_outcome(module, kept, call) for call in calls]


def said(bug: Bug) -> str:
    """A mistake in plain words (what TestResult.misconception holds)."""
    return bug.says or bug.why


def explanation(bugs: list[Bug], how: str = EXACT) -> str:
    """The feedback line naming the mistakes (one, or the few that give the same results here),
    found as `how` says (see GIVES)."""
    if len(bugs) == 1:
        return f"Your results {GIVES[how]} a known mistake gives: {said(bugs[0])}."
    return f"Your results {GIVES[how]} one of these known mistakes gives: " + "; or ".join(map(said, bugs[:3])) + "."


def outcomes_differ(outcomes: list[Outcome], reference: list[Outcome] | None, weights: bool = False,
                    form_only: list[bool] | None = None) -> bool:
    """form_only: per call, whether only the form of its results counts (they vary with the seed)."""
    if reference is None:
        return True
    same = [_like if f else functools.partial(_same, weights=weights) for f in form_only or [False] * len(reference)]
    return any(a.kind != b.kind or not s(a.value, b.value) or not s(a.args, b.args)
               for a, b, s in zip(outcomes, reference, same))


@contextlib.contextmanager
def _stopped_after(seconds: float):
    """Raise _OutOfTime in this thread once it has used `seconds` of CPU time. A watching thread
    polls this thread's CPU clock and raises it asynchronously (as a signal would, but in any
    thread: the pool's main thread and a Dask worker's task thread alike); nothing slows the code.

    A stop delivered inside a __del__ or a weakref callback is swallowed by Python (reported to
    sys.unraisablehook): it is raised again. A raised exception is never withdrawn
    (PyThreadState_SetAsyncExc with NULL): CPython 3.11 then leaves its eval breaker set for good,
    which spins forever under a tracer or profiler (a debugger, coverage, cProfile). One raised but
    not yet delivered is taken here instead. At most one is ever outstanding."""
    target = threading.get_ident()
    clock = time.pthread_getcpuclockid(target)
    deadline = time.clock_gettime(clock) + seconds
    done, swallowed, lock, raised = threading.Event(), threading.Event(), threading.Lock(), []

    def stop() -> None:
        with lock:
            if not done.is_set():
                raised.append(True)
                _raise_in(target, _OutOfTime)

    def watch() -> None:
        while not done.wait(WATCH_INTERVAL_S):
            if time.clock_gettime(clock) > deadline:
                stop()
                while not done.is_set():
                    if swallowed.wait(WATCH_INTERVAL_S):
                        swallowed.clear()
                        stop()
                return

    _SWALLOWED.watch(target, swallowed)
    watcher = threading.Thread(target=watch, name="replay-allowance", daemon=True)
    watcher.start()
    delivered = False
    try:
        yield
    except _OutOfTime:
        delivered = True
        raise
    finally:
        with lock:
            done.set()
        if raised and not delivered:  # raised as the replay ended: delivered at the loop's next step
            try:
                for _ in range(1000):
                    pass
            except _OutOfTime:
                pass
        watcher.join()
        _SWALLOWED.unwatch(target)


class _SwallowedStops:
    """One sys.unraisablehook for the process's replays under a stop (a Dask worker may run several
    in its threads): it tells a thread's watcher that its stop was swallowed and hands any other
    report to the hook it replaced, put back once no replay is watched."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: dict[int, threading.Event] = {}
        self._previous: Callable[[Any], None] = sys.__unraisablehook__

    def watch(self, thread: int, swallowed: threading.Event) -> None:
        with self._lock:
            if not self._events:
                self._previous, sys.unraisablehook = sys.unraisablehook, self._hook
            self._events[thread] = swallowed

    def unwatch(self, thread: int) -> None:
        with self._lock:
            del self._events[thread]
            if not self._events and sys.unraisablehook == self._hook:
                sys.unraisablehook = self._previous

    def _hook(self, report: Any) -> None:
        swallowed = self._events.get(threading.get_ident())
        if swallowed is not None and report.exc_type is _OutOfTime:
            swallowed.set()
        else:
            self._previous(report)


_SWALLOWED = _SwallowedStops()


def _raise_in(thread: int, exception: type[BaseException]) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(exception))


@functools.cache
def _warm_up() -> None:
    """torch's one-time set-up, once per process, so that no submission's naming budget pays for it:
    the first optimizer step imports torch._dynamo (about 2 CPU-seconds)."""
    with torch.random.fork_rng():
        weight = torch.zeros(1, requires_grad=True)
        optimizer = torch.optim.Adam([weight])
        (weight * weight).sum().backward()
        optimizer.step()


@contextlib.contextmanager
def _isolated():
    """A replay leaves the grader as it was: its printing, warnings, torch's and NumPy's global
    random state."""
    state = np.random.get_state()
    with torch.random.fork_rng(), warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
            contextlib.redirect_stderr(io.StringIO()):
        try:
            yield
        finally:
            np.random.set_state(state)


def _modes_restorer() -> Callable[[], None]:
    """What puts back the process-wide modes a replay may change, or a stop leave half-restored: it
    lands anywhere, also inside torch.no_grad()'s __exit__, and grad mode left off made every later
    grading's autograd fail in that process."""
    grad, dtype, errors = torch.is_grad_enabled(), torch.get_default_dtype(), np.geterr()

    def restore() -> None:
        torch.set_grad_enabled(grad)
        torch.set_default_dtype(dtype)
        np.seterr(**errors)
    return restore


def _nbytes(value: Any) -> int:
    """About what `value` holds in memory (its arrays' bytes; 64 for anything else)."""
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, torch.Tensor):
        return value.element_size() * value.nelement()
    if isinstance(value, wire.ModuleData):
        return sum(map(_nbytes, value.state_dict().values())) + 64
    if isinstance(value, (list, tuple)):
        return sum(map(_nbytes, value)) + 64
    if isinstance(value, dict):
        return sum(_nbytes(k) + _nbytes(v) for k, v in value.items()) + 64
    return 64


@functools.lru_cache(maxsize=256)
def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _digest(calls: list[Call]) -> str:
    """What a replay of `calls` depends on: each call's target, arguments and flags (handles by
    their number within the submission), not what the student's code returned."""
    digest = hashlib.sha256()
    for call in calls:
        blobs: list[bytes] = []
        kept = _low(call.value.id) if call.flags.get("keep") and isinstance(call.value, wire.Handle) else None
        document = wire.encode(_numbered([call.target, list(call.args), dict(call.kwargs), kept]), blobs)
        digest.update(json.dumps([document, call.flags], sort_keys=True, default=repr).encode())
        for blob in blobs:
            digest.update(hashlib.sha256(blob).digest())
    return digest.hexdigest()


def _numbered(value: Any) -> Any:
    """Handles by their number within the submission (their high bits count sandbox restarts)."""
    if isinstance(value, wire.Handle):
        return wire.Handle(_low(value.id), value.type_name)
    if isinstance(value, (list, tuple)):
        return type(value)(_numbered(v) for v in value)
    if isinstance(value, dict):
        return {k: _numbered(v) for k, v in value.items()}
    return value


def _low(handle_id: int) -> int:
    return handle_id & ((1 << 32) - 1)


def _resolve(value: Any, kept: dict[int, Any]) -> Any:
    """The grader's arguments as the variant gets them: copies (it may modify them), handles replaced."""
    if isinstance(value, wire.Handle):
        return kept.get(_low(value.id))
    if isinstance(value, wire.ModuleData):  # a module the sandbox sent back, passed in again
        try:
            return value.build()
        except wire.WireError:
            return value
    if isinstance(value, (list, tuple)):
        return type(value)(_resolve(v, kept) for v in value)
    if isinstance(value, dict):
        return {k: _resolve(v, kept) for k, v in value.items()}
    return copy.deepcopy(value)


def _as_sent(value: Any) -> Any:
    """A value as it would have crossed from the sandbox (so a Net compares with ModuleData)."""
    blobs: list[bytes] = []
    return wire.decode(wire.encode(value, blobs), blobs)


def _outcome(module: types.ModuleType, kept: dict[int, Any], call: Call) -> Any:
    try:
        if isinstance(call.target, str):
            function = module.__dict__[call.target]
        else:
            obj = kept[int(call.target[0])]
            function = obj if call.target[1] is None else getattr(obj, call.target[1])
        args, kwargs = _resolve(list(call.args), kept), _resolve(dict(call.kwargs), kept)
        result = function if call.flags.get("getattr") else function(*args, **kwargs)
        if call.flags.get("keep"):
            if isinstance(call.value, wire.Handle):
                kept[_low(call.value.id)] = result
            return Outcome("kept", type(result).__name__)
        return Outcome("value", _as_sent(result), _as_sent(args) if call.flags.get("return_args") else None)
    except Exception as error:
        try:
            message = str(error)[:RAISED_MESSAGE_CHARS]
        except Exception:
            message = ""
        return Outcome("raised", f"{type(error).__name__}: {message}")


def _matches(call: Call, outcome: Outcome, weights: bool, form_only: bool = False) -> bool:
    """Whether a replay's outcome is the student's (form_only: in form, whatever the numbers)."""
    if call.error:
        # the type and the message's start: a ValueError of another shape is another mistake
        return outcome.kind == "raised" and f" raised {encodable(outcome.value)}" in call.error
    if call.flags.get("keep"):
        return outcome.kind == "kept" and isinstance(call.value, wire.Handle) and call.value.type_name == outcome.value
    same = _like if form_only else functools.partial(_same, weights=weights)
    return (outcome.kind == "value" and same(call.value, outcome.value)
            and (call.returned_args is None or same(call.returned_args, outcome.args)))


def _alike(calls: list[Call], reference: list[Outcome]) -> list[tuple[int, int]]:
    """The pairs of calls that returned values the reference's replay gives alike."""
    values = [i for i, (c, o) in enumerate(zip(calls, reference)) if not c.error and o.kind == "value"]
    values = values[:MAX_PAIRED_CALLS]  # the pairs grow as the square of the calls: bounded
    return [(i, j) for n, i in enumerate(values) for j in values[n + 1:] if _same(reference[i].value, reference[j].value, True)]


def _like(a: Any, b: Any) -> bool:
    """The same form: types, shapes, dtypes, lengths and keys, whatever the numbers."""
    if isinstance(a, (np.ndarray, torch.Tensor)) or isinstance(b, (np.ndarray, torch.Tensor)):
        return type(a) is type(b) and a.shape == b.shape and a.dtype == b.dtype
    if isinstance(a, wire.ModuleData) or isinstance(b, wire.ModuleData):
        return _same(a, b, weights=False)
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_like(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) or isinstance(b, dict):
        return type(a) is type(b) and a.keys() == b.keys() and all(_like(a[k], b[k]) for k in a)
    return type(a) is type(b)


def _same(a: Any, b: Any, weights: bool = False) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and a.dtype == b.dtype and _close(a, b))
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape
                and a.dtype == b.dtype and _close(a.detach().double().numpy(), b.detach().double().numpy()))
    if isinstance(a, wire.ModuleData) or isinstance(b, wire.ModuleData):
        if not (isinstance(a, wire.ModuleData) and isinstance(b, wire.ModuleData)) or a.type_name != b.type_name:
            return False
        # The weights only when `weights`: a module built unseeded differs in every replay.
        sa, sb = a.state_dict(), b.state_dict()
        return (a.base == b.base and _same(a.config, b.config, weights) and set(sa) == set(sb)
                and sorted(a.frozen) == sorted(b.frozen)
                and all(sa[k].shape == sb[k].shape and sa[k].dtype == sb[k].dtype
                        and (not weights or _same(sa[k], sb[k])) for k in sa))
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y, weights) for x, y in zip(a, b))
    if isinstance(a, dict) or isinstance(b, dict):
        return type(a) is type(b) and a.keys() == b.keys() and all(_same(a[k], b[k], weights) for k in a)
    if isinstance(a, float) or isinstance(b, float):
        return (type(a) is type(b) and (math.isclose(a, b, rel_tol=RTOL, abs_tol=ATOL)
                                        or (math.isnan(a) and math.isnan(b))))
    if isinstance(a, wire.Handle) and isinstance(b, wire.Handle):
        return a.type_name == b.type_name
    return type(a) is type(b) and a == b


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    if a.dtype.kind not in "fc":
        return bool(np.array_equal(a, b))
    return bool(np.allclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True))


# ---------------------------------------------------------------- root causes

def uses(cells: list[tuple[int, str]], functions: tuple[str, ...]) -> dict[str, set[str]]:
    """Which of the exercise's functions each one of the submission uses, directly or not: the names
    its body (a class: its methods) mentions, read from the code without running it."""
    direct: dict[str, set[str]] = {}
    budget = RECOGNISE_MAX_CODE_BYTES  # the submission's code is parsed on the trusted side: bounded
    for _, code in cells:
        if len(code) > budget:
            continue
        budget -= len(code)
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in functions:
                names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
                direct[node.name] = {f for f in functions if f in names and f != node.name}
    closed = {f: set(g) for f, g in direct.items()}
    for _ in functions:  # transitively: at most one step per function
        for f in closed:
            closed[f] |= {h for g in set(closed[f]) for h in closed.get(g, ())} - {f}
    return closed


def function_of(test: str, exercise: Exercise) -> str | None:
    """The student function a grader test is about, from its name (test_<function>_...)."""
    name = test.removeprefix("test_").lower()
    found = [f for f in exercise.functions if name == f.lower() or name.startswith(f.lower() + "_")]
    return max(found, key=len) if found else None


def with_root_causes(tests: list[TestResult], used: dict[str, set[str]], exercise: Exercise) -> None:
    """Prefix each failure caused by another failing function of the student's with that cause.

    used: what each of the student's functions uses (see uses()).
    """
    failing: dict[str, TestResult] = {}
    for test in tests:
        function = function_of(test.name, exercise)
        if function and not test.passed and function not in failing:
            failing[function] = test
    for test in tests:
        function = function_of(test.name, exercise)
        if test.passed or function is None:
            continue
        culprits = [g for g in exercise.functions if g in used.get(function, ()) and g in failing]
        if culprits:
            causes = "; ".join(f"your {g}, which fails \"{failing[g].description}\"" for g in culprits)
            test.message = (f"{function} uses {causes}: fix {' and '.join(culprits)} first, this test may then "
                            f"pass too.\n{test.message}")
