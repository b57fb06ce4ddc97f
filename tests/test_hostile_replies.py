"""Hostile replies through the real CLI: the trusted side's memory and the reports stay bounded.

The reply attacks of tests/hostile/ (forged frames, lying arrays and module configurations, huge
strings and error fields, lone surrogates) are graded with the kit's real limits: all of them as one
class beside an honest student by `autograder grade-all`, and a few one at a time by
`autograder grade -o` with every report format. Each CLI runs in its own process, whose peak
memory (ru_maxrss, of itself and of its children: workers, zygotes, sandboxes) is measured.
"""
from __future__ import annotations

import csv
import hashlib
import json
import re
import socket
import struct
import subprocess
import sys
import tracemalloc
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import pytest
import torch

from autograder import config
from autograder.config import Settings
from autograder.exercises import names as exercise_names, total_points
from autograder.files import write_atomically
from autograder.sandbox import wire
from test_hostile import HOSTILE, header, leftover_processes, sandbox_processes

ROOT = Path(__file__).resolve().parent.parent
REPLY_ATTACKS = [
    "module_config_bomb", "module_many_layers", "module_unknown_config_keys", "module_config_wrong_types",
    "zero_size_dtype", "array_shape_lie", "array_dtype_not_allowed", "reply_million_empty_lists",
    "huge_string_in_shape", "long_strings_in_messages", "forged_error_fields", "forged_cell_errors",
    "lone_surrogate", "many_dict_keys", "deep_nesting_forged", "module_forged_frozen",
    "huge_replies_kept_for_naming",
]
PEAK_BYTES = 1.5 * 2**30            # any trusted process (and, for grade-all, any of its children)
REPORT_BYTES_PER_STUDENT = 512 * 2**10  # everything written about one student, every format together
CLI_TIMEOUT_S = 600

# The CLI's own entry point, then its peak memory: ru_maxrss is in KiB on Linux.
MEASURED_CLI = """
import json, resource, sys
from autograder.cli import main
code = main(sys.argv[2:])
peak = {who: resource.getrusage(getattr(resource, "RUSAGE_" + who.upper())).ru_maxrss * 1024
        for who in ("self", "children")}
open(sys.argv[1], "w").write(json.dumps(peak))
sys.exit(code)
"""


def measured_cli(args: list[str], peak_file: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", MEASURED_CLI, str(peak_file), *args], cwd=peak_file.parent,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")


def finish(process: subprocess.Popen) -> tuple[str, str]:
    try:
        return process.communicate(timeout=CLI_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


def tree_hash(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def temp_files(folder: Path) -> list[Path]:
    """What write_atomically leaves when it fails: .<name>.<random>."""
    return [p for p in folder.rglob(".*") if re.fullmatch(r"\..+\.[A-Za-z0-9_]{8}", p.name)]


def mib(n: float) -> str:
    return f"{n / 2**20:.0f} MiB"


def test_every_reply_attack_is_in_the_corpus():
    for name in REPLY_ATTACKS:
        assert header(HOSTILE / f"{name}.py")["exercise"] in exercise_names(), name


def test_a_class_of_reply_attacks(tmp_path):
    """grade-all over every reply attack and an honest student: the attacks score 0, the honest
    student full marks, every report is written and small, memory stays bounded, nothing is left."""
    root, out = tmp_path / "class", tmp_path / "grades"
    for exercise in exercise_names():
        (root / "alice").mkdir(parents=True, exist_ok=True)
        (root / "alice" / f"{exercise}.py").write_text((ROOT / "solutions" / f"{exercise}.py").read_text())
    for name in REPLY_ATTACKS:
        (root / name).mkdir()
        (root / name / f"{header(HOSTILE / f'{name}.py')['exercise']}.py").write_bytes(
            (HOSTILE / f"{name}.py").read_bytes())
    submitted = tree_hash(root)
    peak_file = tmp_path / "peak.json"

    stdout, stderr = finish(measured_cli(["grade-all", str(root), "-o", str(out), "--jobs", "2"], peak_file))

    assert "Traceback" not in stderr, stderr[-3000:]
    peak = json.loads(peak_file.read_text())
    rows = {row["student"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert set(rows) == {"alice", *REPLY_ATTACKS}
    assert float(rows["alice"]["total"]) == float(rows["alice"]["max_total"]) == total_points(), rows["alice"]
    sizes = {}
    for name in REPLY_ATTACKS:
        assert float(rows[name]["total"]) == 0, (name, rows[name])
        files = [*(out / "students" / name).iterdir(), *(out / "results" / name).iterdir()]
        assert {"results.json", "feedback.md", "feedback.html"} <= {f.name for f in files}, name
        sizes[name] = sum(f.stat().st_size for f in files)
    seconds = {name: sum(json.loads(f.read_text())["result"]["seconds"] for f in (out / "results" / name).iterdir())
               for name in REPLY_ATTACKS}
    print(f"\ngrade-all peak memory: main {mib(peak['self'])}, largest child {mib(peak['children'])}; "
          f"reports per attacker: largest {max(sizes.values()) / 1024:.0f} KiB ({max(sizes, key=sizes.get)}); "
          f"slowest attacker {max(seconds.values()):.1f} s ({max(seconds, key=seconds.get)})")
    assert max(sizes.values()) < REPORT_BYTES_PER_STUDENT, sizes
    assert peak["self"] < PEAK_BYTES and peak["children"] < PEAK_BYTES, peak
    assert not temp_files(out)
    assert tree_hash(root) == submitted  # the submissions are unchanged, nothing was added to them


# One at a time with `grade -o`: every format, and one report that cannot be written.
SINGLE = ["lone_surrogate", "long_strings_in_messages", "forged_error_fields", "forged_cell_errors",
          "module_config_bomb", "module_many_layers"]
REPORTS = {"gradescope": "results.json", "text": "report.txt", "markdown": "feedback.md", "junit": "junit.xml"}


def grade_command(path: Path, out: Path, exercise: str, extra: list[str] = ()) -> list[str]:
    reports = [arg for fmt, name in REPORTS.items() if fmt != "gradescope"
               for arg in ("--report", f"{fmt}={out / name}")]
    return ["grade", str(path), "--exercise", exercise, "--format", "gradescope", "-o", str(out / "results.json"),
            *reports, *extra]


def test_grade_writes_every_report_of_reply_attacks(tmp_path):
    before = sandbox_processes()
    runs = {}
    for name in SINGLE:
        folder = tmp_path / name
        (folder / "submission").mkdir(parents=True)
        (folder / "out").mkdir()
        path = folder / "submission" / f"{name}.py"
        path.write_bytes((HOSTILE / f"{name}.py").read_bytes())
        command = grade_command(path, folder / "out", header(HOSTILE / f"{name}.py")["exercise"])
        runs[name] = (measured_cli(command, folder / "peak.json"), folder)
    figures = []
    for name, (process, folder) in runs.items():
        _, stderr = finish(process)
        assert process.returncode == 0, (name, stderr[-3000:])
        out = folder / "out"
        assert sorted(p.name for p in out.iterdir()) == sorted(REPORTS.values()), name  # no temp file either
        assert sorted(p.name for p in (folder / "submission").iterdir()) == [f"{name}.py"], name
        results = json.loads((out / "results.json").read_text())
        assert results["score"] == 0 and all(t["status"] == "failed" for t in results["tests"]), name
        ElementTree.parse(out / "junit.xml")
        for report in out.iterdir():
            report.read_text(encoding="utf-8")  # strictly decodable: no surrogate made it through
        size = sum(p.stat().st_size for p in out.iterdir())
        peak = json.loads((folder / "peak.json").read_text())["self"]
        figures.append(f"{name}: peak {mib(peak)}, reports {size / 1024:.0f} KiB")
        assert size < REPORT_BYTES_PER_STUDENT, (name, size)
        assert peak < PEAK_BYTES, (name, peak)
    print("\n" + "\n".join(figures))
    assert not leftover_processes(before)


def test_a_report_that_cannot_be_written_does_not_stop_the_others(tmp_path):
    """`grade` writes every report it can, says which one failed, exits 2 and leaves no temp file."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "blocked").mkdir()  # a report path that is a folder: the write fails
    path = tmp_path / "lone_surrogate.py"
    path.write_bytes((HOSTILE / "lone_surrogate.py").read_bytes())
    command = grade_command(path, out, "numpy_rnn", ["--report", f"markdown={out / 'blocked'}"])
    process = measured_cli(command, tmp_path / "peak.json")
    _, stderr = finish(process)
    assert process.returncode == 2, stderr[-3000:]
    assert f"could not write the markdown report {out / 'blocked'}" in stderr
    assert sorted(p.name for p in out.iterdir()) == sorted([*REPORTS.values(), "blocked"])
    assert not temp_files(tmp_path)


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    (tmp_path / "report.md").mkdir()
    with pytest.raises(OSError):
        write_atomically(tmp_path / "report.md", "x")
    write_atomically(tmp_path / "text.md", "lone \ud800 surrogate")
    assert (tmp_path / "text.md").read_text(encoding="utf-8") == "lone ? surrogate"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md", "text.md"]


# ------------------------------------------------------------------------ the decoder alone, allocation measured

def traced_peak(action) -> int:
    """Peak bytes allocated (Python and numpy, which reports to tracemalloc) while action runs."""
    tracemalloc.start()
    try:
        action()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


LYING_ARRAYS = {
    "structured, no fields": ([], [10**9], b""),
    "V0": ("|V0", [10**9], b""),
    "element count overflows int64": ("<f8", [2**62, 2**62, 4], b""),
    "element count of thousands of digits": ("<f8", [10**4000] * 32, b""),
    "shape larger than the data": ("<f8", [10**6, 10**6], bytes(8)),
    "negative dimension": ("<f8", [-1, 4], bytes(32)),
    "dimensions that are not ints": ("<f8", [2.0, True], bytes(16)),
    "more dimensions than numpy allows": ("|u1", [1] * 33, bytes(1)),
    "shape not a list": ("<f8", "(2,)", bytes(16)),
    "4 GB unicode items": ("<U1000000000", [1], bytes(16)),
    "big-endian": (">f8", [2], bytes(16)),
    "dtype not a string": (8, [2], bytes(16)),
    "over the element cap": ("|u1", [config.MAX_REPLY_ELEMENTS + 1], bytes(config.MAX_REPLY_ELEMENTS + 1)),
}


@pytest.mark.parametrize("dtype, shape, data", LYING_ARRAYS.values(), ids=LYING_ARRAYS)
def test_lying_arrays_are_refused_before_anything_is_allocated(dtype, shape, data):
    array = {"__ndarray__": 0, "dtype": dtype, "shape": shape}
    peak = traced_peak(lambda: pytest.raises(wire.WireError, wire.decode, array, [data]))
    assert peak < 2**20 + len(data) // 8, peak


FORGED_FRAMES = {
    "Infinity as a blob size": b'{"ok": true, "blob_sizes": [Infinity]}',
    "NaN as a blob size": b'{"ok": true, "blob_sizes": [NaN]}',
    "1e999 as a blob size": b'{"ok": true, "blob_sizes": [1e999]}',
    "true as a blob size": b'{"ok": true, "blob_sizes": [true]}',
    "2.0 as a blob size": b'{"ok": true, "blob_sizes": [2.0]}',
    "blob sizes not a list": b'{"ok": true, "blob_sizes": 3}',
    "-Infinity in a value": b'{"ok": true, "value": -Infinity, "blob_sizes": []}',
    "1e999 as a handle": b'{"ok": true, "value": {"__handle__": 1e999}, "blob_sizes": []}',
}


@pytest.mark.parametrize("doc", FORGED_FRAMES.values(), ids=FORGED_FRAMES)
def test_frames_with_numbers_json_has_not_are_refused(doc):
    """Python's json reads NaN, Infinity and 1e999 (an infinity); int() of one raises OverflowError,
    which no caller expects: the frame is refused as it is read."""
    frame = doc + bytes(16)
    with pytest.raises(wire.WireError):
        message, blobs = wire.split(frame, len(doc))
        wire.decode(message.get("value"), blobs)


def test_a_handle_must_be_a_whole_number():
    for handle in (1e300, 2.0, True, "3", None):
        with pytest.raises(wire.WireError):
            wire.decode({"__handle__": handle, "type": "Net"}, [])


def test_non_finite_floats_still_cross_a_frame():
    left, right = socket.socketpair()
    with left, right:
        blobs: list[bytes] = []
        wire.send(left, {"ok": True, "value": wire.encode([float("nan"), float("-inf"), 1e308], blobs)}, blobs)
        message, blobs = wire.recv_blocking(right, 2**20)
    nan, minus_infinity, large = wire.decode(message["value"], blobs)
    assert np.isnan(nan) and minus_infinity == float("-inf") and large == 1e308


def test_honest_arrays_still_cross():
    for value in (np.arange(6.0).reshape(2, 3), np.asfortranarray(np.arange(6, dtype=np.float32).reshape(3, 2)),
                  np.arange(12).reshape(3, 4)[::2, ::-1], np.zeros((0, 4)), np.array([True, False]),
                  np.array(7, np.int8), np.complex64(1 + 2j), np.float16(0.5), torch.arange(4)):
        blobs: list[bytes] = []
        back = wire.decode(wire.encode(value, blobs), blobs)
        back_array, array = np.asarray(back), np.asarray(value)
        assert type(back) is type(value) and back_array.dtype == array.dtype, value
        assert back_array.shape == array.shape and np.array_equal(back_array, array), value


def rnn_doc(config_: dict, tensors: dict) -> tuple[dict, list[bytes]]:
    blobs: list[bytes] = []
    encoded = {k: wire._encode_tensor(v, blobs) for k, v in tensors.items()}
    return {"__module__": {"type": "RNN", "base": "RNN", "config": config_, "tensors": encoded,
                           "children": {}}}, blobs


SMALL = {"weight_ih_l0": torch.zeros(2, 2), "weight_hh_l0": torch.zeros(2, 2),
         "bias_ih_l0": torch.zeros(2), "bias_hh_l0": torch.zeros(2)}
MODULE_LIES = {
    "4096 x 4096 x 4 layers": {"input_size": 4096, "hidden_size": 4096, "num_layers": 4},
    "4096 layers, bidirectional": {"input_size": 4096, "hidden_size": 4096, "num_layers": 4096,
                                   "bidirectional": True},
    "sizes that do not match the weights": {"input_size": 3, "hidden_size": 2},
    "an unknown key": {"input_size": 2, "hidden_size": 2, "device": "meta"},
    "a float size": {"input_size": 2, "hidden_size": 2.5},
    "a string flag": {"input_size": 2, "hidden_size": 2, "batch_first": "yes"},
}


@pytest.mark.parametrize("claimed", MODULE_LIES.values(), ids=MODULE_LIES)
def test_module_configurations_are_checked_before_anything_is_built(claimed):
    doc, blobs = rnn_doc(claimed, SMALL)

    def rebuild():
        with pytest.raises(wire.WireError):
            wire.decode(doc, blobs).build()
        with pytest.raises(wire.WireError):
            wire.decode(doc, blobs, build_modules=True)  # the sandbox side, for modules graders pass in
    assert traced_peak(rebuild) < 2**20


HONEST_MODULES = [torch.nn.RNN(3, 4, num_layers=3, bidirectional=True, batch_first=True), torch.nn.LSTM(2, 3),
                  torch.nn.RNN(2, 3, num_layers=2, nonlinearity="relu", dropout=0.25),
                  torch.nn.GRU(2, 3, num_layers=2, bias=False), torch.nn.Linear(4, 2), torch.nn.Linear(4, 2, bias=False)]


@pytest.mark.parametrize("module", HONEST_MODULES, ids=lambda m: repr(m).replace(" ", ""))
def test_honest_modules_still_cross(module, monkeypatch):
    """Rebuilt with the same weights; the parameter count worked out from the configuration is
    exactly torch's, so a module at the cap is accepted and one parameter less refuses it."""
    blobs: list[bytes] = []
    data = wire.decode(wire.encode(module, blobs), blobs)
    parameters = sum(p.numel() for p in module.parameters())
    monkeypatch.setattr(config, "MAX_MODULE_PARAMETERS", parameters)
    rebuilt = data.build()
    assert type(rebuilt) is type(module)
    for (name, a), (_, b) in zip(module.state_dict().items(), rebuilt.state_dict().items()):
        assert torch.equal(a, b), name
    monkeypatch.setattr(config, "MAX_MODULE_PARAMETERS", parameters - 1)
    with pytest.raises(wire.WireError, match="parameters, over the limit"):
        data.build()


@pytest.mark.parametrize("frozen", [["weight_ih_l0", "nowhere"], "weight_ih_l0", [7], ["x" * 10_000],
                                    ["bias_hh_l0", "bias_hh_l0"]],
                         ids=["a name it does not have", "not a list", "not a name", "a name too long", "a name twice"])
def test_frozen_parameters_must_be_the_modules_own(frozen):
    doc, blobs = rnn_doc({"input_size": 2, "hidden_size": 2}, SMALL)
    doc["__module__"]["frozen"] = frozen
    with pytest.raises(wire.WireError):
        wire.decode(doc, blobs)


def test_frozen_parameters_cross():
    """A module whose parameters no longer require grad says so (rnn_weights_from_torch must not freeze it)."""
    rnn = torch.nn.RNN(2, 3)
    rnn.bias_hh_l0.requires_grad_(False)
    blobs: list[bytes] = []
    assert wire.decode(wire.encode(rnn, blobs), blobs).frozen == ["bias_hh_l0"]
    blobs = []
    assert wire.decode(wire.encode(torch.nn.RNN(2, 3), blobs), blobs).frozen == []


@pytest.mark.parametrize("buffers", [["nowhere"], "weight_ih_l0", [7], ["bias_hh_l0", "bias_hh_l0"]],
                         ids=["a name it does not have", "not a list", "not a name", "a name twice"])
def test_buffers_must_be_the_modules_own(buffers):
    doc, blobs = rnn_doc({"input_size": 2, "hidden_size": 2}, SMALL)
    doc["__module__"]["buffers"] = buffers
    with pytest.raises(wire.WireError):
        wire.decode(doc, blobs)


def test_a_subclass_buffer_crosses_and_is_not_a_weight():
    """A subclass's persistent buffer is in its state_dict, not among the base type's weights: the
    module still rebuilds, and a forged buffer cannot hide a missing weight."""
    rnn = torch.nn.RNN(2, 3)
    rnn.register_buffer("directions", torch.tensor(1))
    blobs: list[bytes] = []
    data = wire.decode(wire.encode(rnn, blobs), blobs)
    assert data.buffers == ["directions"] and "directions" in data.state_dict()
    assert set(data.parameters()) == set(dict(rnn.named_parameters()))
    assert isinstance(data.build(), torch.nn.RNN)
    doc, blobs = rnn_doc({"input_size": 2, "hidden_size": 2}, SMALL)
    doc["__module__"]["buffers"] = ["bias_hh_l0"]  # a weight declared a buffer: the rebuild lacks it
    with pytest.raises(wire.WireError, match="does not match its weights"):
        wire.decode(doc, blobs).build()


def test_long_and_deep_replies_are_refused():
    head = struct.pack(">QI", 24 * 2**20, 24 * 2**20)
    with pytest.raises(wire.WireError, match="JSON part"):
        wire.read_head(head, Settings().max_message_bytes, config.MAX_REPLY_JSON_BYTES)
    with pytest.raises(wire.WireError, match="values"):
        wire.decode([[] for _ in range(config.MAX_REPLY_VALUES)], [])
    deep: object = 1
    for _ in range(config.MAX_WIRE_DEPTH + 2):
        deep = {"__tuple__": [deep]}
    with pytest.raises(wire.WireError, match="levels deep"):
        wire.decode(deep, [])
