"""Grading on a Dask cluster (`grade-all --scheduler`): the pool's batches, run by dask.distributed
workers instead of local processes. Needs the `cluster` extra; the local pool never imports this.

Each worker grades as a pool worker does: one warm zygote started once (ZygotePlugin), a sandbox
user of its own, one thread, one pytest session per batch of one exercise. Only plain data
travels: a task carries each submission's file name, bytes and content hash, and returns the
results as the JSON the store keeps; the client rebuilds them and stores each as its task ends.
Every worker's kit is checked before anything is graded, and again by each task.
"""
from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import json
import logging
import os
import secrets
import shutil
import sys
import tempfile
from itertools import islice
from pathlib import Path
from typing import Iterator

import dask
from distributed import Client, KilledWorker, LocalCluster, WorkerPlugin, as_completed, get_worker

from ..config import Settings
from ..grading.results import ExerciseResult
from ..sandbox.zygote import ZygoteDied
from ..errors import UsageError
from ..files import private_folder
from ..submitted_files import Refused, read_submitted
from .discover import Job
from .store import kit_fingerprint, result_from_dict
from .workers import REPLAYS_PREFIX, batch_size, batches

PLUGIN = "autograder-zygote"


class KitMismatch(Exception):
    """A worker whose kit differs from the client's: its grades would not be the client's."""


def kit_identity(settings: Settings) -> dict[str, str]:
    """What a worker must share with the client for its results to be the client's results (the
    settings travel from the client: what differs is the kit's files and versions)."""
    return {"version": importlib.metadata.version("rnn-autograder"), "fingerprint": kit_fingerprint(settings),
            "torch": importlib.metadata.version("torch"), "python": sys.version.split()[0]}


def worker_kit(settings: dict) -> dict[str, str]:
    """Run on every worker by the client: its kit_identity with the client's settings (plain data)."""
    try:
        return kit_identity(Settings.from_dict(settings))
    except TypeError:  # another kit's Settings
        return {"settings": "not this kit's settings"}


def _describe(kit: dict[str, str]) -> str:
    return ", ".join(f"{key} {value}" for key, value in kit.items())


def _claim_uid(settings: Settings) -> tuple[int, int]:
    """A sandbox user that no other worker on this host holds (a lock kept while the worker lives),
    so that workers' process limits and signals stay apart whatever their names."""
    folder = Path(tempfile.gettempdir()) / "autograder-worker-uids"
    folder.mkdir(mode=0o700, exist_ok=True)
    for offset in range(1, settings.max_workers_per_host + 1):
        uid = settings.sandbox_uid + offset
        fd = os.open(folder / f"{uid}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return uid, fd
        except BlockingIOError:
            os.close(fd)
    raise RuntimeError(f"more than {settings.max_workers_per_host} autograder workers on this host")


# A local cluster has no dashboard, so what only feeds one is polled rarely: every process's
# event-loop health check (20 ms by default) and the system monitor (500 ms). Measured on a
# 40-student class, the two workers' event loops used 13.5 CPU-s with the defaults, 9.3 with these.
LOCAL_CLUSTER_CONFIG = {"distributed.admin.tick.interval": "1s",
                        "distributed.admin.system-monitor.interval": "5s"}


class ZygotePlugin(WorkerPlugin):
    """Set up on every worker (also on those that join later): its kit, sandbox user and zygote,
    with the client's settings (sent as plain data)."""

    def __init__(self, settings: dict, run: str):
        self.settings_data = settings
        self.run = run  # the client's run: its workers on one host share their naming replays

    def setup(self, worker) -> None:
        import torch

        from ..sandbox.zygote import Zygote

        torch.set_num_threads(1)  # workers share the cores; one thread each grades fastest
        self.settings = Settings.from_dict(self.settings_data)
        self.kit = kit_identity(self.settings)
        self.uid, self._lock = _claim_uid(self.settings)
        self.zygote = Zygote(uid=self.uid, settings=self.settings)  # warms up while the client checks the workers
        self.replays: Path | None = None  # decided at the first task, once the zygote's isolation is known
        self._sharing_decided = False
        # Dask's statistical profiler walks every thread's stack every 10 ms: about 7 % of a
        # grading worker's CPU (pytest's stacks are deep). Off while the worker grades for us.
        self._profiler = worker.periodic_callbacks.get("profile")
        if self._profiler is not None:
            self._profiler.stop()

    def share_replays(self) -> None:
        """Share naming replays with this run's other workers on this host, as the pool's workers
        do: only when sandboxes run as other users, in a folder only this user can open. Decided
        once, at the first task (the zygote's isolation is known by then)."""
        from ..grading.feedback import share_replays

        if self._sharing_decided:
            return
        self._sharing_decided = True
        if self.zygote.isolation == "full":
            self.replays = private_folder(Path(tempfile.gettempdir(), f"{REPLAYS_PREFIX}dask-{self.run}"))
            if self.replays is not None:
                share_replays(self.replays)

    def teardown(self, worker) -> None:
        if self.replays is not None:
            shutil.rmtree(self.replays, ignore_errors=True)
        self.zygote.close()
        os.close(self._lock)
        if self._profiler is not None:
            self._profiler.start()


def worker_isolation(dask_worker) -> str:
    """Run on every worker by the client before grading: the isolation its zygote gives."""
    plugin = dask_worker.plugins.get(PLUGIN)
    return plugin.zygote.isolation if plugin else "no sandbox (the autograder plugin is not set up)"


def grade_batch(exercise: str, files: list[tuple[bytes, bytes | None, str, str]], kit: dict[str, str],
                hide: list[str]) -> str:
    """The task: grade one batch of one exercise on this worker; the results as JSON.

    files: (file name, its bytes or None when not submitted or refused, its content hash, why it
    was refused or "") per submission.
    """
    worker = get_worker()
    plugin = worker.plugins.get(PLUGIN)
    if plugin is None:
        raise RuntimeError(f"worker {worker.address} has no autograder zygote (plugin {PLUGIN})")
    if plugin.kit != kit:
        raise KitMismatch(f"worker {worker.address} runs another kit ({_describe(plugin.kit)}) than the "
                          f"client ({_describe(kit)}): install the same kit on every worker")
    from ..grading.run import grade_exercises

    plugin.share_replays()  # decided once, at the worker's first task
    with tempfile.TemporaryDirectory(prefix="autograder-batch-") as tmp:
        paths, refusals = [], []
        for number, (name, content, digest, refusal) in enumerate(files):
            path = Path(tmp, str(number), os.fsdecode(name))
            path.parent.mkdir()
            if content is not None:
                if hashlib.sha256(content).hexdigest() != digest:
                    raise RuntimeError(f"{path.name} arrived other than the client hashed it")
                path.write_bytes(content)
            paths.append(path)
            refusals.append(refusal)
        hidden = [Path(tmp), *(Path(p) for p in hide if Path(p).exists())]
        if plugin.replays is not None:
            hidden.append(plugin.replays)
        with plugin.zygote.serving():  # restarted when dead; ZygoteDied (Dask retries) if it dies now
            results = grade_exercises(exercise, paths, plugin.zygote, extra_hide=hidden, root=Path(tmp),
                                      refusals=refusals, settings=plugin.settings)
    return json.dumps([result.to_dict() for result in results])


def _payload(job: Job) -> tuple[bytes, bytes | None, str, str]:
    """What a task carries of a job: read on the client as the pool's workers read it (never through
    a link, sizes first), so a refused file travels as its reason, never as its content."""
    content, refusal = None, job.refusal
    if not refusal and os.path.lexists(job.path):
        try:
            content = read_submitted(job.path, job.root)
        except Refused as refused:
            refusal = str(refused)
    return os.fsencode(job.path.name), content, job.digest, refusal


class DaskPool:
    """WorkerPool's interface (grade, close) on the workers of a Dask scheduler.

    scheduler: an address such as tcp://10.0.0.5:8786, or "local" for a LocalCluster of `jobs`
    single-threaded worker processes on this machine.
    """

    def __init__(self, scheduler: str, jobs: int, hide: list[Path], settings: Settings = Settings()):
        self._hide = [str(p) for p in hide]
        self.settings = settings
        self.failed: set[Job] = set()  # as WorkerPool's; Dask retries a lost batch, then stops the run
        self._cluster = None
        self.client = None
        try:
            if scheduler == "local":
                with dask.config.set(LOCAL_CLUSTER_CONFIG):  # its workers start with this configuration
                    self._cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                                                 host="127.0.0.1", dashboard_address=None,
                                                 silence_logs=logging.ERROR)
            self.client = Client(self._cluster or scheduler, timeout=settings.cluster_wait_s)
            self.client.wait_for_workers(1, timeout=settings.cluster_wait_s)
        except (OSError, TimeoutError) as error:
            self.close()
            raise UsageError(f"cannot use the Dask scheduler at {scheduler}: {error}") from None
        try:
            self._check_kits()
            self.client.register_plugin(ZygotePlugin(settings.to_dict(), secrets.token_hex(16)), name=PLUGIN)
            self.isolation = self._isolation()
        except BaseException:
            self.close()
            raise

    def _check_kits(self) -> None:
        """UsageError, before any zygote starts, when a worker runs another kit than this client."""
        kit = kit_identity(self.settings)
        theirs_by_worker = self.client.run(worker_kit, self.settings.to_dict())
        wrong = [f"  {address}: {_describe(theirs)}" for address, theirs in sorted(theirs_by_worker.items())
                 if theirs != kit]
        if wrong:
            raise UsageError("these Dask workers run another kit than this client "
                             f"({_describe(kit)}); install the same kit on every worker. "
                             "Nothing was graded.\n" + "\n".join(wrong))

    def _isolation(self) -> dict[str, str]:
        """Every worker's isolation (its zygote is ready then); a warning for each limited one."""
        isolation = self.client.run(worker_isolation)
        for address, mode in sorted(isolation.items()):
            if mode != "full":
                print(f"warning: worker {address} grades with {mode} isolation", file=sys.stderr)
        return isolation

    def grade(self, jobs: list[Job]) -> Iterator[tuple[Job, ExerciseResult]]:
        """(job, result) pairs, a batch at a time as batches finish; a few batches in flight per
        worker thread, so the client never holds the whole class's files in memory."""
        kit = kit_identity(self.settings)
        threads = max(1, sum(self.client.nthreads().values()))
        todo = iter(batches(jobs, batch_size(len(jobs), threads, self.settings.batch_size)))
        running: dict[str, list[Job]] = {}

        def submit(batch: list[Job]):
            future = self.client.submit(grade_batch, batch[0].exercise, [_payload(job) for job in batch],
                                        kit, self._hide, pure=False, retries=self.settings.task_retries)
            running[future.key] = batch
            return future

        finished = as_completed([submit(batch) for batch in islice(todo, 4 * threads)])
        for future in finished:
            batch = running.pop(future.key)
            following = next(todo, None)
            if following is not None:
                finished.add(submit(following))
            try:
                data = json.loads(future.result())
            except KitMismatch as error:
                raise UsageError(str(error)) from None
            except (KilledWorker, ZygoteDied):
                students = ", ".join(job.student for job in batch)
                raise UsageError(f"the workers grading {batch[0].exercise} of {students} died again and "
                                 "again; the results decided so far are kept: run the same command "
                                 "again to finish (or without --scheduler)") from None
            if len(data) != len(batch):
                raise RuntimeError(f"a worker returned {len(data)} results for {len(batch)} submissions")
            for job, result in zip(batch, data):
                result["submission"] = str(job.path)  # the worker graded its own copy
                yield job, result_from_dict(result)

    def close(self, cancel: bool = False) -> None:
        if self.client is not None:
            try:
                if self._cluster is None:  # a cluster we did not start keeps running: free its zygotes
                    self.client.unregister_worker_plugin(PLUGIN)
            except Exception:
                pass
            self.client.close()
        if self._cluster is not None:
            self._cluster.close()
