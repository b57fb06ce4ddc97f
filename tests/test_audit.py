"""`autograder audit` as an instructor runs it after changing the graders: a real process, real
sandbox, exit statuses and the JSON it writes.

Kept cheap: the smallest exercise (rnn_shapes); the edited kits are copies of the package run with
PYTHONPATH (no reinstall), whose catalogue keeps three bugs and whose unusual/ one solution.
"""
from __future__ import annotations

import ast
import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.audit import audit_exercise, catalogue_error, checked_catalogue, summary
from autograder.cli import parser
from autograder.exercises import get, names, points_in
from conftest import ROOT

EXERCISE = get("rnn_shapes")
KEPT_BUGS = ("returns_lists", "numpy_int_shapes", "swapped_results")
TUPLES_TEST = "test_rnn_output_shapes_are_tuples_of_ints"  # must_fail of the first two bugs only


def audit(*args: str, kit: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(kit)} if kit != ROOT else None
    return subprocess.run([sys.executable, "-m", "autograder", "audit", *map(str, args)], cwd=kit, env=env,
                          capture_output=True, text=True, timeout=600)


def lines_of(done: subprocess.CompletedProcess) -> list[str]:
    return [line.strip() for line in done.stdout.splitlines()]


def test_audit_of_one_exercise_end_to_end(tmp_path):
    out = tmp_path / "audit.json"
    done = audit("--exercise", "rnn_shapes", "--seeds", "2", "--fail-under", "1", "--json", out, "--jobs", "1")
    assert done.returncode == 0, done.stdout + done.stderr
    bugs, solutions = len(EXERCISE.bugs()), 1 + len(EXERCISE.unusual())
    lines = lines_of(done)
    assert lines[0].startswith(f"rnn_shapes: {bugs} catalogued bugs, {solutions} correct solutions "
                               f"(the reference and {solutions - 1} unusual), seeds 2, ")
    assert lines[1:5] == [f"mutation score: {bugs}/{bugs}", "escaped bugs: none",
                          "correct solutions that lost points: none",
                          f"flake rate: 0/{2 * solutions} gradings of correct code lost points "
                          f"(seed shift 0: 0/{solutions}, seed shift 1: 0/{solutions})"]
    assert f"audit of 1 exercises: mutation score {bugs}/{bugs}, 0 false failures" in done.stdout
    report = json.loads(out.read_text())
    assert report["passed"] and report["seeds"] == 2 and report["failures"] == []
    [exercise] = report["exercises"]
    assert (exercise["exercise"], exercise["caught"], exercise["total"], exercise["mutation_score"]) == \
        ("rnn_shapes", bugs, bugs, 1.0)
    assert all(b["caught"] and b["lost"] and not b["escaped"] and not b["error"] for b in exercise["bugs"])
    assert sorted((c["name"], c["seed_shift"]) for c in exercise["correct"]) == sorted(
        (name, shift) for name in ["reference", *(p.name for p in EXERCISE.unusual())] for shift in (0, 1))
    assert all(c["full_marks"] for c in exercise["correct"])
    assert exercise["flake"] == [{"seed_shift": s, "lost_points": 0, "graded": solutions} for s in (0, 1)]


def without_seconds(audit) -> tuple[dict, list[str]]:
    """The audit's JSON and printed summary, less the times it took."""
    timeless = dataclasses.replace(audit, seconds=0.0)
    return timeless.to_dict(), summary(timeless)


def test_parallel_audit_equals_the_sequential_one(audited, zygote):
    """The test fixture's audit (`audited`: two workers, several sessions) has the same verdicts,
    messages, flake figures and order as one process grading one session (the seed shifts reaching
    the workers: test_a_grader_flaky_over_seeds_shows_in_the_flake_rate)."""
    parallel = audited(EXERCISE.name)
    assert without_seconds(parallel) == without_seconds(audit_exercise(EXERCISE, zygote))
    assert [b.name for b in parallel.bugs] == [b.name for b in EXERCISE.bugs()]
    assert [c.name for c in parallel.correct] == ["reference", *(p.name for p in EXERCISE.unusual())]
    assert all(b.caught and b.lost for b in parallel.bugs)


# ---------------------------------------------------------------- edited kits (temp copies)

@pytest.fixture
def kit(tmp_path) -> Path:
    """A copy of the kit whose rnn_shapes catalogue keeps KEPT_BUGS and whose unusual/ one solution."""
    copy = tmp_path / "kit"
    for folder in ("autograder", "solutions", "assignments"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    package = copy / "autograder" / "exercises" / "rnn_shapes"
    with open(package / "catalogue.py", "a", encoding="utf-8") as catalogue:
        catalogue.write(f"\nBUGS = [bug for bug in BUGS if bug.name in {KEPT_BUGS!r}]\n")
    for path in EXERCISE.unusual()[1:]:
        (package / "unusual" / path.name).unlink()
    return copy


def graders_of(kit: Path) -> Path:
    return kit / "autograder" / "exercises" / "rnn_shapes" / "test_rnn_shapes.py"


def weaken(graders: Path, test: str) -> None:
    """Replace the body of a grader test (after its docstring) by `pass`."""
    lines = graders.read_text(encoding="utf-8").splitlines(keepends=True)
    node = next(n for n in ast.parse("".join(lines)).body if isinstance(n, ast.FunctionDef) and n.name == test)
    body = node.body[1:] if ast.get_docstring(node) else node.body
    indent = " " * body[0].col_offset
    lines[body[0].lineno - 1:body[-1].end_lineno] = [f"{indent}pass\n"]
    graders.write_text("".join(lines), encoding="utf-8")


def test_a_weakened_grader_lowers_the_mutation_score_and_fails_fail_under(kit, tmp_path):
    weaken(graders_of(kit), TUPLES_TEST)
    out = tmp_path / "audit.json"
    done = audit("--exercise", "rnn_shapes", "--fail-under", "0.95", "--json", out, kit=kit)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = lines_of(done)
    assert "mutation score: 1/3" in lines and "escaped bugs: 2" in lines
    for name in KEPT_BUGS[:2]:
        escaped = next(line for line in lines if line.startswith(f"{name} ("))
        assert escaped.endswith(f"kept its points on {TUPLES_TEST}, which should have caught it"), escaped
    assert "FAILED rnn_shapes: mutation score 1/3 is below --fail-under 0.95" in lines
    report = json.loads(out.read_text())
    verdicts = {b["name"]: b for b in report["exercises"][0]["bugs"]}
    assert {n: v["escaped"] for n, v in verdicts.items()} == {**{n: [TUPLES_TEST] for n in KEPT_BUGS[:2]},
                                                               "swapped_results": []}
    assert not report["passed"] and report["exercises"][0]["mutation_score"] == pytest.approx(1 / 3)


def test_a_correct_solution_losing_points_fails_the_audit(kit):
    wrong = EXERCISE.reference.read_text().replace("return tuple(output.shape), tuple(h_n.shape)",
                                                   "return list(output.shape), list(h_n.shape)")
    (kit / "autograder" / "exercises" / "rnn_shapes" / "unusual" / "lists.py").write_text(
        "# Unusual: claims to be correct, returns lists\n" + wrong)
    done = audit("--exercise", "rnn_shapes", kit=kit)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = lines_of(done)
    assert "mutation score: 3/3" in lines and "correct solutions that lost points: 1" in lines
    lost = next(line for line in lines if line.startswith("lists.py (seed shift 0) "))
    assert lost.startswith(f"lists.py (seed shift 0) {TUPLES_TEST}: ") and "tuple" in lost, lost
    assert "FAILED rnn_shapes: 1 gradings of correct code lost points" in lines


def test_a_grader_flaky_over_seeds_shows_in_the_flake_rate(kit, tmp_path):
    """The seed shift reaches the graders (on two workers, each session at one shift): a test that fails
    on every shift but 0 is a false failure there."""
    with open(graders_of(kit), "a", encoding="utf-8") as graders:
        graders.write('\n\n@points(1)\ndef test_only_seed_zero(student, seed_shift):\n'
                      '    assert seed_shift == 0, f"drew other inputs with seed shift {seed_shift}"\n')
    out = tmp_path / "audit.json"
    done = audit("--exercise", "rnn_shapes", "--seeds", "3", "--json", out, "--jobs", "2", kit=kit)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = lines_of(done)
    assert ("flake rate: 4/6 gradings of correct code lost points "
            "(seed shift 0: 0/2, seed shift 1: 2/2, seed shift 2: 2/2)") in lines
    assert "reference (seed shift 2) test_only_seed_zero: drew other inputs with seed shift 2" in lines
    flake = json.loads(out.read_text())["exercises"][0]["flake"]
    assert [f["lost_points"] for f in flake] == [0, 2, 2]


def test_a_broken_catalogue_entry_is_reported_not_a_crash(kit, tmp_path):
    with open(kit / "autograder" / "exercises" / "rnn_shapes" / "catalogue.py", "a", encoding="utf-8") as f:
        f.write('BUGS += [Bug("stale_old", "return rnn_shapes_of_the_past", "return None", '
                '("test_make_rnn_defaults",), "its old text is no longer in the reference"),\n'
                '         Bug("renamed_test", "batch_first=True)", "batch_first=False)", '
                '("test_make_rnn_defaults", "test_no_such_grader"), "names a test the graders lost")]\n')
    out = tmp_path / "audit.json"
    done = audit("--exercise", "rnn_shapes", "--json", out, kit=kit)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    lines = lines_of(done)
    assert "mutation score: 3/5" in lines and "catalogue errors (counted as not caught):" in lines
    assert ("bug stale_old of rnn_shapes: its old text 'return rnn_shapes_of_the_past' is not in the reference "
            "solutions/rnn_shapes.py; update the entry") in lines
    assert any(line.startswith("bug renamed_test of rnn_shapes: must_fail names test_no_such_grader, which the "
                               "graders do not have") for line in lines), lines
    assert "FAILED rnn_shapes: 2 catalogue errors" in lines
    errors = {b["name"]: b["error"] for b in json.loads(out.read_text())["exercises"][0]["bugs"] if b["error"]}
    assert set(errors) == {"stale_old", "renamed_test"}


def test_catalogue_errors_that_need_no_grading():
    """A must_fail written as a string (a missing comma), a duplicated name, an edit that changes nothing,
    a catalogue that cannot be imported: each a clear catalogue error, found before anything is graded."""
    tests = set(points_in(EXERCISE.graders))
    bug = EXERCISE.bugs()[0]
    entries = [dataclasses.replace(bug, name="comma", must_fail=bug.must_fail[0]), bug, bug,
               dataclasses.replace(bug, name="no_edit", new=bug.old)]
    found = [catalogue_error(entry, EXERCISE, tests, {e.name for e in entries[:i]}) for i, entry in enumerate(entries)]
    assert found == [f"bug comma of rnn_shapes: must_fail is a string, not a tuple of test names "
                     f"(a missing comma: (\"{bug.must_fail[0]}\",))", "",
                     f"bug {bug.name} of rnn_shapes: an earlier entry has this name",
                     "bug no_edit of rnn_shapes: its new text is its old text, so it is the reference itself"]
    assert [error for _, error in checked_catalogue(EXERCISE, tests)] == [""] * len(EXERCISE.bugs())
    [(_, unreadable)] = checked_catalogue(dataclasses.replace(EXERCISE, name="no_such_exercise"), tests)
    assert unreadable.startswith("no_such_exercise's catalogue.py could not be read: ModuleNotFoundError: ")


# ---------------------------------------------------------------- the command line itself

@pytest.mark.parametrize("args", [["--exercise", "no_such_exercise"], ["--fail-under", "1.5"],
                                  ["--fail-under", "95%"], ["--seeds", "0"], ["--seeds", "two"],
                                  ["--jobs", "0"]])
def test_misuse_exits_2(args, capsys):
    with pytest.raises(SystemExit) as exit:
        parser().parse_args(["audit", *args])
    assert exit.value.code == 2 and "usage: autograder audit" in capsys.readouterr().err


def test_every_option_has_help():
    command = parser()._subparsers._group_actions[0].choices["audit"]
    options = [a for a in command._actions if a.option_strings and a.dest != "help"]
    assert {a.dest for a in options} == {"exercise", "seeds", "jobs", "fail_under", "json"}
    assert all(a.help for a in options)
    assert next(a for a in options if a.dest == "exercise").choices == names()
    assert "--jobs N" in command.format_help()
    assert next(a for a in options if a.dest == "jobs").default == (os.cpu_count() or 1)  # as grade-all's
