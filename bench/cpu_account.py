"""CPU seconds of a process tree, sandboxes included, for the benchmarks (not a test)."""
from __future__ import annotations

import os
import time
from pathlib import Path


class CpuAccount:
    """CPU seconds of a command and all its descendants, sandboxes included (no parent waits for
    those, so rusage misses them): a cgroup-v1 cpuacct group of its own, where the host lets us
    make one (root). On a shared machine this is the work done, whatever the wall time."""

    ROOT = Path("/sys/fs/cgroup/cpuacct")

    def __init__(self, name: str):
        self.folder: Path | None = self.ROOT / f"autograder-bench-{os.getpid()}-{name}"
        try:
            self.folder.mkdir()
        except OSError:
            self.folder = None

    def enter(self) -> None:
        """In the command's process before it runs (preexec_fn)."""
        if self.folder is not None:
            (self.folder / "cgroup.procs").write_text(str(os.getpid()))

    def usage(self) -> float | None:
        """CPU seconds so far."""
        return None if self.folder is None else int((self.folder / "cpuacct.usage").read_text()) / 1e9

    def leave(self) -> None:
        """Move this process back to the root group (for a process that entered its own group)."""
        if self.folder is not None:
            (self.ROOT / "cgroup.procs").write_text(str(os.getpid()))

    def close(self) -> float | None:
        if self.folder is None:
            return None
        seconds = self.usage()
        for _ in range(50):  # its last processes may still be exiting
            try:
                self.folder.rmdir()
                break
            except OSError:
                time.sleep(0.1)
        return seconds
