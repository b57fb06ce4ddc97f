"""A progress line for a class being graded: students done, rate, time left."""
from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, total: int, already: int = 0, stream: TextIO = sys.stderr):
        self.total, self.done, self.already = total, already, already
        self.stream = stream
        self.started = time.monotonic()
        self._last = 0.0
        self.tty = stream.isatty()

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self.tty or now - self._last >= 5 or self.done == self.total:
            self._last = now
            self._show(now)

    def _show(self, now: float) -> None:
        graded = self.done - self.already
        rate = graded / max(now - self.started, 1e-9)
        left = (self.total - self.done) / rate if rate > 0 else 0
        width = 24
        filled = int(width * self.done / max(self.total, 1))
        line = (f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} students"
                f"  {rate:.1f}/s  about {int(left // 60)}:{int(left % 60):02d} left")
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        if self.tty and self.done == self.total:
            self.stream.write("\n")
        self.stream.flush()
