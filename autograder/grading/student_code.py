"""What the graders see of a submission: its functions, each call crossing into a sandbox.

Graders call `student.call("rnn_forward", inputs, Wx, Wh, b)` and get plain data back, or a
StudentCodeError whose message says in plain words what went wrong. Crashes and hangs are
remembered: a function that hung is not called again, a crashed sandbox is restarted (at most
settings.max_restarts times) and the whole submission has a wall-time budget.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import autograder

from .. import config
from ..config import Settings
from ..load import Source
from .results import clip
from ..sandbox import wire
from ..sandbox.process import SandboxFailure, SandboxProcess
from ..sandbox.zygote import SandboxSettings, Zygote


class StudentCodeError(Exception):
    """A call into student code that gave no usable value; str() is the student-facing message."""


@dataclass
class Call:
    """One call a grader made into the submission, as the trusted side saw it: replayed on the
    catalogued mistakes to name the one a failing result matches (grading/feedback.py)."""
    target: Any                    # a function name, or [handle id, attribute or None]
    args: tuple
    kwargs: dict
    flags: dict                    # keep / return_args / getattr, as sent
    value: Any = None
    returned_args: list | None = None
    error: str = ""                # the student-facing message when the call failed
    seconds: float = 0.0           # CPU seconds it used in the sandbox (what a replay may cost)
    reply_bytes: int = 0           # the arrays of its reply, as sent: what keeping value costs
    kept: bool = True              # False: value was not kept (naming_memory_bytes), so not replayable


MAX_LOGGED_CALLS = 200  # per test: enough for every grader; a loop in a grader cannot grow it without end


def sandbox_settings(extra_hide: list[Path] = (), settings: Settings = Settings()) -> SandboxSettings:
    """Hide the graders, the reference solutions, the kit's checkout and homes; keep Python;
    settings' limits."""
    package = Path(autograder.__file__).resolve().parent
    hidden = [Path("/root"), Path("/home"), config.SOLUTIONS_DIR, config.EXERCISES_DIR]
    if (package.parent / "pyproject.toml").exists():  # a source checkout: hide all of it
        hidden.insert(0, package.parent)
    keep = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix), package}
    # Absolute: the sandbox resolves paths from /, where a relative "." would hide everything.
    hide = [p.resolve() for p in [*hidden, *map(Path, extra_hide)]]
    return SandboxSettings.of(settings, hide=[str(p) for p in hide if p != Path("/")],
                              keep=sorted(str(p.resolve()) for p in keep))


class StudentCode:
    def __init__(self, source: Source, zygote: Zygote, sandbox: SandboxSettings,
                 timeouts: Mapping[str, float] | None = None, settings: Settings = Settings()):
        self.source = source
        self.timeouts = dict(timeouts or {})  # seconds per function, where the exercise allows more
        self.zygote = zygote
        self.sandbox = sandbox
        self.settings = settings
        self.problems: list[str] = list(source.problems)
        self.limits: list[str] = list(source.limits)  # every limit hit, for the class summary
        self._process: SandboxProcess | None = None
        self._generation = 0           # handles die with the process that made them
        self._starts = 0
        self._skip: set[int] = set()   # cells that hung or crashed the process
        self._broken: dict[str, str] = {}  # function -> why it is not called again
        self._fatal: str | None = None
        self._spent = 0.0
        self._outputs: list[str] = []
        self._loaded = False
        self.calls: list[Call] = []  # this test's calls (the grading plugin clears it between tests)

    # ---------------------------------------------------------------- calls for graders
    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """name(*args, **kwargs) in the sandbox; its return value as plain data."""
        return self._call(name, name, args, kwargs)[0]

    def call_returning_args(self, name: str, *args: Any, **kwargs: Any) -> tuple[Any, list]:
        """Like call, and also the arguments as they were after the call (to see mutation)."""
        return self._call(name, name, args, kwargs, return_args=True)

    def new(self, name: str, *args: Any, **kwargs: Any) -> wire.Handle:
        """An object (e.g. a Net) built by the submission and kept in the sandbox."""
        return self._call(name, name, args, kwargs, keep=True)[0]

    def method(self, handle: wire.Handle, method: str, *args: Any, **kwargs: Any) -> Any:
        return self._call(f"{handle.type_name}.{method}", self._target(handle, method), args, kwargs)[0]

    def value(self, handle: wire.Handle) -> Any:
        """The kept object itself, as data (a module comes back as ModuleData)."""
        return self._call(handle.type_name, self._target(handle, None), (), {}, getattr=True)[0]

    def attribute(self, handle: wire.Handle, name: str) -> Any:
        return self._call(f"{handle.type_name}.{name}", self._target(handle, name), (), {}, getattr=True)[0]

    def used_again(self, calls: list[Call]) -> None:
        """Calls an earlier test made whose results this test uses: they join its log, so that the
        feedback replays them too when this test fails."""
        for call in calls:
            if len(self.calls) < MAX_LOGGED_CALLS and not any(call is c for c in self.calls):
                self.calls.append(call)

    def keep(self, label: str, target: wire.Handle | str, attribute: str | None = None, *args: Any,
             getattr: bool = False) -> wire.Handle:
        """For graders that make their own objects in the sandbox: a global (by name) or a kept
        object (or its attribute), called with args (or taken as it is, getattr=True), kept there."""
        where = target if isinstance(target, str) else self._target(target, attribute)
        return self._call(label, where, args, {}, keep=True, getattr=getattr)[0]

    def argument(self, handle: wire.Handle) -> wire.Handle:
        """A kept object as an argument of a call: the sandbox knows it by its own id."""
        return wire.Handle(self._target(handle, None)[0], handle.type_name)

    def holds(self, handle: wire.Handle) -> bool:
        """Whether a kept object still exists (not after a restart of the submission's process)."""
        try:
            self._target(handle, None)
        except StudentCodeError:
            return False
        return True

    @property
    def output(self) -> str:
        return "\n".join(o for o in self._outputs if o.strip())

    def close(self) -> None:
        self._stop()

    # ---------------------------------------------------------------- machinery
    def _target(self, handle: wire.Handle, name: str | None) -> list:
        generation, hid = divmod(handle.id, 1 << 32)
        if generation != self._generation or self._process is None:
            raise StudentCodeError(f"the {handle.type_name} object was lost when the submission's "
                                   "process was restarted after an earlier failure")
        return [hid, name]

    def _call(self, label: str, target: Any, args: tuple, kwargs: dict, **flags: Any) -> tuple[Any, list]:
        function = label.split(".")[0] if isinstance(target, str) else label
        if function in self._broken:
            raise StudentCodeError(self._broken[function] + " (not called again)")
        process = self._running()
        blobs: list[bytes] = []
        message = {"op": "call", "target": target, "args": wire.encode(list(args), blobs),
                   "kwargs": wire.encode(dict(kwargs), blobs), **flags}
        timeout = self.timeouts.get(function, self.settings.call_timeout_s)
        started, cpu = time.monotonic(), process.cpu_seconds()
        try:
            allowed = min(timeout, self._budget_left())
            reply, reply_blobs = process.request(message, blobs, timeout=allowed)
        except SandboxFailure as failure:
            self._stop()
            # the budget may have cut the call short: say how long it really had
            limit = f"{timeout:g} s" if allowed >= timeout else f"{allowed:.2g} s, what was left of its time budget"
            why = (f"{label} did not return within {limit}" if failure.kind == "timeout"
                   else f"{label} stopped the submission's process: it {failure.detail}")
            self._broken[function] = why
            self.limits.append(f"{failure.kind} in {label}")
            raise StudentCodeError(why) from None
        finally:
            self._spent += time.monotonic() - started
        # CPU, not wall time: a busy machine must not change which mistakes are named (feedback.py)
        call = Call(target, args, kwargs, flags, seconds=max(0.0, process.cpu_seconds() - cpu),
                    reply_bytes=sum(len(blob) for blob in reply_blobs))
        if len(self.calls) < MAX_LOGGED_CALLS:
            self.calls.append(call)
        # A test's log keeps what the submission returned, for naming: never more than the setting.
        call.kept = sum(c.reply_bytes for c in self.calls) <= self.settings.naming_memory_bytes
        if not reply.get("ok"):
            error = reply.get("error")
            call.error = _error_message(label, error if isinstance(error, dict) else {}, self.settings)
            raise StudentCodeError(call.error)
        try:
            value = wire.decode(reply.get("value"), reply_blobs)
            returned_args = wire.decode(reply.get("args", []), reply_blobs)
        except wire.WireError as error:
            call.error = f"{label} returned data the grader cannot read ({error})"
            raise StudentCodeError(call.error) from None
        if isinstance(value, wire.Handle):
            value = wire.Handle(self._generation << 32 | value.id, value.type_name)
        if call.kept:
            call.value, call.returned_args = value, returned_args if flags.get("return_args") else None
        return value, returned_args

    def _budget_left(self) -> float:
        left = self.settings.submission_budget_s - self._spent
        if left <= 0:
            if not self._fatal:
                self.limits.append("time budget used up")
            self._fatal = self._fatal or (f"the submission used up its time budget of "
                                          f"{self.settings.submission_budget_s:g} s; later tests were not run")
            self._stop()
            raise StudentCodeError(self._fatal)
        return left

    def _running(self) -> SandboxProcess:
        while self._process is None:
            if self._fatal:
                raise StudentCodeError(self._fatal)
            if self._starts > self.settings.max_restarts:
                self._fatal = "the submission's process failed too often; later tests were not run"
                self.limits.append("restart limit reached")
                raise StudentCodeError(self._fatal)
            self._start()
        return self._process

    def _start(self) -> None:
        """Spawn a sandbox and run the submission's cells in it, skipping cells that hung before."""
        self._starts += 1
        self._generation += 1
        timeout = min(self.settings.load_timeout_s, self._budget_left())  # before spawning: nothing to leak
        process = SandboxProcess(self.zygote, self.sandbox)
        current = {"cell": None}
        message = {"op": "load", "cells": self.source.cells, "skip": sorted(self._skip),
                   "module_name": self.source.module_name}
        cells = {index for index, _ in self.source.cells}

        def progress(reply: dict) -> None:  # the cell now running, as the submission says it is
            cell = reply.get("progress")
            current["cell"] = cell if type(cell) is int and cell in cells else None

        started = time.monotonic()
        try:
            reply, _ = process.request(message, timeout=timeout, on_progress=progress)
            cell_errors = _load_report(reply, self.settings.max_problems)
        except BaseException as failure:
            if not isinstance(failure, SandboxFailure):
                process.close()
                raise
            self._collect_output(process)
            process.close()
            cell = current["cell"]
            self.limits.append(f"{failure.kind} while running cell {cell}")
            if failure.kind == "timeout":
                what = f"did not finish within {self.settings.load_timeout_s:g} s"
            else:
                what = f"stopped the process: it {failure.detail}"
            if cell is None or len(self.source.cells) == 1:
                self._fatal = f"running the submission {what}"
                self.problems.append(self._fatal)
            else:
                self._skip.add(cell)
                self.problems.append(f"cell {cell} {what}; it was skipped")
            return
        finally:
            self._spent += time.monotonic() - started
        if not self._loaded:
            self._loaded = True
            for error in cell_errors:
                cell = error.get("cell") if type(error.get("cell")) is int else "?"
                where = f"cell {cell}" if self.source.module_name == "__main__" else "the file"
                message = clip(error.get("message") or "", 300)
                kind = clip(error.get("type"), config.MAX_NAME_CHARS)
                self.problems.append(f"{where} raised {kind}" + (f": {message}" if message else ""))
        self._process = process

    def _stop(self) -> None:
        if self._process is not None:
            self._collect_output(self._process)
            self._process.close()
            self._process = None

    def _collect_output(self, process: SandboxProcess) -> None:
        process.kill()
        process.output.join(timeout=1)
        self._outputs.append(process.output.text())
        if process.output.total > self.sandbox.output_keep_bytes:
            self.limits.append(f"printed {process.output.total} bytes (only the first "
                               f"{self.sandbox.output_keep_bytes} are kept)")


def _load_report(reply: dict, max_errors: int) -> list[dict]:
    """The cell errors a load reply reports; the submission may have forged the reply."""
    errors = reply.get("cell_errors", [])
    if not (isinstance(errors, list) and all(isinstance(e, dict) for e in errors)):
        raise SandboxFailure("garbage", "sent an unreadable reply (not a report of the cells it ran)")
    return errors[:max_errors]


def _error_message(label: str, error: dict, settings: Settings) -> str:
    """What an error reply says, each of its fields cut: the submission may have forged it."""
    kind = error.get("kind")
    if not kind and not error.get("type"):  # e.g. a reply the submission forged
        return f"{label} failed without saying how (its reply held no error)"
    name = clip(error.get("name", label), config.MAX_NAME_CHARS)
    type_name = clip(error.get("type"), config.MAX_NAME_CHARS)
    message = clip(error.get("message"), settings.max_error_message_chars)
    if kind == "missing":
        return f"your submission does not define {name}"
    if kind == "not_callable":
        return f"{label} is a {type_name}, not a function"
    if kind == "internal":
        return f"what {label} returned could not be sent back: {type_name}: {message}"
    if type_name == "NotImplementedError":
        return f"{label} is not implemented yet (it raises NotImplementedError)"
    cut = settings.max_traceback_chars
    trace = clip(str(error.get("traceback", ""))[-cut:], cut).rstrip()
    return f"{label} raised {type_name}: {message}" + (f"\n{trace}" if trace else "")
