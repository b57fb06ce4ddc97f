"""Every report format rendered from real result objects: structure, escaping, totals."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from autograder import reports
from autograder.grading.results import ExerciseResult, Report
from autograder.grading.results import TestResult as TResult  # a Test* name would be collected
from autograder.reports import gradescope, junit, markdown, text

# Multi-line, with XML/Markdown specials, a backtick run, a colour code and a NUL XML cannot hold.
NASTY = 'expected shape (3, <batch>, 4) & got `h` | "x"\nsecond line: a ``` fence <b>\x00 & \x1b[31mred\x1b[0m'
CLEAN = 'expected shape (3, <batch>, 4) & got `h` | "x"\nsecond line: a ``` fence <b> & red'


def _test(ex: str, name: str, desc: str, max_score: float, score: float, message: str = "") -> TResult:
    return TResult(exercise=ex, name=name, description=desc, max_score=max_score, score=score,
                      passed=score == max_score and not message, message=message)


def full_marks() -> ExerciseResult:
    return ExerciseResult("numpy_rnn", "sub.ipynb", tests=[
        _test("numpy_rnn", "test_rnn_forward_shape", "rnn_forward returns (T, N, H)", 2, 2),
        _test("numpy_rnn", "test_rnn_forward_uses_h0", "rnn_forward uses h0", 1, 1),
    ], output="hello from the student\n", seconds=1.4)


def partial() -> ExerciseResult:
    return ExerciseResult("rnn_shapes", "sub.ipynb", tests=[
        _test("rnn_shapes", "test_gru_shapes", "GRU | LSTM shapes <match>", 2, 2),
        _test("rnn_shapes", "test_lstm_state", "LSTM returns (h, c)", 3, 1.5, NASTY),
    ], seconds=0.8)


def with_problems() -> ExerciseResult:
    return ExerciseResult("char_rnn", "sub.ipynb", tests=[
        _test("char_rnn", "test_train_loss_falls", "training lowers the loss", 4, 0,
              "your submission does not define train_char_rnn"),
        _test("char_rnn", "test_sample_length", "sample returns n characters", 1, 0, "NameError: model"),
    ], problems=["cell 4 raised NameError", "your submission does not define rnn_forward"], seconds=2.3)


def full_report() -> Report:
    return Report("sub.ipynb", [full_marks(), partial(), with_problems()])


REPORTS = {"full": full_report, "empty": lambda: Report("sub.ipynb")}


# --- registry ---

def test_registry_maps_every_format_to_its_renderer():
    assert reports.FORMATS == {"gradescope": gradescope.render, "junit": junit.render,
                               "markdown": markdown.render, "text": text.render}
    report = full_report()
    for fmt, fn in reports.FORMATS.items():
        assert reports.render(report, fmt) == fn(report)
    with pytest.raises(ValueError, match="unknown report format"):
        reports.render(report, "html")


@pytest.mark.parametrize("fmt", sorted(reports.FORMATS))
@pytest.mark.parametrize("which", sorted(REPORTS))
def test_every_format_renders_every_report(fmt, which):
    out = reports.render(REPORTS[which](), fmt)
    assert isinstance(out, str) and out.strip()


@pytest.mark.parametrize("fmt", sorted(reports.FORMATS))
def test_no_control_characters_in_any_format(fmt):
    out = reports.render(full_report(), fmt)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]|\\u00[01]", out)
    assert "red" in out  # the coloured text itself is kept


# --- gradescope ---

def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


@pytest.mark.parametrize("which", sorted(REPORTS))
def test_gradescope_fields_types_and_score(which):
    report = REPORTS[which]()
    data = json.loads(gradescope.render(report))
    assert set(data) == {"score", "execution_time", "output", "output_format", "tests"}
    assert _number(data["score"]) and isinstance(data["execution_time"], int)
    assert isinstance(data["output"], str) and data["output_format"] == "text"
    assert len(data["tests"]) == len(report.tests)
    for t in data["tests"]:
        assert set(t) == {"name", "name_format", "score", "max_score", "status", "output", "visibility"}
        assert _number(t["score"]) and _number(t["max_score"])
        assert t["status"] in ("passed", "failed") and t["visibility"] == "visible"
        assert t["name_format"] == "text" and isinstance(t["name"], str) and isinstance(t["output"], str)
    assert data["score"] == pytest.approx(sum(t["score"] for t in data["tests"]))
    assert data["score"] == pytest.approx(report.score)


def test_gradescope_tests_names_statuses_outputs_and_problems():
    report = full_report()
    data = json.loads(gradescope.render(report))
    assert data["score"] == pytest.approx(2 + 1 + 2 + 1.5)
    assert data["execution_time"] == round(1.4 + 0.8 + 2.3)
    by_name = {t["name"]: t for t in data["tests"]}
    assert by_name["numpy_rnn: rnn_forward uses h0"] == {
        "name": "numpy_rnn: rnn_forward uses h0", "name_format": "text", "score": 1, "max_score": 1,
        "status": "passed", "output": "", "visibility": "visible"}
    lstm = by_name["rnn_shapes: LSTM returns (h, c)"]
    assert (lstm["status"], lstm["score"], lstm["output"]) == ("failed", 1.5, CLEAN)
    for problem in with_problems().problems:
        assert problem in data["output"]


# --- junit ---

def _suites(report: Report) -> list[ET.Element]:
    root = ET.fromstring(junit.render(report))
    assert root.tag == "testsuites"
    return root.findall("testsuite")


def test_junit_suites_counts_and_points():
    report = full_report()
    root = ET.fromstring(junit.render(report))
    assert root.get("tests") == "6" and root.get("failures") == "3"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [e.exercise for e in report.exercises]
    for suite, ex in zip(suites, report.exercises):
        cases = suite.findall("testcase")
        failed = [t for t in ex.tests if not t.passed]
        assert suite.get("tests") == str(len(ex.tests)) == str(len(cases))
        assert suite.get("failures") == str(len(failed)) == str(len(suite.findall("testcase/failure")))
        assert float(suite.get("time")) == pytest.approx(ex.seconds)
        for case, t in zip(cases, ex.tests):
            assert case.get("classname") == f"autograder.{ex.exercise}" and case.get("name") == t.name
            props = {p.get("name"): p.get("value") for p in case.findall("properties/property")}
            assert float(props["points"]) == t.score and float(props["max_points"]) == t.max_score
            assert (case.find("failure") is None) == t.passed


def test_junit_special_characters_round_trip():
    suite = _suites(full_report())[1]
    failure = suite.find("testcase[@name='test_lstm_state']/failure")
    assert failure.text == CLEAN
    assert failure.get("message") == CLEAN.splitlines()[0]
    desc = suite.find("testcase[@name='test_gru_shapes']/properties/property[@name='description']")
    assert desc.get("value") == "GRU | LSTM shapes <match>"


def test_junit_system_out_holds_problems_and_output():
    suites = _suites(full_report())
    assert "hello from the student" in suites[0].find("system-out").text
    assert suites[1].find("system-out") is None
    out = suites[2].find("system-out").text
    assert all(p in out for p in with_problems().problems)


def test_junit_empty_report_and_empty_message():
    assert _suites(Report("sub.ipynb")) == []
    ex = ExerciseResult("numpy_rnn", "sub.ipynb", tests=[_test("numpy_rnn", "test_x", "x", 1, 0, "\x01\n")])
    ex.tests[0].passed = False
    failure = _suites(Report("sub.ipynb", [ex]))[0].find("testcase/failure")
    assert failure.get("message") == failure.text == "test failed"


# --- markdown ---

def _tables(md: str) -> list[list[str]]:
    tables, current = [], []
    for line in md.splitlines() + [""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    return tables


def test_markdown_tables_are_well_formed():
    report = full_report()
    md = markdown.render(report)
    tables = _tables(md)
    assert len(tables) == len(report.exercises)
    for table, ex in zip(tables, report.exercises):
        assert len(table) == 2 + len(ex.tests)  # header, delimiter, one row per test
        counts = {len(re.findall(r"(?<!\\)\|", row)) for row in table}
        assert counts == {4}, table
        for row, t in zip(table[2:], ex.tests):
            assert row.startswith("| ✅" if t.passed else "| ❌")
            assert row.endswith(f"{t.score:g} / {t.max_score:g} |")
    assert md.startswith("## Autograder: 6.5 / 13\n")


def test_markdown_messages_below_tables_in_fences_and_problems_listed():
    md = markdown.render(full_report())
    assert "second line" not in "\n".join(row for table in _tables(md) for row in table)
    # The message sits verbatim in a fence longer than the ``` it contains.
    assert f"````text\n{CLEAN}\n````" in md
    assert md.count("<details>") == md.count("</details>") == 3 + 1  # 3 failures, 1 output
    for problem in with_problems().problems:
        assert f"- {problem.replace('_', chr(92) + '_')}" in md


def test_markdown_empty_report():
    md = markdown.render(Report("sub.ipynb"))
    assert _tables(md) == [] and "No exercises were graded" in md


# --- text ---

def test_text_mentions_every_test_and_problem():
    report = full_report()
    out = text.render(report)
    lines = out.splitlines()
    for t in report.tests:
        [line] = [line for line in lines if line.endswith(t.description)]
        assert line.split()[0] == ("PASS" if t.passed else "FAIL")
        assert f"{t.score:g} / {t.max_score:g}" in line
    assert sum(line.lstrip().startswith("FAIL") for line in lines) == 3
    for problem in with_problems().problems:
        assert f"    - {problem}" in lines
    assert "\x1b" not in out and "\x00" not in out


def test_text_failure_messages_indented_below_their_test():
    lines = text.render(full_report()).splitlines()
    i = lines.index("  FAIL  1.5 / 3  LSTM returns (h, c)")
    assert lines[i + 1] == "        " + CLEAN.splitlines()[0]
    assert lines[i + 2] == "        " + CLEAN.splitlines()[1]
    assert "No exercises were graded." in text.render(Report("sub.ipynb"))


def test_text_multi_line_problem_stays_in_its_list_item():
    ex = ExerciseResult("char_rnn", "sub.ipynb", problems=["Traceback:\n  File x\nNameError: y", "timeout"])
    lines = text.render(Report("sub.ipynb", [ex])).splitlines()
    i = lines.index("  Problems:")
    assert lines[i + 1:] == ["    - Traceback:", "        File x", "      NameError: y", "    - timeout"]


# --- not attempted, as the grader recorded it ---

NOTE = "numpy_rnn (1).ipynb also looks like numpy_rnn; NumPy_RNN.ipynb was graded"
REFUSED = "two files look like numpy_rnn: NumPy_RNN.ipynb, numpy_rnn (1).ipynb"


def refused(attempted: bool) -> ExerciseResult:
    """Every test failed with the refusal, a matching note before it: as the plugin records a refusal
    (attempted=False), or the same failures of a file that was handed in and loaded."""
    return ExerciseResult("numpy_rnn", "sub.ipynb", problems=[NOTE, REFUSED], attempted=attempted, tests=[
        _test("numpy_rnn", "test_rnn_forward_shape", "rnn_forward returns (T, N, H)", 2, 0, REFUSED),
        _test("numpy_rnn", "test_rnn_forward_uses_h0", "rnn_forward uses h0", 1, 0, REFUSED)])


def test_a_result_records_whether_it_was_attempted_and_keeps_it_when_stored():
    from autograder.batch.store import result_from_dict

    for attempted in (True, False):
        data = json.loads(json.dumps(refused(attempted).to_dict()))
        assert data["attempted"] is attempted
        assert result_from_dict(data) == refused(attempted)
    assert ExerciseResult("numpy_rnn", "sub.ipynb").attempted, "attempted unless the grader says not"


def test_markdown_collapses_what_the_grader_recorded_not_attempted_with_its_reason():
    md = markdown.render(Report("sub.ipynb", [refused(False)]))
    assert "### numpy\\_rnn: 0 / 3 (not attempted)" in md
    assert md.count("two files look like numpy\\_rnn") == 1 and _tables(md) == [], "one line, no table"
    attempted = markdown.render(Report("sub.ipynb", [refused(True)]))  # two problems: not one reason
    assert "(not attempted)" not in attempted and len(_tables(attempted)) == 1
