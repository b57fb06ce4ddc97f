"""A pool of trusted worker processes, each with its own warm zygote: torch and the graders are
imported once per worker, never once per submission."""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Iterator

from ..grading.results import ExerciseResult
from .discover import Job

_zygote = None        # the worker's own zygote (one per worker process)
_hide: list[Path] = []


def _start_worker(hide: list[Path]) -> None:
    global _zygote, _hide
    import torch

    from ..sandbox.zygote import Zygote

    torch.set_num_threads(1)  # workers share the cores; one thread each grades fastest
    _zygote, _hide = Zygote(), hide
    _zygote.wait_ready()


def _grade(job: Job) -> ExerciseResult:
    from ..grading.run import grade_exercise

    return grade_exercise(job.exercise, job.path, _zygote, extra_hide=_hide)


def cost(job: Job) -> int:
    """Longest jobs first keeps every worker busy until the end."""
    return {"char_rnn": 0, "numpy_rnn": 1, "rnn_shapes": 2}.get(job.exercise, 3)


class WorkerPool:
    def __init__(self, jobs: int, hide: list[Path]):
        self.size = max(1, jobs)
        self._executor = ProcessPoolExecutor(
            max_workers=self.size, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker, initargs=(hide,))

    def grade(self, jobs: list[Job]) -> Iterator[tuple[Job, Future]]:
        """(job, finished future) pairs, as they finish."""
        from concurrent.futures import as_completed

        futures = {self._executor.submit(_grade, job): job for job in sorted(jobs, key=cost)}
        for future in as_completed(futures):
            yield futures[future], future

    def close(self, cancel: bool = False) -> None:
        if cancel:
            for process in list(getattr(self._executor, "_processes", {}).values()):
                try:
                    os.kill(process.pid, 9)
                except ProcessLookupError:
                    pass
        self._executor.shutdown(wait=not cancel, cancel_futures=cancel)
