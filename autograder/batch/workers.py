"""A pool of trusted worker processes, each with its own warm zygote: torch and the graders are
imported once per worker, never once per submission."""
from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Iterator

from .. import config
from ..grading.results import ExerciseResult
from .discover import Job

_zygote = None        # the worker's own zygote (one per worker process)
_hide: list[Path] = []


def _start_worker(hide: list[Path]) -> None:
    global _zygote, _hide
    import torch

    from ..sandbox.isolation import die_with_parent
    from ..sandbox.zygote import Zygote

    die_with_parent()  # a killed batch takes its workers (and their sandboxes) along
    torch.set_num_threads(1)  # workers share the cores; one thread each grades fastest
    # A sandbox user per worker: their process limits and signals stay apart.
    worker = multiprocessing.current_process()._identity[0]
    _zygote, _hide = Zygote(uid=config.SANDBOX_UID + worker), hide
    _zygote.wait_ready()


def _grade(jobs: list[Job]) -> list[ExerciseResult]:
    from ..grading.run import grade_exercises

    return grade_exercises(jobs[0].exercise, [job.path for job in jobs], _zygote, extra_hide=_hide)


def cost(job: Job) -> int:
    """Longest jobs first keeps every worker busy until the end."""
    return {"char_rnn": 0, "numpy_rnn": 1, "rnn_shapes": 2}.get(job.exercise, 3)


def batches(jobs: list[Job], size: int) -> list[list[Job]]:
    """Jobs of one exercise, a few at a time: one pytest session grades a batch."""
    ordered = sorted(jobs, key=lambda job: (cost(job), job.student))
    chunks: list[list[Job]] = []
    for job in ordered:
        if chunks and len(chunks[-1]) < size and chunks[-1][0].exercise == job.exercise:
            chunks[-1].append(job)
        else:
            chunks.append([job])
    return chunks


def batch_size(jobs: int, workers: int) -> int:
    """Large enough to spread pytest's start-up, small enough to keep every worker busy to the end."""
    return max(1, min(config.BATCH_SIZE, jobs // (2 * workers) or 1))


class WorkerPool:
    def __init__(self, jobs: int, hide: list[Path]):
        self.size = max(1, jobs)
        self._executor = ProcessPoolExecutor(
            max_workers=self.size, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker, initargs=(hide,))

    def grade(self, jobs: list[Job]) -> Iterator[tuple[Job, ExerciseResult]]:
        """(job, result) pairs, a batch at a time as batches finish."""
        futures = {self._executor.submit(_grade, batch): batch
                   for batch in batches(jobs, batch_size(len(jobs), self.size))}
        for future in as_completed(futures):
            yield from zip(futures[future], future.result())

    def close(self, cancel: bool = False) -> None:
        if cancel:
            for process in list(getattr(self._executor, "_processes", {}).values()):
                try:
                    os.kill(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self._executor.shutdown(wait=not cancel, cancel_futures=cancel)
