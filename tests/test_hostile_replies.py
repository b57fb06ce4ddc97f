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
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from autograder import config
from autograder.files import write_atomically
from test_hostile import HOSTILE, header, leftover_processes, sandbox_processes

ROOT = Path(__file__).resolve().parent.parent
REPLY_ATTACKS = [
    "module_config_bomb", "module_many_layers", "module_unknown_config_keys", "module_config_wrong_types",
    "zero_size_dtype", "npy_shape_lie", "npy_dtype_not_allowed", "reply_million_empty_lists",
    "huge_string_in_shape", "long_strings_in_messages", "forged_error_fields", "forged_cell_errors",
    "lone_surrogate", "many_dict_keys", "deep_nesting_forged",
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
        assert header(HOSTILE / f"{name}.py")["exercise"] in config.EXERCISES, name


def test_a_class_of_reply_attacks(tmp_path):
    """grade-all over every reply attack and an honest student: the attacks score 0, the honest
    student full marks, every report is written and small, memory stays bounded, nothing is left."""
    root, out = tmp_path / "class", tmp_path / "grades"
    for exercise in config.EXERCISES:
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
    assert float(rows["alice"]["total"]) == float(rows["alice"]["max_total"]) == 58, rows["alice"]
    sizes = {}
    for name in REPLY_ATTACKS:
        assert float(rows[name]["total"]) == 0, (name, rows[name])
        files = [*(out / "students" / name).iterdir(), *(out / "results" / name).iterdir()]
        assert {"results.json", "feedback.md", "feedback.html"} <= {f.name for f in files}, name
        sizes[name] = sum(f.stat().st_size for f in files)
    print(f"\ngrade-all peak memory: main {mib(peak['self'])}, largest child {mib(peak['children'])}; "
          f"reports per attacker: largest {max(sizes.values()) / 1024:.0f} KiB ({max(sizes, key=sizes.get)})")
    assert max(sizes.values()) < REPORT_BYTES_PER_STUDENT, sizes
    assert peak["self"] < PEAK_BYTES and peak["children"] < PEAK_BYTES, peak
    assert not temp_files(out)
    assert tree_hash(root) == submitted  # the submissions are unchanged, nothing was added to them


# One at a time with `grade -o`: every format, and one report that cannot be written.
SINGLE = ["lone_surrogate", "long_strings_in_messages", "forged_error_fields", "forged_cell_errors",
          "module_many_layers"]
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
