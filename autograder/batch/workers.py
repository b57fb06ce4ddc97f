"""A pool of trusted worker processes, each with its own warm zygote: torch and the graders are
imported once per worker, never once per submission.

A worker that dies (killed for memory, a segfault) fails only what it held: the pool is started
again, the jobs that were in flight are retried one at a time, and a job that fails again is
recorded as failed, with the reason, for that student alone.
"""
from __future__ import annotations

import multiprocessing
import os
import resource
import shutil
import signal
import tempfile
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator

from ..config import Settings
from ..exercises import get as get_exercise
from ..files import private_folder
from ..grading.results import ExerciseResult
from .discover import Job

_zygote = None        # the worker's own zygote (one per worker process)
_hide: list[Path] = []
_settings = Settings()  # the client's, sent at start-up

WORKER_DIED = ("the grader's worker process died while grading this submission (for example killed "
               "for using too much memory); it was tried twice. Please tell your instructor")


def _start_worker(hide: list[Path], slots: int, settings: dict, replays: Path | None = None) -> None:
    """replays: a folder the pool's workers share their naming replays in (see _Remembered)."""
    global _zygote, _hide, _settings
    import torch

    from ..grading.feedback import share_replays
    from ..sandbox.isolation import die_with_parent
    from ..sandbox.zygote import Zygote

    die_with_parent()  # a killed batch takes its workers (and their sandboxes) along
    torch.set_num_threads(1)  # workers share the cores; one thread each grades fastest
    # A sandbox user per worker slot: their process limits and signals stay apart.
    worker = multiprocessing.current_process()._identity[0]
    _settings = Settings.from_dict(settings)
    _zygote, _hide = Zygote(uid=_settings.sandbox_uid + 1 + (worker - 1) % slots, settings=_settings), hide
    # The zygote is started: the cap is this trusted process's own, so that processing a hostile
    # reply that asks for too much memory is a MemoryError for that submission, not an OOM kill.
    # The soft limit only: a restarted zygote is started without it (Zygote._start).
    limit = _settings.worker_memory_bytes
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    _zygote.wait_ready()
    if replays is not None and _zygote.isolation == "full":  # sandboxes run as other users: they cannot open it
        share_replays(replays)


def _grade(jobs: list[Job]) -> list[ExerciseResult]:
    """A batch's results; a zygote that died since the last batch is started again first, and one
    that dies during it fails the batch (its jobs are retried)."""
    from ..grading.run import grade_exercises

    with _zygote.serving():
        return grade_exercises(jobs[0].exercise, [job.path for job in jobs], _zygote, extra_hide=_hide,
                               root=jobs[0].root, refusals=[job.refusal for job in jobs], settings=_settings,
                               seed_shift=jobs[0].seed_shift)


def cost(job: Job) -> float:
    """Longest jobs first keeps every worker busy until the end: the sort key of a job (the heaviest
    exercise, by its registry weight, sorts first)."""
    return -get_exercise(job.exercise).weight


def batches(jobs: list[Job], size: int) -> list[list[Job]]:
    """Jobs of one exercise and seed shift, a few at a time: one pytest session grades a batch."""
    ordered = sorted(jobs, key=lambda job: (cost(job), job.exercise, job.seed_shift, job.student))
    chunks: list[list[Job]] = []
    for job in ordered:
        if (chunks and len(chunks[-1]) < size and chunks[-1][0].exercise == job.exercise
                and chunks[-1][0].seed_shift == job.seed_shift):
            chunks[-1].append(job)
        else:
            chunks.append([job])
    return chunks


def _failure(error: BaseException) -> str:
    if isinstance(error, BrokenProcessPool):
        return WORKER_DIED
    return (f"the grader failed on this submission ({type(error).__name__}: {str(error)[:300]}); "
            "it was tried twice. Please tell your instructor")


def batch_size(jobs: int, workers: int, largest: int = Settings.batch_size) -> int:
    """Large enough to spread pytest's start-up, small enough to keep every worker busy to the end."""
    return max(1, min(largest, jobs // (2 * workers) or 1))


REPLAYS_PREFIX = "autograder-replays-"  # + the pool's PID: the folder its workers share naming's replays in


def replays_folder() -> Path:
    """A new folder of this user's alone (0700) for the pool's workers to share naming's replays
    in, named for this process. The folders of runs that were killed (their process is gone, so
    nothing removed them) go first, when they are this user's own."""
    for old in Path(tempfile.gettempdir()).glob(REPLAYS_PREFIX + "*"):
        pid = old.name[len(REPLAYS_PREFIX):].split("-")[0]
        if pid.isdigit() and not _alive(int(pid)) and private_folder(old) == old:
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{REPLAYS_PREFIX}{os.getpid()}-"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's: alive
        pass
    return True


class WorkerPool:
    """grade: what a worker runs on a batch (the real grading; tests may pass another)."""

    def __init__(self, jobs: int, hide: list[Path],
                 grade: Callable[[list[Job]], list[ExerciseResult]] = _grade, settings: Settings = Settings()):
        self.size = max(1, jobs)
        self._hide, self._grade, self.settings = hide, grade, settings
        self.failed: set[Job] = set()  # recorded as failed: not kept, a rerun tries them again
        self._replays = replays_folder()
        self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.size, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker,
                                   initargs=(self._hide + [self._replays], self.size, self.settings.to_dict(),
                                             self._replays))

    def _restart(self) -> None:
        self._stop(cancel=True)
        self._executor = self._start()

    def _run(self, batch: list[Job]) -> Future:
        try:
            return self._executor.submit(self._grade, batch)
        except BrokenProcessPool:
            self._restart()
            return self._executor.submit(self._grade, batch)

    def grade(self, jobs: list[Job]) -> Iterator[tuple[Job, ExerciseResult]]:
        """(job, result) pairs, a batch at a time as batches finish; one for every job, whatever
        happens to the workers."""
        queue = deque(batches(jobs, batch_size(len(jobs), self.size, self.settings.batch_size)))
        retry: list[Job] = []
        running: dict[Future, list[Job]] = {}  # at most one batch per worker: a death loses only those
        while queue or running:
            while queue and len(running) < self.size:
                batch = queue.popleft()
                running[self._run(batch)] = batch
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                batch = running.pop(future)
                if future.exception() is None:
                    yield from zip(batch, future.result())
                else:
                    retry += batch
                    broken |= isinstance(future.exception(), BrokenProcessPool)
            if broken:  # every batch in flight is lost with the pool
                for batch in running.values():
                    retry += batch
                running.clear()
                self._restart()
        for job in retry:  # one at a time: a second death is this job's own
            yield job, self._retried(job)

    def _retried(self, job: Job) -> ExerciseResult:
        try:
            return self._one(job)
        except Exception as error:
            reason = _failure(error)
        self.failed.add(job)
        try:  # the tests and points of the exercise, each failed with the reason
            result = self._one(replace(job, refusal=reason))
        except Exception:
            result = ExerciseResult(exercise=job.exercise, submission=str(job.path), problems=[reason])
        result.limits.append("grader failure")
        return result

    def _one(self, job: Job) -> ExerciseResult:
        future = self._run([job])
        try:
            return future.result()[0]
        except BrokenProcessPool:
            self._restart()
            raise

    def close(self, cancel: bool = False) -> None:
        self._stop(cancel)
        shutil.rmtree(self._replays, ignore_errors=True)

    def _stop(self, cancel: bool) -> None:
        if cancel:
            for process in list(getattr(self._executor, "_processes", {}).values()):
                try:
                    os.kill(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self._executor.shutdown(wait=not cancel, cancel_futures=cancel)
