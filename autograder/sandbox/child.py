"""The sandboxed process's loop: run the submission's cells, then answer calls into them.

Everything here runs next to student code and may be patched by it; the trusted side therefore
treats every reply as untrusted data (see process.py) and checks it itself.
"""
from __future__ import annotations

import contextlib
import io
import linecache
import socket
import sys
import traceback
import types
from typing import Any

from .. import config
from . import wire


class _Captured:
    """What `%%capture name` binds: the cell's output."""

    def __init__(self, stdout: str, stderr: str):
        self.stdout, self.stderr, self.outputs = stdout, stderr, []

    def show(self) -> None:
        sys.stdout.write(self.stdout)
        sys.stderr.write(self.stderr)

    __call__ = show


class _IPythonStub:
    """Enough of get_ipython() for transformed notebook cells: magics that only wrap Python code
    (%time, %%time, %%timeit, %%capture) run that code once; every other magic does nothing."""

    def __init__(self, namespace: dict):
        self._namespace = namespace

    def _run(self, code: str) -> None:
        exec(compile(code, "<cell magic>", "exec"), self._namespace)

    def run_line_magic(self, name: str, line: str, *args: Any) -> None:
        if name == "time":
            self._run(line)

    def run_cell_magic(self, name: str, line: str, cell: str) -> None:
        if name in ("time", "timeit"):
            self._run(cell)
        elif name == "capture":
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                self._run(cell)
            target = next((word for word in line.split() if not word.startswith("-")), None)
            if target and target.isidentifier():
                self._namespace[target] = _Captured(out.getvalue(), err.getvalue())

    def system(self, *args: Any, **kwargs: Any) -> None:
        return None

    def getoutput(self, *args: Any, **kwargs: Any) -> list:
        return []

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


def _student_traceback(error: BaseException, limit: int) -> str:
    """The exception with only the frames of the submission's own code."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith("<cell")]
    lines = traceback.format_list(frames[-5:])
    try:
        last = traceback.format_exception_only(type(error), error)
    except Exception:  # a hostile __str__
        last = [type(error).__name__ + "\n"]
    return ("".join(lines) + "".join(last))[-limit:]


def _describe(error: BaseException, message_chars: int, traceback_chars: int) -> dict:
    try:
        message = str(error)[:message_chars]
    except Exception:
        message = ""
    return {"kind": "exception", "type": type(error).__name__[:config.MAX_NAME_CHARS], "message": message,
            "traceback": _student_traceback(error, traceback_chars)}


class Child:
    def __init__(self, sock: socket.socket, max_bytes: int, message_chars: int, traceback_chars: int):
        """message_chars, traceback_chars: an exception's message and traceback are cut here already."""
        self.sock = sock
        self.max_bytes = max_bytes
        self._cuts = (message_chars, traceback_chars)
        self.module = types.ModuleType("__main__")
        self.namespace = self.module.__dict__
        self.handles: dict[int, Any] = {}

    # ---------------------------------------------------------------- loading
    def load(self, message: dict) -> dict:
        self.namespace["__name__"] = message.get("module_name", "__main__")
        self.namespace["get_ipython"] = lambda: _IPythonStub(self.namespace)
        sys.modules["__main__"] = self.module
        skip = set(message.get("skip", []))
        cell_errors = []
        for index, code in message["cells"]:
            if index in skip:
                continue
            wire.send(self.sock, {"progress": index})
            filename = f"<cell {index}>"
            linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
            try:
                exec(compile(code, filename, "exec"), self.namespace)
            except BaseException as error:  # SystemExit, KeyboardInterrupt too: a cell's failure
                cell_errors.append({"cell": index, **_describe(error, *self._cuts)})
            finally:
                _flush()
        return {"ok": True, "cell_errors": cell_errors}

    # ---------------------------------------------------------------- calls
    def call(self, message: dict, blobs: list[bytes]) -> tuple[dict, list[bytes]]:
        target = message["target"]
        if isinstance(target, list):  # [handle id, attribute or None for the object itself]
            obj = self.handles[int(target[0])]
            if target[1] is None:
                function = obj
            elif not hasattr(obj, target[1]):
                return {"ok": False, "error": {"kind": "missing", "name": target[1]}}, []
            else:
                function = getattr(obj, target[1])
        else:
            if target not in self.namespace:
                return {"ok": False, "error": {"kind": "missing", "name": target}}, []
            function = self.namespace[target]
        resolve = lambda hid, _type: self.handles[hid]
        args = wire.decode(message["args"], blobs, resolve, build_modules=True)
        kwargs = wire.decode(message["kwargs"], blobs, resolve, build_modules=True)
        if message.get("getattr"):
            result = function
        elif not callable(function):
            return {"ok": False, "error": {"kind": "not_callable", "type": type(function).__name__}}, []
        else:
            try:
                result = function(*args, **kwargs)
            except BaseException as error:
                return {"ok": False, "error": _describe(error, *self._cuts)}, []
            finally:
                _flush()
        out_blobs: list[bytes] = []
        if message.get("keep"):
            handle = wire.Handle(len(self.handles) + 1, type(result).__name__[:80])
            self.handles[handle.id] = result
            result = handle
        reply = {"ok": True, "value": wire.encode(result, out_blobs)}
        if message.get("return_args"):
            reply["args"] = wire.encode(list(args), out_blobs)
        return reply, out_blobs

    def serve(self) -> None:
        while True:
            received = wire.recv_blocking(self.sock, self.max_bytes)
            if received is None:
                return
            message, blobs = received
            try:
                if message["op"] == "load":
                    reply, out = self.load(message), []
                else:
                    reply, out = self.call(message, blobs)
            except BaseException as error:  # e.g. a value that cannot be encoded
                reply, out = {"ok": False, "error": {"kind": "internal", **_describe(error, *self._cuts)}}, []
            wire.send(self.sock, reply, out)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
