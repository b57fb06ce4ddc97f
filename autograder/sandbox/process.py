"""The trusted side of one sandboxed process: requests with deadlines, output capture, kill."""
from __future__ import annotations

import os
import select
import signal
import socket
import threading
import time
from typing import Callable

from .. import config
from ..config import Settings
from . import wire
from .zygote import SandboxSettings, Zygote, read_status


class SandboxFailure(Exception):
    """The sandboxed process hung, died or sent garbage; it is gone afterwards."""

    def __init__(self, kind: str, detail: str):
        super().__init__(detail)
        self.kind = kind      # "timeout", "died" or "garbage"
        self.detail = detail  # e.g. "was killed by signal SIGSEGV"


def describe_wait_status(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else str(number)
        hints = {"SIGKILL": " (killed: out of memory or over a limit?)", "SIGXCPU": " (CPU time limit)",
                 "SIGSEGV": " (a crash)", "SIGXFSZ": " (file size limit)"}
        return f"was killed by signal {name}{hints.get(name, '')}"
    if os.WIFEXITED(status):
        return f"exited with status {os.WEXITSTATUS(status)} (exit(), os._exit() or a crash)"
    return f"stopped (status {status})"


class OutputCapture(threading.Thread):
    """Drains the sandbox's stdout/stderr so it never blocks; keeps only the first bytes."""

    def __init__(self, fd: int, keep: int):
        super().__init__(daemon=True)
        self.fd, self.keep = fd, keep
        self.head = bytearray()
        self.total = 0
        self.start()

    def run(self) -> None:
        try:
            while chunk := os.read(self.fd, 1 << 16):
                self.total += len(chunk)
                if len(self.head) < self.keep:
                    self.head += chunk[: self.keep - len(self.head)]
        except OSError:
            pass
        finally:
            os.close(self.fd)

    def text(self) -> str:
        text = self.head.decode("utf-8", "replace")
        if self.total > len(self.head):
            text += f"\n[... {self.total - len(self.head)} more bytes of output not kept]"
        return text


class SandboxProcess:
    """One sandboxed process, started from a zygote."""

    def __init__(self, zygote: Zygote, settings: SandboxSettings):
        self.settings = settings
        self.sock, out_fd, self._status_fd = zygote.spawn(settings)
        self.output = OutputCapture(out_fd, settings.output_keep_bytes)
        self.pid = self._read_pid()
        self.alive = True

    def _read_pid(self) -> int:
        status = read_status(self._status_fd)
        if status is None or status[0] != 0:
            raise SandboxFailure("died", "could not be started")
        return status[1]

    def cpu_seconds(self) -> float:
        """The CPU time the process has used (user and system, all its threads), as the kernel
        counts it (in clock ticks); 0.0 once it is gone."""
        try:
            with open(f"/proc/{self.pid}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()  # after the command name, which may hold spaces
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
        except (OSError, IndexError, ValueError):
            return 0.0

    def request(self, message: dict, blobs: list[bytes] = (), timeout: float = Settings.call_timeout_s,
                on_progress: Callable[[dict], None] | None = None) -> tuple[dict, list[bytes]]:
        """Send one request and wait for its reply; raises SandboxFailure (and kills) otherwise."""
        if not self.alive:
            raise SandboxFailure("died", "had already stopped")
        deadline = time.monotonic() + timeout
        try:
            self.sock.settimeout(timeout)  # a process that stops reading must not block the send
            wire.send(self.sock, message, list(blobs))
            while True:
                reply, reply_blobs = self._receive(deadline, timeout)
                if "progress" in reply and on_progress is not None:
                    on_progress(reply)
                    continue
                return reply, reply_blobs
        except SandboxFailure:
            self.kill()
            raise
        except socket.timeout:  # from the send
            self.kill()
            raise SandboxFailure("timeout", f"did not return within {timeout:g} s") from None
        except wire.WireError as error:
            self.kill()
            raise SandboxFailure("garbage", f"sent an unreadable reply ({error})") from None
        except (BrokenPipeError, ConnectionResetError):
            raise SandboxFailure("died", self._death()) from None
        except BaseException:
            self.kill()  # whatever went wrong here, the process must not run on unwatched
            raise

    def _receive(self, deadline: float, timeout: float) -> tuple[dict, list[bytes]]:
        head = self._read(wire.HEAD_SIZE, deadline, timeout)
        body_len, doc_len = wire.read_head(head, self.settings.max_message_bytes, config.MAX_REPLY_JSON_BYTES)
        return wire.split(self._read(body_len, deadline, timeout), doc_len)

    def _read(self, n: int, deadline: float, timeout: float) -> bytearray:
        """n bytes, read into one buffer (no list of chunks joined: a large reply is held once)."""
        buffer, got = bytearray(n), 0
        view = memoryview(buffer)
        while got < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SandboxFailure("timeout", f"did not return within {timeout:g} s")
            self.sock.settimeout(remaining)
            try:
                received = self.sock.recv_into(view[got:], min(n - got, 1 << 20))
            except socket.timeout:
                continue
            except ConnectionResetError:
                received = 0
            if not received:
                raise SandboxFailure("died", self._death())
            got += received
        return buffer

    def _death(self) -> str:
        """How the process ended, once its socket closed (it may only have closed the socket)."""
        still_running = not select.select([self._status_fd], [], [], 2.0)[0]
        if still_running:
            self.kill()
        self.alive = False
        status = read_status(self._status_fd)
        if still_running:  # our SIGKILL is not what went wrong
            return "closed its connection to the grader (and was stopped)"
        return describe_wait_status(status[1]) if status else "stopped"

    def kill(self) -> None:
        if self.alive:
            for kill in (os.killpg, os.kill):
                try:
                    kill(self.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        self.alive = False

    def close(self) -> None:
        self.kill()
        self.sock.close()
        self.output.join(timeout=1)
        os.close(self._status_fd)
