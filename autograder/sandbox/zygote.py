"""A warm process that forks one sandbox per request, so no sandbox pays torch's start-up.

The zygote is started fresh (never forked from the trusted process, so it holds no grader or
reference code in memory), imports numpy and torch and builds one optimizer, then waits for spawn
requests on its control socket. For each request it forks a supervisor, which enters new
namespaces and forks the sandboxed process (PID 1 there), reports that process's PID and later its
wait status on a status pipe, and exits. Killing the sandboxed process ends its whole namespace.
"""
from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field, replace
from typing import Iterator

from .. import config
from ..config import Settings

_STATUS = struct.Struct(">qq")  # (kind, value): kind 0 = pid, 1 = wait status

# All the zygote inherits of the trusted side's environment: every sandbox is a copy of the
# zygote's memory, where the original environment stays readable (e.g. on the stack) after
# scrubbing os.environ, so secrets must never reach the zygote at all.
ZYGOTE_ENVIRONMENT = ("PATH", "PYTHONPATH", "LD_LIBRARY_PATH", "HOME", "LANG", "LC_ALL", "TZ")


@dataclass
class SandboxSettings:
    """What a sandbox is allowed; sent with every spawn request (defaults: `Settings()`'s)."""

    hide: list[str] = field(default_factory=list)   # paths covered by an empty tmpfs
    keep: list[str] = field(default_factory=list)   # paths under hidden ones that stay visible
    uid: int = Settings.sandbox_uid
    cpu_seconds: int = Settings.cpu_limit_s
    memory_headroom: int = Settings.memory_headroom_bytes
    max_processes: int = Settings.max_processes
    max_file_bytes: int = Settings.max_file_bytes
    scratch_bytes: int = Settings.scratch_bytes
    max_message_bytes: int = Settings.max_message_bytes
    output_keep_bytes: int = Settings.output_keep_bytes  # trusted side: what is kept of its output
    max_error_message_chars: int = Settings.max_error_message_chars  # cut in the sandbox already
    max_traceback_chars: int = Settings.max_traceback_chars

    @classmethod
    def of(cls, settings: Settings, hide: list[str], keep: list[str]) -> "SandboxSettings":
        return cls(hide=hide, keep=keep, uid=settings.sandbox_uid, cpu_seconds=settings.cpu_limit_s,
                   memory_headroom=settings.memory_headroom_bytes, max_processes=settings.max_processes,
                   max_file_bytes=settings.max_file_bytes, scratch_bytes=settings.scratch_bytes,
                   max_message_bytes=settings.max_message_bytes, output_keep_bytes=settings.output_keep_bytes,
                   max_error_message_chars=settings.max_error_message_chars,
                   max_traceback_chars=settings.max_traceback_chars)


# ------------------------------------------------------------------------ trusted side

class ZygoteDied(RuntimeError):
    """The zygote died while in use (e.g. killed): what its sandboxes did then is not to be trusted."""


class Zygote:
    """The trusted side's handle on one zygote process."""

    def __init__(self, uid: int | None = None, settings: Settings = Settings()) -> None:
        """uid: the sandbox user of this zygote's sandboxes (parallel workers each take their own);
        settings: its sandbox_namespaces is what isolation is tried."""
        self.uid = uid
        self._namespaces = settings.sandbox_namespaces
        # A restart starts from these (a worker caps its own memory once its zygote is started).
        self._address_space = resource.getrlimit(resource.RLIMIT_AS)
        self.restarts = 0
        self._start()

    def _start(self) -> None:
        self._control, theirs = socket.socketpair()
        # Its stderr goes to a file, not to ours: in a Jupyter kernel (nbgrader) any stderr output
        # would cost the grading cell its points.
        self._log = tempfile.TemporaryFile()
        ours = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, self._address_space)  # what the child inherits
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "autograder.sandbox.zygote", str(theirs.fileno()), self._namespaces],
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
                cwd="/", env={k: v for k, v in os.environ.items() if k in ZYGOTE_ENVIRONMENT},
            )
        finally:
            resource.setrlimit(resource.RLIMIT_AS, ours)
        theirs.close()
        self._ready: dict | None = None
        self._lost = False

    def wait_ready(self) -> dict:
        """Blocks until the zygote has imported torch; returns what isolation it can give."""
        if self._ready is None:
            line = self._control.makefile("r").readline()
            if not line:
                self._log.seek(0)
                raise RuntimeError("the sandbox zygote did not start:\n"
                                   + self._log.read()[-3000:].decode("utf-8", "replace"))
            self._ready = json.loads(line)
        return self._ready

    @property
    def isolation(self) -> str:
        return self.wait_ready()["isolation"]

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    @contextlib.contextmanager
    def serving(self) -> Iterator["Zygote"]:
        """Use the zygote for a batch of gradings: a dead one (killed since the last batch, say) is
        started again first, with the same isolation; ZygoteDied when it dies meanwhile, since the
        results of the sandboxes it held (killed with it, or never spawned) are not the student's."""
        if self._lost or not self.alive:
            isolation = self.isolation if self._ready else None
            self.close()
            self._start()
            self.restarts += 1
            if isolation is not None and self.isolation != isolation:
                raise ZygoteDied(f"the restarted sandbox zygote gives {self.isolation} isolation, not {isolation}")
        yield self
        if self._lost or not self.alive:
            raise ZygoteDied("the sandbox zygote died while grading")

    def spawn(self, settings: SandboxSettings) -> tuple[socket.socket, int, int]:
        """A new sandbox: (request socket, read end of its output, read end of its status pipe)."""
        self.wait_ready()
        if self.uid is not None:
            settings = replace(settings, uid=self.uid)
        ours, theirs = socket.socketpair()
        out_read, out_write = os.pipe()
        status_read, status_write = os.pipe()
        try:
            request = json.dumps(asdict(settings)).encode() + b"\n"
            socket.send_fds(self._control, [request], [theirs.fileno(), out_write, status_write])
            if self._control.recv(1) != b"+":
                raise RuntimeError("the sandbox zygote refused to spawn")
        except (OSError, RuntimeError) as error:
            self._lost = True  # serving() fails the batch, whether or not the process is gone yet
            raise ZygoteDied(f"the sandbox zygote could not spawn a sandbox ({error})") from None
        finally:
            theirs.close()
            os.close(out_write)
            os.close(status_write)
        return ours, out_read, status_read

    def close(self) -> None:
        self._control.close()
        self._log.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def __enter__(self) -> "Zygote":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_status(fd: int) -> tuple[int, int] | None:
    data = b""
    while len(data) < _STATUS.size:
        chunk = os.read(fd, _STATUS.size - len(data))
        if not chunk:
            return None
        data += chunk
    return _STATUS.unpack(data)


# ------------------------------------------------------------------------ zygote side

def _warm_up() -> None:
    import numpy  # noqa: F401
    import torch

    torch.set_num_threads(1)  # forked children of a multi-threaded torch hang
    net = torch.nn.RNN(3, 3, batch_first=True)
    optimizer = torch.optim.Adam(net.parameters(), lr=0.1)  # the first optimizer imports torch._dynamo
    net(torch.zeros(1, 2, 3))[0].sum().backward()
    optimizer.step()
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot  # noqa: F401  notebooks often plot
    except ImportError:
        pass


def _run_sandbox(settings: SandboxSettings, sock_fd: int, out_fd: int, mode: "Mode", scratch: str | None) -> None:
    """In the sandboxed process: confine it, then serve requests until the socket closes."""
    from . import isolation
    from .child import Child

    os.setsid()
    if mode.namespaces:
        isolation.confine_file_system(settings.hide, settings.keep, settings.uid, settings.scratch_bytes)
    isolation.keep_only_fds(sock_fd, out_fd)
    isolation.scrub_environment()
    os.chdir(scratch or isolation.SCRATCH)
    isolation.limit_resources(settings.cpu_seconds, settings.memory_headroom,
                              settings.max_processes, settings.max_file_bytes)
    if mode.own_user:
        isolation.drop_privileges(settings.uid)
    else:
        isolation.die_with_parent()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    sock = socket.socket(fileno=isolation.SOCKET_FD)
    Child(sock, settings.max_message_bytes, settings.max_error_message_chars, settings.max_traceback_chars).serve()


def _private_scratch(owner: int | None) -> str:
    import tempfile

    folder = tempfile.mkdtemp(prefix="autograder-sandbox-")
    if owner is not None:
        os.chown(folder, owner, owner)
    return folder


def _supervise(settings: SandboxSettings, sock_fd: int, out_fd: int, status_fd: int, mode: "Mode") -> None:
    """The supervisor: fork the sandboxed process, report its PID and then its wait status."""
    from . import isolation

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the zygote ignores it; we must wait
    isolation.die_with_parent()
    if mode.namespaces:
        isolation.enter_namespaces()
        scratch = None  # a private tmpfs at /tmp
    else:
        scratch = _private_scratch(settings.uid if mode.own_user else None)
    pid = os.fork()
    if pid == 0:
        try:
            os.close(status_fd)
            _run_sandbox(settings, sock_fd, out_fd, mode, scratch)
        finally:
            os._exit(0)
    os.close(sock_fd)
    os.close(out_fd)
    os.write(status_fd, _STATUS.pack(0, pid))
    _, status = os.waitpid(pid, 0)
    os.write(status_fd, _STATUS.pack(1, status))
    if scratch:
        shutil.rmtree(scratch, ignore_errors=True)


@dataclass(frozen=True)
class Mode:
    """What isolation this host allows (decided once, when the zygote starts)."""

    namespaces: bool   # private mount/PID/network/IPC/UTS namespaces, hidden paths, read-only root
    own_user: bool     # student code runs as the unprivileged sandbox user

    def describe(self) -> str:
        if self.namespaces:
            return "full"
        user = "as the sandbox user" if self.own_user else "as the grading user"
        return f"limited (no namespaces: files and network are not isolated; runs {user})"


def _mode(wanted: str) -> Mode:
    from . import isolation

    namespaces = wanted != "off" and isolation.can_use_namespaces()
    python = [sys.prefix, sys.base_prefix, str(config.PACKAGE_DIR)]
    own_user = namespaces or (os.geteuid() == 0 and isolation.readable_by_anyone(python))
    return Mode(namespaces, own_user)


def main(control_fd: int, namespaces: str) -> None:
    from . import isolation

    isolation.die_with_parent()
    _warm_up()
    mode = _mode(namespaces)
    control = socket.socket(fileno=control_fd)
    control.sendall(json.dumps({"isolation": mode.describe()}).encode() + b"\n")
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # supervisors are reaped by the kernel
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(control, 1 << 16, 3)
        except OSError:
            return
        if not data:
            return
        settings = SandboxSettings(**json.loads(data))
        sock_fd, out_fd, status_fd = fds
        if os.fork() == 0:
            try:
                control.close()
                _supervise(settings, sock_fd, out_fd, status_fd, mode)
            finally:
                os._exit(0)
        for fd in fds:
            os.close(fd)
        control.sendall(b"+")


if __name__ == "__main__":
    try:
        main(int(sys.argv[1]), sys.argv[2])
    except (BrokenPipeError, ConnectionResetError):  # the trusted side went away
        pass
