"""The hostile corpus (tests/hostile/): every attack costs its own submission its points, and nothing else.

Each file in tests/hostile/ is one attack. Its header says what it attacks, what must happen, which
exercise it is graded as (`# exercise:`), what the messages must say (`# message:`) and, rarely,
longer limits it needs (`# limits: CALL_TIMEOUT_S=15`); notebooks carry the same in
metadata["hostile"]. For every file: zero points, a plain message on every failed test, bounded
time, no process of the sandbox's user left over, the kit's files unchanged. Limits are shortened
to a few seconds (see `fast_limits`) so that the whole corpus runs in about a minute.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from dataclasses import replace

from autograder.config import Settings
from autograder.exercises import get as get_exercise, names as exercise_names, registry
from autograder.grading.results import Report
from autograder.reports import gradescope

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "hostile"
CORPUS = sorted(p for p in HOSTILE.iterdir() if p.suffix in (".py", ".ipynb"))

# The zygote is started after collection, so it would inherit this if the kit let it through.
SECRET_NAME, SECRET = "AUTOGRADER_TEST_SECRET", "hostile-corpus-secret-5f1c09"
os.environ[SECRET_NAME] = SECRET

FAST = Settings(call_timeout_s=2.0, load_timeout_s=3.0, submission_budget_s=6.0)
SLACK_S = 10.0  # spawns, restarts, pytest: what a submission costs beyond its budget of sandbox time
KIT_TRACES = ("Traceback (most recent call last)", "autograder/",
              "please tell your instructor")  # what a message says when a grader itself crashed


# ------------------------------------------------------------------------ helpers

def header(path: Path) -> dict:
    """A corpus file's attack, expect, exercise and messages (# key: value, continued by '#   ...')."""
    text = path.read_text()
    if path.suffix == ".ipynb":
        try:
            meta = json.loads(text)["metadata"]["hostile"]
            return {**meta, "message": [meta["message"]] if meta.get("message") else []}
        except ValueError:
            pass  # the notebook that is not JSON carries a .py-style header
    fields: dict = {"message": []}
    key = None
    for line in text.splitlines():
        if match := re.match(r"# (attack|expect|exercise|message|limits): (.*)", line):
            key, value = match.groups()
            if key == "message":
                fields["message"].append(value.strip())
            else:
                fields[key] = value.strip()
        elif key in ("attack", "expect") and line.startswith("#   "):
            fields[key] += " " + line[4:].strip()
        elif not line.startswith("#"):
            break
    return fields


def _status(pid: int | str) -> dict[str, str]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


def _is_zygote(pid: int) -> bool:
    try:
        return b"autograder.sandbox.zygote" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _ours(pid: int) -> bool:
    """Started by this test process, or orphaned; not a sandbox of someone else's grader running now."""
    chain, current = [], pid
    while current > 1 and len(chain) < 64:
        current = int(_status(current).get("PPid", "0"))
        chain.append(current)
    if os.getpid() in chain:
        return True
    return not any(_is_zygote(p) and _status(p).get("Uid", "").split()[:1] == ["0"] for p in chain)


def sandbox_processes() -> set[int]:
    """Every live process whose real uid is the sandbox's."""
    found, sandbox_uid = set(), [str(Settings.from_environment().sandbox_uid)]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            uid = _status(entry.name).get("Uid", "").split()[:1]
            if uid == sandbox_uid:
                found.add(int(entry.name))
    return found


def leftover_processes(before: set[int], wait_s: float = 5.0) -> set[int]:
    """Our sandbox processes not there before, once those being killed have had time to go."""
    deadline = time.monotonic() + wait_s
    while True:
        left = {p for p in sandbox_processes() - before if _ours(p)}
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def kit_hashes() -> dict[str, str]:
    """sha256 of every tracked file (every file but the venv's, outside a git checkout) and of the corpus."""
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True)
    if listing.returncode == 0:
        paths = {p for p in listing.stdout.decode().split("\0") if p}
    else:
        skip = {".venv", ".git", "__pycache__"}
        paths = {str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
                 if p.is_file() and not skip & set(p.relative_to(ROOT).parts)}
    paths |= {str(p.relative_to(ROOT)) for p in HOSTILE.iterdir()}
    hashes = {}
    for rel in sorted(paths):
        try:
            hashes[rel] = hashlib.sha256((ROOT / rel).read_bytes()).hexdigest()
        except FileNotFoundError:
            hashes[rel] = "missing"
    return hashes


def texts(result) -> list[str]:
    return [t.message for t in result.tests if not t.passed] + list(result.problems)


# ------------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module", autouse=True)
def kit_unchanged():
    """No file of the kit (tracked files and this corpus) is changed by anything graded here."""
    before = kit_hashes()
    yield
    after = kit_hashes()
    changed = sorted(k for k in before if before[k] != after.get(k))
    assert not changed, f"grading hostile submissions changed kit files: {changed}"


@pytest.fixture
def fast_limits(monkeypatch) -> Settings:
    for exercise in registry():  # functions allowed longer than call_timeout_s: not here
        for function in exercise.call_timeouts:
            monkeypatch.setitem(exercise.call_timeouts, function, FAST.call_timeout_s)
    return FAST


@pytest.fixture
def no_leftovers():
    """Fails the test if a sandbox process it started outlives it."""
    before = sandbox_processes()
    yield
    left = leftover_processes(before)
    assert not left, f"sandbox processes outlived grading: {sorted(left)}"


# ------------------------------------------------------------------------ attack-specific checks
# Generators: the code before `yield` runs before grading, the yield receives the result.

def _check_listener():
    tcp = udp = None
    for port in range(47600, 47700):
        try:
            tcp = socket.create_server(("127.0.0.1", port))
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            udp.bind(("127.0.0.1", port))
            break
        except OSError:
            for s in (tcp, udp):
                if s is not None:
                    s.close()
            tcp = udp = None
    assert tcp is not None, "no free port in 47600-47699 to listen on"
    tcp.setblocking(False)
    udp.setblocking(False)
    try:
        result = yield
        with pytest.raises(BlockingIOError):
            tcp.accept()
        with pytest.raises(BlockingIOError):
            udp.recvfrom(100)
        assert "reached []" in result.output
    finally:
        tcp.close()
        udp.close()


def _check_flood():
    result = yield
    assert "more bytes of output not kept" in result.output
    assert len(result.output.encode()) < Settings().output_keep_bytes * 2


def _check_one_timeout(function: str):
    def check():
        result = yield
        first = [m for m in texts(result) if m.startswith(f"{function} did not return within")
                 and not m.endswith("(not called again)")]
        assert len(first) == 1, f"{function} should time out once, then not be called again: {texts(result)}"
    return check


def _check_secret():
    assert os.environ[SECRET_NAME] == SECRET  # the trusted side has it
    result = yield
    assert "'stack': 'not found'" in result.output  # the scan ran, and found nothing
    for text in [result.output, *texts(result)]:
        assert SECRET not in text and SECRET_NAME not in text


def _check_hidden():
    result = yield
    assert "found [] " in result.output
    for marker in ("def test_", "def rnn_forward", "@points"):
        assert marker not in result.output


def _check_fake_files():
    result = yield
    for folder in (ROOT, ROOT / "autograder", ROOT / "tests", HOSTILE, Path("/autograder/results")):
        for name in ("results.json", "junit.xml", "report.xml"):
            assert not (folder / name).exists(), f"{folder / name} was written"
    assert "/work/main" not in result.output.split("wrote", 1)[-1]


def _check_fill():
    result = yield
    assert "No space left on device" in result.output
    assert not Path("/tmp/hostile-fill-0").exists()


def _check_forks():
    result = yield
    counts = [int(n) for n in re.findall(r"forked (\d+) children", "\n".join(texts(result)))]
    assert counts and max(counts) < Settings().max_processes, counts


def _check_printed_fakes():
    result = yield
    assert "58 passed" in result.output  # it was printed, and counted for nothing


def _check_missing_names():
    result = yield
    for name in ("init_rnn_params", "rnn_cell_step", "rnn_weights_from_torch"):
        assert f"your submission does not define {name}" in texts(result)
    assert "rnn_forward is a int, not a function" in texts(result)


def _check_garbage():
    result = yield
    assert any("rnn_cell_step did not return within" in m for m in texts(result))  # the body never came
    assert any("over the limit" in m for m in texts(result))  # random bytes: an absurd length


def _check_tamper():
    result = yield
    tried = int(re.search(r"tried (\d+) paths", result.output).group(1))
    assert tried > 1000 and "writable: []" in result.output


def _check_shared_replays():
    """A folder as the pool makes for its workers' replays (batch/workers.py), there while it grades."""
    folder = Path(tempfile.mkdtemp(prefix="autograder-replays-"))
    try:
        result = yield
        assert "written: 0" in result.output
        assert list(folder.iterdir()) == []
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _no_check():
    yield


CHECKS = {
    "connect_localhost": _check_listener,
    "output_flood": _check_flood,
    "loop_in_function": _check_one_timeout("rnn_forward"),
    "sleep_ignoring_signals": _check_one_timeout("init_rnn_params"),
    "char_rnn_fake_training": _check_one_timeout("Net.forward"),
    "read_secret": _check_secret,
    "read_hidden": _check_hidden,
    "fake_results_files": _check_fake_files,
    "fill_tmp": _check_fill,
    "fork_loop": _check_forks,
    "exit_at_import": _check_printed_fakes,
    "fake_results_printed": _check_printed_fakes,
    "notebook_no_contract": _check_missing_names,
    "garbage_fd3": _check_garbage,
    "tamper_kit": _check_tamper,
    "forge_shared_replays": _check_shared_replays,
}


# ------------------------------------------------------------------------ the corpus

def test_corpus_is_complete():
    assert len(CORPUS) >= 22
    for path in CORPUS:
        fields = header(path)
        assert fields.get("attack") and fields.get("expect"), f"{path.name} has no attack/expect header"
        assert fields.get("exercise") in exercise_names(), path.name
    assert set(CHECKS) <= {p.stem for p in CORPUS}


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_hostile_submission_earns_zero_and_nothing_else(path, grade_file, zygote, fast_limits, no_leftovers):
    fields = header(path)
    for name, value in re.findall(r"(\w+)=([\d.]+)", fields.get("limits", "")):
        fast_limits = replace(fast_limits, **{name.lower(): float(value)})
    check = CHECKS.get(path.stem, _no_check)()
    next(check)
    started = time.monotonic()
    result = grade_file(path, fields["exercise"], fast_limits)
    seconds = time.monotonic() - started

    assert result.tests and result.score == 0, [t.name for t in result.tests if t.passed]
    for test in result.tests:
        assert test.message.strip(), f"{test.name} failed without a message"
    for text in texts(result):
        assert not any(trace in text for trace in KIT_TRACES), text
    for expected in fields["message"]:
        assert any(expected in text for text in texts(result)), (expected, texts(result))
    assert seconds < fast_limits.submission_budget_s + SLACK_S, f"grading took {seconds:.1f} s"
    rendered = json.loads(gradescope.render(Report(str(path), [result])))
    assert rendered["score"] == 0 and all(t["status"] == "failed" for t in rendered["tests"])
    assert zygote._process.poll() is None, "the zygote died"
    with pytest.raises(StopIteration):
        check.send(result)


# ------------------------------------------------------------------------ mixes: correct code among attacks

HOSTILE_EXTRAS = '''
import builtins, json, sys
import numpy, numpy.testing, torch

numpy.allclose = numpy.array_equal = torch.equal = torch.allclose = lambda *args, **kwargs: True
numpy.testing.assert_allclose = lambda *args, **kwargs: None
builtins.all = lambda *args: True
print("===== 58 passed in 0.01s =====")
print(json.dumps({"score": 58, "tests": []}), file=sys.stderr)
for _ in range(20 * 1024):
    sys.stdout.write("y" * 1023 + "\\n")
try:
    open("results.json", "w").write(json.dumps({"score": 0}))
except OSError:
    pass
'''

NUMPY_RNN_TESTS_OF = {
    "rnn_forward": {"test_rnn_forward_matches_recurrence", "test_rnn_forward_shape_and_dtype",
                    "test_rnn_forward_uses_h0", "test_rnn_forward_default_h0_is_zeros",
                    "test_rnn_forward_single_timestep", "test_rnn_forward_integer_and_float32_inputs",
                    "test_rnn_results_do_not_depend_on_other_calls",
                    "test_rnn_cell_step_and_rnn_forward_leave_arguments_unchanged",
                    "test_rnn_forward_matches_nn_rnn", "test_numpy_rnn_functions_by_keyword"},
}


def test_correct_submission_with_attacks_gets_full_marks(grade_code, fast_limits, no_leftovers):
    """Fake results, patched numpy/torch/builtins and a 20 MB flood around correct functions cost nothing."""
    reference = get_exercise("numpy_rnn").reference.read_text()
    result = grade_code(reference + HOSTILE_EXTRAS, "numpy_rnn", name="numpy_rnn_mix.py", settings=fast_limits)
    assert result.score == result.max_score > 0, {t.name: t.message for t in result.tests if not t.passed}
    assert "more bytes of output not kept" in result.output


def test_one_hanging_function_costs_one_timeout(grade_code, fast_limits, no_leftovers):
    """Only rnn_forward's tests fail, and its hang is waited for once, not once per test."""
    timeout = 4.0
    settings = replace(fast_limits, call_timeout_s=timeout,
                       submission_budget_s=60.0)  # the budget must not be what saves time
    reference = get_exercise("numpy_rnn").reference.read_text()
    hanging = reference + "\n\ndef rnn_forward(inputs, Wx, Wh, b, h0=None):\n    while True:\n        pass\n"
    started = time.monotonic()
    result = grade_code(hanging, "numpy_rnn", name="numpy_rnn_hang.py", settings=settings)
    seconds = time.monotonic() - started
    failed = {t.name for t in result.tests if not t.passed}
    assert failed == NUMPY_RNN_TESTS_OF["rnn_forward"]
    messages = [t.message for t in result.tests if not t.passed]
    assert sum(m == f"rnn_forward did not return within {timeout:g} s" for m in messages) == 1, messages
    assert all(m.startswith("rnn_forward did not return within") for m in messages)
    # one timeout is 4 s; one per test would be 9 * 4 = 36 s
    assert seconds < 2 * timeout, f"grading took {seconds:.1f} s"


# ------------------------------------------------------------------------ through the real CLI

@pytest.fixture
def outside_tmp():
    """A world-writable folder outside /tmp (which sandboxes never see anyway): only hiding and a
    read-only root can keep a submission out of it."""
    parent = Path("/run") if os.access("/run", os.W_OK) else Path(tempfile.gettempdir())
    folder = Path(tempfile.mkdtemp(prefix="autograder-hostile-", dir=parent))
    yield folder
    shutil.rmtree(folder)


CLI_CASES = ["fake_results_files", "exit_at_import", "fake_results_printed"]


def test_cli_grades_hostile_submissions(outside_tmp, no_leftovers):
    """`autograder grade` exits 0 and writes its own results.json, whatever the submission does."""
    cli = Path(sys.executable).parent / "autograder"
    other = outside_tmp / "other-student"
    other.mkdir()
    (other / "results.json").write_text('{"score": 7}')
    runs = {}
    for name in CLI_CASES:
        sub, out = outside_tmp / name / "submission", outside_tmp / name / "results"
        sub.mkdir(parents=True)
        out.mkdir()
        for folder in (outside_tmp, outside_tmp / name, sub, out, other):
            folder.chmod(0o777)
        dirs = [str(out), str(sub), str(other)]
        (sub / "numpy_rnn.py").write_text(f"RESULT_DIRS = {dirs!r}\n" + (HOSTILE / f"{name}.py").read_text())
        command = [str(cli), "grade", str(sub / "numpy_rnn.py"), "--exercise", "numpy_rnn",
                   "--format", "gradescope", "-o", str(out / "results.json")]
        runs[name] = (subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                       cwd=out), sub, out)
    for name, (process, sub, out) in runs.items():
        try:
            stdout, stderr = process.communicate(timeout=240)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            raise
        assert process.returncode == 0, (name, stderr[-2000:])
        assert sorted(p.name for p in out.iterdir()) == ["results.json"], name
        assert sorted(p.name for p in sub.iterdir()) == ["numpy_rnn.py"], name
        results = json.loads((out / "results.json").read_text())
        assert results["score"] == 0 and results["tests"], name
        assert all(t["status"] == "failed" and t["output"] for t in results["tests"]), name
    assert (other / "results.json").read_text() == '{"score": 7}'


def test_grader_still_grades_correctly_after_the_corpus(grade_file, zygote):
    """The same zygote, after every attack above, still gives the reference full marks."""
    for exercise in ("numpy_rnn", "rnn_shapes"):
        result = grade_file(get_exercise(exercise).reference, exercise)
        assert result.score == result.max_score > 0, exercise
