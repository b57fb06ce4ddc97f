"""Grading a class on a real Dask cluster (a `dask scheduler` and `dask worker` processes on
127.0.0.1), with `--shard` and `autograder report`: every route gives the pool's very results."""
from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.config import Settings
from autograder.exercises import names as exercise_names
from autograder.exercises import all_bugs

BUGS = all_bugs()
from conftest import ROOT, processes_of
from test_grade_all import kill_zygotes_mid_run, reference, write_student, zygotes_under

pytestmark = pytest.mark.slow  # real clusters and several class runs: about two minutes on 2 quiet cores

BIN = Path(sys.executable).parent
# this module's sandbox users: UID + 1, + 2, ...
UID = Settings.from_environment().sandbox_uid + 2000 + os.getpid() % 1000 * 10
ENV = {**os.environ, "AUTOGRADER_SANDBOX_UID": str(UID)}
STUDENTS = ("ada", "ben", "cy", "hal")  # sha256 puts them in shards 3, 3, 1 and 2 of 3


@pytest.fixture(scope="module")
def small_class(tmp_path_factory) -> Path:
    """Reference, a bug in each of numpy_rnn and rnn_shapes, an untouched release; char_rnn untouched
    (its training would dominate the time)."""
    root = tmp_path_factory.mktemp("class")
    bugs = {b.name: b for b in BUGS}
    ref = reference()
    students = {
        "ada": {"numpy_rnn": ref["numpy_rnn"], "rnn_shapes": ref["rnn_shapes"]},
        "ben": {"numpy_rnn": bugs["transposed_Wh"].source(), "rnn_shapes": ref["rnn_shapes"]},
        "cy": {"numpy_rnn": ref["numpy_rnn"], "rnn_shapes": bugs["hard_coded_batch_of_one"].source()},
        "hal": {},
    }
    for name, sources in students.items():
        write_student(root / "submitted" / name / "rnn", sources)
    # hal's numpy_rnn is a link to ada's: refused on the client, never sent as ada's file
    hal = root / "submitted" / "hal" / "rnn" / "numpy_rnn.ipynb"
    hal.unlink()
    hal.symlink_to(root / "submitted" / "ada" / "rnn" / "numpy_rnn.ipynb")
    return root


def autograder(*args: object, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, env=ENV)


@pytest.fixture(scope="module")
def pool_run(small_class, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pool")
    done = autograder("grade-all", small_class, "-o", out, "--jobs", 2)
    assert done.returncode == 0, done.stderr
    return out


def stored(out: Path) -> dict[str, dict]:
    """Every stored result, without its timing."""
    records = {}
    for path in sorted((out / "results").glob("*/*.json")):
        record = json.loads(path.read_text())
        record["result"].pop("seconds")
        records[path.relative_to(out).as_posix()] = record
    return records


def assert_same_results(out: Path, expected: Path) -> None:
    assert (out / "grades.csv").read_text() == (expected / "grades.csv").read_text()
    assert stored(out) == stored(expected) and len(stored(out)) == len(STUDENTS) * len(exercise_names())
    for student in STUDENTS:
        files = [json.loads((root / "students" / student / "results.json").read_text()) for root in (out, expected)]
        for data in files:
            data.pop("execution_time")
        assert files[0] == files[1], student


# ------------------------------------------------------------------------ a real cluster

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the dask process exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing listens on port {port}")


class Cluster:
    """A scheduler and workers, each in its own process group, all killed at the end."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.processes: list[subprocess.Popen] = []
        self.workers: dict[str, subprocess.Popen] = {}   # worker address -> its process
        scheduler = self._start([BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", self.port,
                                 "--no-dashboard"], ENV)
        wait_for_port(self.port, scheduler)

    def _start(self, command: list, env: dict, cwd: Path | None = None) -> subprocess.Popen:
        log = open(self.folder / f"dask-{len(self.processes)}.log", "w")
        process = subprocess.Popen([str(c) for c in command], stdout=log, stderr=subprocess.STDOUT, env=env,
                                   cwd=cwd or self.folder, start_new_session=True)
        log.close()
        self.processes.append(process)
        return process

    def add_worker(self, env: dict = ENV, cwd: Path | None = None) -> str:
        port = free_port()
        address = f"tcp://127.0.0.1:{port}"
        self.workers[address] = self._start(
            [BIN / "dask", "worker", self.address, "--nthreads", "1", "--host", "127.0.0.1",
             "--worker-port", port, "--no-dashboard", "--name", f"worker-{port}"], env, cwd)
        return address

    def wait_for_workers(self, n: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(n, timeout=120)

    def kill(self, process: subprocess.Popen) -> None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)

    def stop(self) -> None:
        for process in reversed(self.processes):
            self.kill(process)


@pytest.fixture
def cluster(tmp_path):
    running = Cluster(tmp_path)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def two_workers(cluster) -> Cluster:
    cluster.add_worker()
    cluster.add_worker()
    cluster.wait_for_workers(2)
    return cluster


def sandbox_users_processes() -> list[int]:
    """Live processes of this module's sandbox users."""
    return processes_of({str(UID + offset) for offset in range(1, 10)})


def test_a_dask_cluster_grades_exactly_as_the_pool(two_workers, small_class, pool_run, tmp_path):
    out = tmp_path / "out"
    done = autograder("grade-all", small_class, "-o", out, "--scheduler", two_workers.address)
    assert done.returncode == 0, done.stderr
    assert_same_results(out, pool_run)
    linked = stored(out)["results/hal/numpy_rnn.json"]["result"]
    assert linked["score"] == 0 and "link" in " ".join(linked["problems"]), linked["problems"]
    assert f"isolation: full for all {len(STUDENTS) * len(exercise_names())} submissions" in done.stdout
    again = autograder("grade-all", small_class, "-o", out, "--scheduler", two_workers.address)
    assert again.returncode == 0 and stored(out) == stored(pool_run)  # resumed: nothing left to grade


def test_a_worker_lost_mid_run_costs_nothing(two_workers, small_class, pool_run, tmp_path):
    from distributed import Client

    out = tmp_path / "out"
    run = subprocess.Popen([sys.executable, "-m", "autograder", "grade-all", str(small_class), "-o", str(out),
                            "--scheduler", two_workers.address], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, env=ENV, start_new_session=True)
    try:
        with Client(two_workers.address, timeout=60) as client:
            deadline = time.monotonic() + 240
            busy = []
            while time.monotonic() < deadline and not busy:  # a worker in the middle of a batch
                busy = [w for w, keys in client.processing().items() if keys and w in two_workers.workers]
                time.sleep(0.05)
            assert busy, "no worker ever took a batch"
            two_workers.kill(two_workers.workers[busy[0]])
        _, err = run.communicate(timeout=300)
    finally:
        two_workers.kill(run)
    assert run.returncode == 0, err
    assert_same_results(out, pool_run)
    deadline = time.monotonic() + 10
    while sandbox_users_processes() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sandbox_users_processes() == []


def test_a_worker_whose_zygote_is_killed_starts_another(two_workers, small_class, pool_run, tmp_path):
    """Every worker's zygote killed mid-run: each worker starts a new one (a batch it was grading
    fails and Dask runs it again), so no later task fails and the results are the pool's."""
    out = tmp_path / "out"
    run = subprocess.Popen([sys.executable, "-m", "autograder", "grade-all", str(small_class), "-o", str(out),
                            "--scheduler", two_workers.address], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, env=ENV, start_new_session=True)
    try:
        workers = [process.pid for process in two_workers.workers.values()]
        killed = kill_zygotes_mid_run(run, out / "results", workers)
        assert len(killed) == 2  # one per worker
        _, err = run.communicate(timeout=300)
    finally:
        two_workers.kill(run)
    assert run.returncode == 0, err
    assert_same_results(out, pool_run)


def test_a_worker_of_another_kit_is_refused_before_any_grading(cluster, small_class, tmp_path):
    other = tmp_path / "other-kit"
    for folder in ("autograder", "solutions", "assignments"):
        shutil.copytree(ROOT / folder, other / folder, ignore=shutil.ignore_patterns("__pycache__"))
    with open(other / "solutions" / "numpy_rnn.py", "a") as handle:
        handle.write("\n# a later version of the reference\n")
    cluster.add_worker()
    stranger = cluster.add_worker({**ENV, "PYTHONPATH": str(other)}, cwd=other)
    cluster.wait_for_workers(2)
    out = tmp_path / "out"
    done = autograder("grade-all", small_class, "-o", out, "--scheduler", cluster.address)
    assert done.returncode == 2, done.stderr
    assert "run another kit" in done.stderr and stranger in done.stderr and "Nothing was graded" in done.stderr
    assert not list(out.glob("results/*/*.json"))


def test_a_local_cluster_reports_workers_without_full_isolation(small_class, pool_run, tmp_path):
    """--scheduler local, its workers in the limited sandbox (as on a host without CAP_SYS_ADMIN)."""
    done = subprocess.run([sys.executable, "-m", "autograder", "grade-all", str(small_class), "-o", str(tmp_path),
                           "--scheduler", "local", "--jobs", "2"], capture_output=True, text=True, timeout=300,
                          env={**ENV, "AUTOGRADER_SANDBOX_NAMESPACES": "off"})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "grades.csv").read_text() == (pool_run / "grades.csv").read_text()
    line = next(line for line in done.stdout.splitlines() if line.startswith("isolation:"))
    assert line.startswith("isolation: limited (no namespaces") and line.endswith(f"for {len(STUDENTS) * len(exercise_names())} of {len(STUDENTS) * len(exercise_names())} submissions")
    assert "grades with limited" in done.stderr  # each worker, before grading
    assert "Isolation: limited" in (tmp_path / "summary.html").read_text()


def test_shards_then_report_equal_one_run(small_class, pool_run, tmp_path):
    joined = tmp_path / "joined"
    seen = []
    for k in (1, 2, 3):
        out = tmp_path / f"shard{k}"
        done = autograder("grade-all", small_class, "-o", out, "--jobs", 1, "--shard", f"{k}/3")
        assert done.returncode == 0, done.stderr
        with open(out / "grades.csv") as handle:
            seen += [row["student"] for row in csv.DictReader(handle)]
        shutil.copytree(out / "results", joined / "results", dirs_exist_ok=True)
    assert sorted(seen) == sorted(STUDENTS)  # every student in exactly one shard
    done = autograder("report", joined)
    assert done.returncode == 0, done.stderr
    assert_same_results(joined, pool_run)


@pytest.mark.parametrize("option", [["--shard", "0/3"], ["--shard", "4/3"], ["--shard", "3"],
                                    ["--shard", "a/b"], ["--scheduler", "somewhere"]])
def test_bad_shard_or_scheduler_is_a_usage_error(small_class, tmp_path, option):
    done = autograder("grade-all", small_class, "-o", tmp_path, *option, timeout=60)
    assert done.returncode == 2 and option[0] in done.stderr
    assert not (tmp_path / "results").exists()


def test_report_refuses_results_of_another_kit(pool_run, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(pool_run / "results", copy / "results")
    record = copy / "results" / "ada" / "numpy_rnn.json"
    data = json.loads(record.read_text())
    record.write_text(json.dumps({**data, "kit": "0" * 16}))
    done = autograder("report", copy, timeout=60)
    assert done.returncode == 2 and "another version of the kit" in done.stderr
    assert not (copy / "grades.csv").exists()


def test_the_local_pool_does_not_import_dask():
    code = ("import sys; from autograder import cli; from autograder.batch import grade_class; "
            "from autograder.commands import report; print('distributed' in sys.modules or 'dask' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr
