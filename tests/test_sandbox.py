"""What a sandboxed submission can see and do, as reported by the submission itself.

A small submission (PROBE) looks around from inside the sandbox and returns what it saw; the
tests below check it against what the isolation promises (autograder/sandbox/isolation.py). A few
more drive StudentCode directly with sandboxes that misbehave at the wire level.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from dataclasses import replace

from autograder import config
from autograder.config import Settings
from autograder.exercises import get as get_exercise
from autograder.grading.run import open_student_code
from autograder.grading.student_code import StudentCode, StudentCodeError

ROOT = Path(__file__).resolve().parent.parent

# Set before the session's zygote starts (after collection): it must still never reach a sandbox.
SECRET_NAME, SECRET = "AUTOGRADER_TEST_SECRET", "sandbox-test-secret-93b2aa"
os.environ.setdefault(SECRET_NAME, SECRET)

PROBE = r'''
import ctypes, errno, importlib, os, resource, socket, sys

def _try(action):
    try:
        result = action()
        return "ok" if result is None else result
    except BaseException as error:
        return f"{type(error).__name__}: {errno.errorcode.get(getattr(error, 'errno', None) or 0, '')}"

def _write(folder):
    def write():
        with open(os.path.join(folder, "sandbox-probe-was-here"), "w") as handle:
            handle.write("x")
    return _try(write)

def _stack_has(name):
    for line in open("/proc/self/maps"):
        if "[stack]" in line:
            start, end = (int(x, 16) for x in line.split()[0].split("-"))
            return name.encode() in ctypes.string_at(start, end - start)
    return None

def look(kit, graders, solutions, marker, port, secret_name, elsewhere=()):
    status = dict(line.split(":\t", 1) for line in open("/proc/self/status").read().splitlines() if ":\t" in line)
    limits = {name: list(resource.getrlimit(getattr(resource, name)))
              for name in ("RLIMIT_AS", "RLIMIT_NPROC", "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_CORE")}
    return {
        "ids": [os.getuid(), os.geteuid(), os.getgid(), os.getegid()],
        "groups": os.getgroups(),
        "pid": os.getpid(),
        "proc": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
        "cap_eff": status["CapEff"].strip(),
        "no_new_privs": status.get("NoNewPrivs", "").strip(),
        "graders_listing": _try(lambda: os.listdir(graders)),
        "graders_read": _try(lambda: open(os.path.join(graders, "test_numpy_rnn.py")).read()[:50]),
        "solutions_read": _try(lambda: open(os.path.join(solutions, "numpy_rnn.py")).read()[:50]),
        "import_solutions": _try(lambda: importlib.import_module("solutions.numpy_rnn") and None),
        "import_graders": _try(lambda: importlib.import_module("autograder.exercises.numpy_rnn.test_numpy_rnn") and None),
        "kit_listing": _try(lambda: sorted(os.listdir(kit))),
        "elsewhere": {path: _try(lambda: open(path).read()[:50]) for path in elsewhere},
        "writes": {folder: _write(folder) for folder in
                   (kit, kit + "/autograder", kit + "/tests", "/work", "/", "/usr/lib", sys.prefix,
                    os.path.dirname(os.__file__), "/tmp")},
        "host_tmp_marker": os.path.exists(marker),
        "connect": _try(lambda: socket.create_connection(("127.0.0.1", port), timeout=1).close()),
        "interfaces": [name for _, name in socket.if_nameindex()],
        "environ": dict(os.environ),
        "secret_on_stack": _stack_has(secret_name),
        "limits": limits,
        "fds": sorted(int(fd) for fd in os.listdir("/proc/self/fd")),
        "cwd": os.getcwd(),
    }

def echo(value):
    return value

def stop_reading():
    socket.socket.recv = lambda *args, **kwargs: __import__("time").sleep(3600)
    socket.socket.recv_into = socket.socket.recv

def spin():
    while True:
        pass

def busy(seconds):
    end = __import__("time").process_time() + seconds
    while __import__("time").process_time() < end:
        pass

def idle(seconds):
    __import__("time").sleep(seconds)
'''


@pytest.fixture(scope="module")
def probe(zygote, tmp_path_factory):
    folder = tmp_path_factory.mktemp("probe")
    path = folder / "probe.py"
    path.write_text(PROBE)
    student = open_student_code(path, zygote, [folder])
    yield student
    student.close()


@pytest.fixture(scope="module")
def seen(probe, tmp_path_factory):
    """What the probe saw from inside its sandbox (one call, shared by the tests)."""
    marker = tmp_path_factory.mktemp("marker") / "host-marker"
    marker.write_text("the sandbox must not see this")
    # Copies of the reference outside the kit (another checkout, a backup): out of reach too.
    copies = []
    for top in ("/srv", "/opt", "/var", "/home", "/work"):
        if Path(top).is_dir():
            copy = Path(tempfile.mkdtemp(prefix="kit-copy-", dir=top)) / "numpy_rnn.py"
            copy.write_text(get_exercise("numpy_rnn").reference.read_text())
            copy.chmod(0o644), copy.parent.chmod(0o755)
            copies.append(copy)
    try:
        with socket.create_server(("127.0.0.1", 0)) as server:
            server.setblocking(False)
            port = server.getsockname()[1]
            seen = probe.call("look", str(ROOT), str(config.EXERCISES_DIR), str(config.SOLUTIONS_DIR), str(marker),
                              port, SECRET_NAME, [str(c) for c in copies])
            with pytest.raises(BlockingIOError):
                server.accept()
    finally:
        for copy in copies:
            shutil.rmtree(copy.parent)
    assert copies
    return seen


def test_namespaces_are_available(zygote):
    assert zygote.isolation == "full", "these tests need root (namespaces and a separate user)"


def test_runs_as_the_sandbox_user_without_privileges(seen, zygote):
    assert seen["ids"] == [zygote.uid] * 4
    assert seen["groups"] == []
    assert int(seen["cap_eff"], 16) == 0
    assert seen["no_new_privs"] == "1"


def test_is_alone_in_its_own_pid_namespace(seen):
    assert seen["pid"] == 1
    assert seen["proc"] == [1], "the sandbox sees other processes"


def test_cannot_read_graders_or_solutions(seen):
    assert seen["graders_listing"] == []
    for key in ("graders_read", "solutions_read", "import_solutions", "import_graders"):
        assert seen[key].split(":")[0] in ("FileNotFoundError", "ModuleNotFoundError"), (key, seen[key])


def test_cannot_read_copies_of_the_kit_elsewhere_on_the_machine(seen):
    for path, outcome in seen["elsewhere"].items():
        assert outcome.startswith("FileNotFoundError"), (path, outcome)


def test_sees_only_the_kit_package_and_the_venv(seen):
    visible = set(seen["kit_listing"])
    assert "solutions" not in visible and "tests" not in visible and ".git" not in visible
    assert visible <= {"autograder", ".venv"}, visible


def test_can_write_nowhere_but_its_private_tmp(seen):
    writes = dict(seen["writes"])
    assert writes.pop("/tmp") == "ok"
    for folder, outcome in writes.items():
        assert outcome != "ok", f"the sandbox could write to {folder}"
    for folder in (ROOT, ROOT / "autograder", Path("/work")):
        assert not (folder / "sandbox-probe-was-here").exists()
    assert seen["host_tmp_marker"] is False, "the sandbox sees the trusted side's /tmp"
    assert seen["cwd"] == "/tmp"


def test_has_no_network(seen):
    assert seen["connect"].startswith("OSError"), seen["connect"]
    assert seen["interfaces"] == ["lo"]


def test_environment_is_scrubbed(seen, zygote):
    assert set(seen["environ"]) <= {"PATH", "HOME", "TMPDIR", "LANG", "OMP_NUM_THREADS", "MPLBACKEND",
                                    "MPLCONFIGDIR"}
    assert os.environ[SECRET_NAME]  # the trusted side has a secret ...
    assert seen["secret_on_stack"] is False  # ... that is not even in the sandbox's memory
    zygote_environ = Path(f"/proc/{zygote._process.pid}/environ").read_bytes()
    assert SECRET_NAME.encode() not in zygote_environ


def test_resource_limits(seen):
    limits = {name: tuple(value) for name, value in seen["limits"].items()}
    assert limits["RLIMIT_NPROC"] == (Settings().max_processes,) * 2
    assert limits["RLIMIT_CPU"] == (Settings().cpu_limit_s,) * 2
    assert limits["RLIMIT_FSIZE"] == (Settings().max_file_bytes,) * 2
    assert limits["RLIMIT_CORE"] == (0, 0)
    soft, hard = limits["RLIMIT_AS"]
    assert soft == hard and Settings().memory_headroom_bytes < soft < Settings().memory_headroom_bytes + 4 * 2**30


def test_holds_only_its_own_descriptors(seen):
    assert set(seen["fds"]) - {0, 1, 2, 3} <= {max(seen["fds"])}  # the one listing /proc/self/fd


# ------------------------------------------------------------------------ misbehaving at the wire level

@pytest.fixture
def student(zygote, tmp_path):
    path = tmp_path / "probe.py"
    path.write_text(PROBE)
    code = open_student_code(path, zygote, [tmp_path], settings=Settings(call_timeout_s=2.0))
    assert isinstance(code, StudentCode)
    yield code
    code.close()


def test_a_sandbox_that_stops_reading_cannot_block_a_large_request(student, monkeypatch):
    """Sending 32 MB to a process that reads nothing times out like any call, it does not hang."""
    monkeypatch.setattr(student, "timeouts", {"stop_reading": 60.0})  # a long wait before must not carry over
    student.call("stop_reading")
    started = time.monotonic()
    with pytest.raises(StudentCodeError, match="echo did not return within 2 s"):
        student.call("echo", np.zeros(4 * 2**20))
    assert time.monotonic() - started < 2.0 + 3.0


def test_a_call_records_the_cpu_time_the_kernel_counted_not_the_wait(student):
    """What naming a mistake may spend on replaying a call (grading/feedback.py) follows the CPU
    the student's code used, which a busy machine does not inflate as it does wall time."""
    student.call("busy", 0.3)
    student.call("idle", 0.3)
    busy, idle = student.calls[-2:]
    assert 0.25 <= busy.seconds <= 0.45 and idle.seconds <= 0.05, (busy.seconds, idle.seconds)


def _sandboxes_of(zygote) -> set[int]:
    """Live processes of the sandbox's user that this zygote started (through a supervisor)."""
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            status = dict(line.split(":\t", 1) for line in (entry / "status").read_text().splitlines()
                          if ":\t" in line)
            supervisor = (Path("/proc") / status["PPid"].strip() / "status").read_text()
        except (OSError, KeyError):
            continue
        if status["Uid"].split()[0] == str(zygote.uid) and f"PPid:\t{zygote._process.pid}\n" in supervisor:
            found.add(int(entry.name))
    return found


def test_a_used_up_budget_leaves_no_sandbox_running(student, zygote, monkeypatch):
    """After the budget is spent, a call neither runs nor leaves a freshly started process behind."""
    monkeypatch.setattr(student, "settings", replace(student.settings, submission_budget_s=1.5))
    others = _sandboxes_of(zygote)  # e.g. the probe's, kept for the module
    with pytest.raises(StudentCodeError, match="spin did not return within"):
        student.call("spin")
    with pytest.raises(StudentCodeError, match="used up its time budget") as failure:
        student.call("echo", 1)  # the restart this needs must not spawn a process it then forgets
    deadline = time.monotonic() + 5
    while _sandboxes_of(zygote) - others and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _sandboxes_of(zygote) - others, "a sandbox outlived the budget"
    assert failure.value  # (the traceback, which would keep a leaked process alive, is still held)


def test_limited_mode_still_grades_and_contains_crashes(tmp_path):
    """Where namespaces are not allowed (e.g. Docker without CAP_SYS_ADMIN) grading still works:
    forced off here, the reference gets full marks and a hang or a crash costs only its tests."""
    hang = tmp_path / "numpy_rnn.py"
    hang.write_text(get_exercise("numpy_rnn").reference.read_text()
                    + "\ndef init_rnn_params(*args, **kwargs):\n    import os\n    os._exit(3)\n")
    env = {**os.environ, "AUTOGRADER_SANDBOX_NAMESPACES": "off"}
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(hang), "--format", "gradescope"],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    results = {t["name"].split(": ", 1)[1]: t for t in json.loads(done.stdout)["tests"]}
    crashed = [t for name, t in results.items() if name.startswith("init_rnn_params")]
    assert len(crashed) == 2 and all(t["score"] == 0 for t in crashed)
    assert "exited with status 3" in crashed[0]["output"]
    assert sum(t["score"] for t in results.values()) == 16  # only those two tests' points are lost


def test_numpy_scalars_and_0d_arrays_cross_as_what_they_are():
    """np.int64 items of a shape stay np.int64 scalars (not 1-element arrays), so a grader can name them."""
    from autograder.sandbox import wire

    blobs: list[bytes] = []
    sent = (np.int64(3), np.float32(0.5), np.asarray(2.0), (np.int64(1), 4))
    got = wire.decode(wire.encode(sent, blobs), blobs)
    assert type(got[0]) is np.int64 and got[0] == 3
    assert type(got[1]) is np.float32 and got[1] == 0.5
    assert isinstance(got[2], np.ndarray) and got[2].shape == () and got[2] == 2.0
    assert type(got[3][0]) is np.int64 and type(got[3][1]) is int
