"""Class reports written from real result objects: every file exists, the gradebook agrees with the
students' results, pages are escaped and self-contained, links resolve, the summary groups who failed
what, and the PNGs are real plots of the curves the graders recorded."""
from __future__ import annotations

import csv
import json
import math
import re
import shutil
import tomllib
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path
import os
from urllib.parse import unquote, unquote_to_bytes, urlsplit

import numpy as np
import pytest
from packaging.requirements import Requirement

from autograder.exercises import names as exercise_names
from autograder.grading.results import ExerciseResult, Report
from autograder.grading.results import TestResult as TResult  # a Test* name would be collected
from autograder.reports import classroom, curves, plots, summary, templating
from autograder.reports.templating import percent

import matplotlib.image as matplotlib_image  # noqa: E402  (the `reports` extra, which `make test` installs)

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "<script>alert('x')</script>"
MESSAGE = f'expected shape (3, 4) & got (4, 3): {SCRIPT} "quoted"\nsecond line & more'
LIMIT = "timeout in rnn_forward"
FLOOD = "printed 52428800 bytes (limit 16 KiB) <flood> & more"
PROBLEM = "cell 4 raised NameError: name 'np' is not defined"
ODD = "o'neil & co #1"  # a student id that needs escaping in HTML and quoting in URLs
STUB = "{} is not implemented yet (it raises NotImplementedError)"
TRANSPOSED = "the recurrent weight is transposed: your states equal what `Wh.T @ h` gives"


def _test(ex: str, name: str, description: str, max_score: float, passed: bool, message: str = "",
          misconception: str = "") -> TResult:
    return TResult(exercise=ex, name=name, description=description, max_score=max_score,
                   score=max_score if passed else 0, passed=passed, message="" if passed else message,
                   misconception="" if passed else misconception)


def numpy_rnn(*passed: bool, limits=(), seconds=1.0, message="wrong", misconception="", submission=None,
              data=None) -> ExerciseResult:
    a, b = passed
    return ExerciseResult("numpy_rnn", submission or "submitted/x/numpy_rnn.ipynb", tests=[
        _test("numpy_rnn", "test_rnn_forward_shape", "`rnn_forward` returns (T, N, H)", 2, a, message,
              misconception),
        _test("numpy_rnn", "test_rnn_forward_uses_h0", "rnn_forward uses h0 & <its> input", 3, b, message,
              misconception),
    ], limits=list(limits), seconds=seconds, data=data or {})


def loss_curve(student: list[float], reference: list[float] | None = None) -> dict:
    """A curve as the data contract has it: the grader recorded both series."""
    reference = reference or [2.0 * math.exp(-epoch / 10) + 0.002 for epoch in range(100)]
    return {"title": "Training loss (seed 0)", "x_label": "epoch", "y_label": "cross-entropy loss",
            "series": [{"label": "your train_char_rnn()", "role": "student", "values": student},
                       {"label": "reference", "role": "reference", "values": reference}]}


def char_rnn(passed: bool, curve=None, problems=(), seconds=5.0) -> ExerciseResult:
    data = {"curve": curve} if curve is not None else {}
    return ExerciseResult("char_rnn", "submitted/x/char_rnn.ipynb", tests=[
        _test("char_rnn", "test_train_learns_apple", "train_char_rnn learns 'apple' -> 'pple!'", 5, passed,
              "after train_char_rnn(...) the net predicts 'ppppp'"),
        _test("char_rnn", "test_uses_cross_entropy", "the loss is nn.CrossEntropyLoss on logits", 1, True),
    ], problems=list(problems), data=data, seconds=seconds)


def untouched(exercise: str, functions: list[str]) -> ExerciseResult:
    """As the released stubs grade: every test fails on a function that raises NotImplementedError."""
    return ExerciseResult(exercise, f"submitted/x/{exercise}.ipynb", tests=[
        _test(exercise, f"test_{f}_{i}", f"{f} behaviour {i}", 1, False, STUB.format(f))
        for f in functions for i in range(3)])


STUDENT_LOSSES = [2.0 * math.exp(-epoch / 15) + 0.01 for epoch in range(100)]

REPORTS = {
    "ada": Report("ada", [numpy_rnn(True, True, seconds=0.5), char_rnn(True, loss_curve(STUDENT_LOSSES), seconds=7.5)]),
    "ben": Report("ben", [numpy_rnn(False, True, message=MESSAGE, seconds=2.0), char_rnn(False, seconds=3.0)]),
    "cy": Report("cy", [numpy_rnn(False, False, limits=[LIMIT, FLOOD], seconds=31.0,
                                  message="rnn_forward: row 1 differs (largest difference 0.25)",
                                  misconception=TRANSPOSED),
                        char_rnn(False, problems=[PROBLEM, "your submission does not define train_char_rnn"],
                                 seconds=0.2)]),
    "dee": Report("dee", [numpy_rnn(False, True, message="rnn_forward: row 1 differs (largest difference 0.31)",
                                    misconception=TRANSPOSED),
                          untouched("char_rnn", ["build_vocab", "train_char_rnn"])]),
    ODD: Report(ODD, [numpy_rnn(True, True, seconds=1.5), char_rnn(True, loss_curve([0.5] * 100), seconds=4.0)]),
}
WITH_PLOT = {"ada", ODD}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("class-reports")
    page = classroom.write_class_reports(REPORTS, folder)
    assert page == folder / "summary.html"
    return folder


class Page(HTMLParser):
    """What a page holds: its tags, its text, table rows (cell texts) under each <h2>, link targets."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.rows: dict[str, list[list[str]]] = {}
        self._h2 = self._cell = self._row = None
        self.section = ""
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "h2":
            self._h2 = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "h2" and self._h2 is not None:
            self.section, self._h2 = "".join(self._h2).strip(), None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.setdefault(self.section, []).append(self._row)
            self._row = None

    def handle_data(self, data):
        self.text.append(data)
        for part in (self._h2, self._cell):
            if part is not None:
                part.append(data)

    @property
    def all_text(self) -> str:
        return "".join(self.text)

    def links(self) -> list[str]:
        return [a.get("href") or a.get("src") for tag, a in self.tags if tag in ("a", "img", "link", "script")
                if a.get("href") or a.get("src")]

    def section_rows(self, prefix: str) -> list[list[str]]:
        return next(rows for title, rows in self.rows.items() if title.startswith(prefix))


def load(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def assert_self_contained(path: Path) -> None:
    """No scripts, no external resources; every relative link or image exists."""
    text = path.read_text(encoding="utf-8")
    page = Page(text)
    assert "<script" not in text.lower()
    assert not {tag for tag, _ in page.tags} & {"script", "iframe", "object", "embed", "link", "base"}
    assert not any(name.startswith("on") for _, attrs in page.tags for name in attrs), "no event handlers"
    for target in page.links():
        parts = urlsplit(target)
        assert not parts.scheme and not parts.netloc, f"{path.name} refers outside: {target}"
        if parts.path:
            target_path = path.parent / os.fsdecode(unquote_to_bytes(parts.path))
            assert target_path.exists(), f"{path.name} links to missing {target}"


def student_dir(out: Path, student: str) -> Path:
    return out / "students" / student


# --- files ---

def test_every_report_file_exists(out):
    for name in ("grades.csv", "summary.html", "summary.md", "histogram.png"):
        assert (out / name).is_file(), name
    for student in REPORTS:
        folder = student_dir(out, student)
        for name in ("results.json", "feedback.md", "feedback.html"):
            assert (folder / name).is_file(), (student, name)
        assert (folder / "curve-char_rnn.png").is_file() == (student in WITH_PLOT), student
        assert not (folder / "loss.png").exists()
    assert {p.name for p in (out / "students").iterdir()} == set(REPORTS)
    assert not list(out.glob(".*")), "nothing cached: reports compute nothing"


def test_gradebook_agrees_with_every_students_results(out):
    with open(out / "grades.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["student"] for row in rows] == sorted(REPORTS)
    for row in rows:
        report = REPORTS[row["student"]]
        results = json.loads((student_dir(out, row["student"]) / "results.json").read_text())
        assert float(row["total"]) == report.score == results["score"]
        assert float(row["max_total"]) == report.max_score
        assert results["score"] == sum(t["score"] for t in results["tests"])
        for e in report.exercises:
            assert float(row[e.exercise]) == e.score
        assert float(row["total"]) == sum(float(row[e.exercise]) for e in report.exercises)
    assert [float(row["total"]) for row in rows] == [11, 4, 1, 3, 11]  # ada, ben, cy, dee, o'neil: by hand


# --- feedback pages ---

def test_feedback_html_escapes_messages_and_lists_every_test(out):
    path = student_dir(out, "ben") / "feedback.html"
    text = path.read_text(encoding="utf-8")
    assert "&lt;script&gt;" in text and "&amp;" in text and SCRIPT not in text
    page = Page(text)
    assert MESSAGE in page.all_text  # escaped, so it reads back exactly as the grader wrote it
    assert_self_contained(path)
    rows = [row for rows in page.rows.values() for row in rows if len(row) == 3 and row[0] in ("✓", "✗")]
    tests = sorted(REPORTS["ben"].tests, key=lambda t: exercise_names().index(t.exercise))  # the unit's order
    assert len(rows) == len(tests) == 4
    for (mark, cell, pts), t in zip(rows, tests):
        assert mark == ("✓" if t.passed else "✗") and pts == f"{t.score:g} / {t.max_score:g}"
        assert cell.startswith(t.description.replace("`", "")) and (t.passed or cell.endswith(t.message)), cell
    assert [t for t, _ in page.tags].count("pre") == sum(not t.passed for t in REPORTS["ben"].tests)
    assert "Total 4 / 11" in page.all_text


def test_feedback_links_back_to_the_summary_and_to_the_graded_file(tmp_path):
    graded = tmp_path / "submitted" / "eve" / "numpy_rnn.ipynb"
    graded.parent.mkdir(parents=True)
    graded.write_text("{}")
    report = Report("eve", [numpy_rnn(True, False, submission=str(graded))])
    classroom.write_class_reports({"eve": report}, tmp_path / "out")
    for name in ("feedback.html", "feedback.md"):
        path = tmp_path / "out" / "students" / "eve" / name
        text = path.read_text()
        targets = Page(text).links() if name.endswith(".html") else re.findall(r"\]\(([^)]+)\)", text)
        resolved = {(path.parent / unquote(t)).resolve() for t in targets}
        assert graded.resolve() in resolved, targets
        assert (tmp_path / "out" / ("summary" + path.suffix)).resolve() in resolved, targets
    assert_self_contained(tmp_path / "out" / "students" / "eve" / "feedback.html")
    graded.unlink()  # the file is gone, or a link: the page names it but links nowhere
    for present in (False, True):
        if present:
            graded.symlink_to("/etc/passwd")
        classroom.write_class_reports({"eve": report}, tmp_path / "out")
        page = load(tmp_path / "out" / "students" / "eve" / "feedback.html")
        assert "numpy_rnn.ipynb" in page.all_text and not any("ipynb" in t or "passwd" in t for t in page.links())


def test_feedback_says_an_identical_message_once(tmp_path):
    result = untouched("numpy_rnn", ["rnn_cell_step", "rnn_forward"])
    result.tests[0] = _test("numpy_rnn", "test_init", "init_rnn_params works", 1, True)  # attempted
    classroom.write_class_reports({"fay": Report("fay", [result])}, tmp_path)
    page = load(tmp_path / "students" / "fay" / "feedback.html")
    pres = [tag for tag, _ in page.tags].count("pre")
    assert pres == 2, "one box per distinct message, not one per test"
    assert page.all_text.count("Same failure as") == 3  # rnn_cell_step 2, rnn_forward 2 of 3 tests
    md = (tmp_path / "students" / "fay" / "feedback.md").read_text()
    assert md.count("```text") == 2 and md.count("same failure as") == 3


def test_not_attempted_exercises_are_one_line(out):
    page = load(student_dir(out, "dee") / "feedback.html")
    text = page.all_text
    assert "Not attempted: every test fails on a function that still raises NotImplementedError" in text
    assert STUB.format("train_char_rnn") not in text, "no red box per test"
    assert [t for t, _ in page.tags].count("pre") == 1, "numpy_rnn's one failure only"
    md = (student_dir(out, "dee") / "feedback.md").read_text()
    assert "(not attempted)" in md and "NotImplementedError)" not in md


def test_feedback_html_shows_the_curve_problems_and_limits(out):
    ada = Page((student_dir(out, "ada") / "feedback.html").read_text())
    assert ("img", "curve-char_rnn.png") in [(tag, a.get("src")) for tag, a in ada.tags]
    assert "Training loss (seed 0): your train_char_rnn() against reference." in ada.all_text
    for student in REPORTS:
        path = student_dir(out, student) / "feedback.html"
        has_img = any(tag == "img" for tag, _ in load(path).tags)
        assert has_img == (student in WITH_PLOT), student
        assert_self_contained(path)
    cy = load(student_dir(out, "cy") / "feedback.html").all_text
    for item in (LIMIT, FLOOD, PROBLEM):
        assert item in cy
    assert "Sandbox limits hit" in cy and "Problems" in cy
    md = (student_dir(out, "cy") / "feedback.md").read_text()
    assert "cell 4 raised NameError" in md


def test_test_descriptions_show_code_not_backticks(out):
    for path in [out / "summary.html", student_dir(out, "ben") / "feedback.html"]:
        text = path.read_text()
        assert "<code>rnn_forward</code> returns (T, N, H)" in text, path
        assert "`" not in load(path).all_text.replace(MESSAGE, ""), path
    assert "| `rnn_forward` returns (T, N, H) |" in (out / "summary.md").read_text()
    assert "`rnn_forward` returns (T, N, H)" in (student_dir(out, "ben") / "feedback.md").read_text()


# --- summary ---

def test_summary_lists_every_test_in_notebook_order_with_its_pass_rate(out):
    path = out / "summary.html"
    assert_self_contained(path)
    page = load(path)
    sections = [title for title in page.rows if title.startswith("Tests of ")]
    assert sections == ["Tests of numpy_rnn", "Tests of char_rnn"]  # the registry's order
    expected = {}
    for report in REPORTS.values():
        for t in report.tests:
            passed, graded = expected.get((t.exercise, t.description), (0, 0))
            expected[(t.exercise, t.description)] = (passed + t.passed, graded + 1)
    seen = []
    for title in sections:
        exercise = title.removeprefix("Tests of ")
        for row in page.rows[title][1:]:
            if len(row) != 5:
                continue  # a test's failures, below it
            description, pts, rate, passed, not_handed_in = row
            description = next(d for e, d in expected if e == exercise and d.replace("`", "") == description)
            p, n = expected[(exercise, description)]
            assert rate == percent(p / n) and passed == f"{p} / {n}", (exercise, description)
            assert not_handed_in == "0", "every student of REPORTS handed in every exercise"
            seen.append((exercise, description))
    graders_order = [(t.exercise, t.description) for t in [*REPORTS["ada"].tests, *REPORTS["dee"].exercises[1].tests]]
    assert seen == graders_order, "tests in the graders' (notebook's) order, not by pass rate"
    assert ("img", "histogram.png") in [(tag, a.get("src")) for tag, a in page.tags]


def test_summary_shows_who_failed_each_test_and_their_grouped_messages(out):
    page = load(out / "summary.html")
    rows = page.rows["Tests of numpy_rnn"]
    failures = [row for row in rows if len(row) == 1]
    first = failures[0][0]  # `rnn_forward` returns (T, N, H): ben, cy and dee failed it
    assert first.startswith("3 failed: ben, cy, dee"), first
    # cy's and dee's messages differ only in a number: one group of 2, then ben's
    assert "2× cy, dee (numbers differ between them; the first is shown)" in first
    assert first.index("largest difference 0.25") < first.index(MESSAGE)
    assert "1× ben" in first
    text = (out / "summary.md").read_text()
    assert "3 failed" in text and "**2×**" in text


def test_summary_names_misconceptions_across_the_class(out):
    page = load(out / "summary.html")
    text = page.all_text
    assert "Misconceptions" in text
    assert "2 students: the recurrent weight is transposed: your states equal what Wh.T @ h gives" in text
    assert "<code>Wh.T @ h</code>" in (out / "summary.html").read_text()
    assert "2 students: the recurrent weight is transposed" in (out / "summary.md").read_text()
    for name in ("feedback.html", "feedback.md"):  # and on the student's own page
        assert "Likely mistake: the recurrent weight is transposed" in (student_dir(out, "dee") / name).read_text()
    assert "Likely mistake" not in (student_dir(out, "ben") / "feedback.html").read_text()


def test_summary_collapses_not_attempted_and_leaves_them_out_of_failures(out):
    page = load(out / "summary.html")
    rows = page.rows["Tests of char_rnn"]
    assert f"{UNTOUCHED_LINE}: dee. They count as failed in the pass rates" in page.all_text
    assert not any("NotImplementedError" in cell for row in rows for cell in row)
    students = {row[0]: row for row in page.section_rows("Students")[1:]}
    assert students["dee"][2] == "0*"


NOT_HANDED_IN_LINE = "Not handed in ({}: no file, an unreadable or a refused one)"
UNTOUCHED_LINE = "Not attempted (1: handed in, but every test fails for one reason, e.g. the stubs untouched)"
MISSING = "no file char_rnn.ipynb was submitted"
UNREADABLE = "char_rnn.ipynb is not a notebook (not valid JSON)"


def not_handed_in(result: ExerciseResult, reason: str) -> ExerciseResult:
    """`result`'s tests as the grading plugin records them for a file not handed in (or unreadable):
    every test failed with the reason, and the result not attempted."""
    return ExerciseResult(result.exercise, result.submission, problems=[reason], attempted=False, tests=[
        _test(t.exercise, t.name, t.description, t.max_score, False, reason) for t in result.tests])


def untouched_char_rnn() -> ExerciseResult:
    return ExerciseResult("char_rnn", "submitted/x/char_rnn.ipynb", tests=[
        _test(t.exercise, t.name, t.description, t.max_score, False, STUB.format("train_char_rnn"))
        for t in char_rnn(False).tests])


# Everyone handed in numpy_rnn; of char_rnn cal handed in nothing, dot an unreadable file, eve the stubs.
PARTLY_HANDED_IN = {
    "amy": Report("amy", [numpy_rnn(True, True), char_rnn(True)]),
    "bo": Report("bo", [numpy_rnn(True, False), char_rnn(False)]),
    "cal": Report("cal", [numpy_rnn(False, False), not_handed_in(char_rnn(True), MISSING)]),
    "dot": Report("dot", [numpy_rnn(True, True), not_handed_in(char_rnn(True), UNREADABLE)]),
    "eve": Report("eve", [numpy_rnn(True, True), untouched_char_rnn()]),
}


def test_summary_pass_rates_leave_out_who_did_not_hand_the_exercise_in(tmp_path):
    classroom.write_class_reports(PARTLY_HANDED_IN, tmp_path)
    page = load(tmp_path / "summary.html")
    assert_self_contained(tmp_path / "summary.html")
    tests = {title: [row for row in rows[1:] if len(row) == 5] for title, rows in page.rows.items()
             if title.startswith("Tests of ")}
    # By hand: numpy_rnn's first test passed by amy, bo, dot, eve of 5; its second by amy, dot, eve.
    # char_rnn: 3 handed in a file that loaded (amy, bo, eve: eve's stubs fail); cal and dot did not.
    assert tests == {
        "Tests of numpy_rnn": [["rnn_forward returns (T, N, H)", "2", "80%", "4 / 5", "0"],
                               ["rnn_forward uses h0 & <its> input", "3", "60%", "3 / 5", "0"]],
        "Tests of char_rnn": [["train_char_rnn learns 'apple' -> 'pple!'", "5", "33%", "1 / 3", "2"],
                              ["the loss is nn.CrossEntropyLoss on logits", "1", "67%", "2 / 3", "2"]],
    }
    exercises = page.section_rows("Scores")[1:]
    assert [row[0] for row in exercises] == ["numpy_rnn", "char_rnn"]
    assert [row[-2:] for row in exercises] == [["5 / 5", "0"], ["3 / 5", "3"]]  # handed in; not attempted
    text = page.all_text
    assert (f"{NOT_HANDED_IN_LINE.format(2)}: cal, dot. Pass rates are over the 3 who handed in a file "
            "that loaded.") in text
    assert f"{UNTOUCHED_LINE}: eve." in text
    failures = [row[0] for row in page.rows["Tests of char_rnn"] if len(row) == 1]
    assert failures == [next(f for f in failures if f.startswith("1 failed: bo"))], failures
    assert MISSING not in "".join(failures) and UNREADABLE not in "".join(failures), "not failures"
    assert "Submissions to look at (0)" in text, "nothing to look at: no limit, no problem"
    students = {row[0]: row[1:] for row in page.section_rows("Students")[1:]}
    assert students["cal"] == ["0", "0*", "0"] and students["dot"] == ["5", "0*", "5"]
    assert students["bo"] == ["2", "1", "3"]
    md = (tmp_path / "summary.md").read_text()
    assert "| train\\_char\\_rnn learns 'apple' -\\> 'pple!' | 5 | 33% | 1 / 3 | 2 |" in md
    assert "| the loss is nn.CrossEntropyLoss on logits | 1 | 67% | 2 / 3 | 2 |" in md
    assert "| rnn\\_forward uses h0 \\& \\<its\\> input | 3 | 60% | 3 / 5 | 0 |" in md
    assert "| char\\_rnn | 1.4 / 6 | 0 | 1 / 5 | 3 / 5 | 3 |" in md  # mean, median: of every score
    assert f"{NOT_HANDED_IN_LINE.format(2)}: [cal](students/cal/feedback.md), [dot](students/dot/feedback.md)." in md
    for student, reason in (("cal", MISSING), ("dot", UNREADABLE)):  # and one line on their own page
        feedback = load(student_dir(tmp_path, student) / "feedback.html").all_text
        assert f"Not attempted: {reason}" in feedback
        assert [t for t, _ in load(student_dir(tmp_path, student) / "feedback.html").tags].count("pre") == (
            0 if student == "dot" else 1), "a red box only for cal's failed numpy_rnn tests (one message)"


def test_the_grader_records_who_attempted_and_the_summary_counts_over_them(zygote, tmp_path):
    """Real grading: a refused (not handed in) and an unreadable file are recorded not attempted; the
    untouched stubs and the reference are attempted."""
    from autograder.grading.run import grade_exercises

    examples = ROOT / "examples" / "submissions"
    (tmp_path / "broken.ipynb").write_text("{ not json")
    paths = [examples / "reference" / "numpy_rnn.ipynb", examples / "untouched" / "numpy_rnn.ipynb",
             tmp_path / "numpy_rnn.ipynb", tmp_path / "broken.ipynb"]
    results = grade_exercises("numpy_rnn", paths, zygote, extra_hide=[tmp_path],
                              refusals=["", "", "no file numpy_rnn.ipynb was submitted", ""])
    assert [r.attempted for r in results] == [True, True, False, False]
    assert results[2].problems == ["no file numpy_rnn.ipynb was submitted"]
    assert results[3].problems[0].startswith("broken.ipynb is not a valid notebook")
    assert results[0].to_dict()["attempted"] is True and results[3].to_dict()["attempted"] is False
    stats = summary.class_stats({name: Report(name, [r]) for name, r in zip("abcd", results)})
    (x,) = stats.exercises
    assert x.attempted == 2 and list(x.not_handed_in) == ["c", "d"] and list(x.untouched) == ["b"]
    assert len(x.tests) == len(results[0].tests) > 5
    for t in x.tests:  # the reference passes every test, the stubs none; c and d are left out
        assert (t.passed, t.graded, t.not_handed_in, t.failed) == (1, 2, 2, []), t.name


def test_summary_lists_submissions_to_look_at_linking_to_feedback(out):
    page = load(out / "summary.html")
    look = page.section_rows("Submissions to look at")[1:]
    assert look == [["cy", "numpy_rnn", LIMIT + FLOOD],  # the <br> between them holds no text
                    ["cy", "char_rnn", PROBLEM + "your submission does not define train_char_rnn"]]
    links = {unquote(link) for link in page.links()}
    for student in REPORTS:
        assert f"students/{student}/feedback.html" in links
    students = page.section_rows("Students")[1:]
    assert [(row[0], float(row[-1])) for row in students] == [(s, REPORTS[s].score) for s in sorted(REPORTS)]
    md = (out / "summary.md").read_text()
    assert "timeout in rnn\\_forward" in md and "(histogram.png)" in md
    assert "rnn\\_forward uses h0 \\& \\<its\\> input" in md and "| 40% |" in md


# --- images ---

def image(path: Path) -> np.ndarray:
    pixels = matplotlib_image.imread(path)
    assert pixels.dtype == np.float32 and pixels.ndim == 3
    return pixels[..., :3]


def colour_share(pixels: np.ndarray, hex_colour: str, tolerance: float = 0.12) -> float:
    target = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return float(np.mean(np.abs(pixels - target).max(axis=-1) < tolerance))


def columns_with(pixels: np.ndarray, hex_colour: str) -> float:
    """The share of the image's columns where `hex_colour` shows: a curve across the plot, not a legend."""
    target = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return float(np.mean((np.abs(pixels - target).max(axis=-1) < 0.12).any(axis=0)))


def assert_real_plot(pixels: np.ndarray) -> None:
    height, width, _ = pixels.shape
    assert width >= 400 and height >= 200, pixels.shape
    rgb = np.round(pixels * 255).astype(np.uint32)
    colours = np.unique(rgb[..., 0] << 16 | rgb[..., 1] << 8 | rgb[..., 2])
    assert len(colours) > 20, "blank or flat"
    non_white = float(np.mean(pixels.min(axis=-1) < 0.95))
    assert 0.02 < non_white < 0.8, non_white


def test_curve_plot_is_a_real_plot_of_both_series(out):
    pixels = image(student_dir(out, "ada") / "curve-char_rnn.png")
    assert_real_plot(pixels)
    assert columns_with(pixels, plots.STUDENT_COLOUR) > 0.6, "the student's curve, across the plot"
    assert columns_with(pixels, plots.REFERENCE_COLOUR) > 0.3, "the reference's (dashed) curve, across the plot"
    flat = image(student_dir(out, ODD) / "curve-char_rnn.png")
    assert not np.array_equal(pixels, flat), "each student's plot shows the student's series"


def test_histogram_is_a_real_plot(out):
    pixels = image(out / "histogram.png")
    assert_real_plot(pixels)
    assert colour_share(pixels, plots.STUDENT_COLOUR) > 0.01, "the bars"


def test_any_exercise_gets_its_recorded_curve_drawn(tmp_path):
    curve = {"title": "Loss", "x_label": "step", "y_label": "loss", "series": [
        {"label": "yours", "role": "student", "values": [3, 2, 1.5, 1.25]},
        {"label": "expected", "role": "reference", "values": [3.0, 2.5, 2.0, 1.5]}]}
    report = Report("gus", [numpy_rnn(True, True, data={"curve": curve})])
    classroom.write_class_reports({"gus": report}, tmp_path)
    folder = tmp_path / "students" / "gus"
    assert_real_plot(image(folder / "curve-numpy_rnn.png"))
    assert ("img", "curve-numpy_rnn.png") in [(t, a.get("src")) for t, a in load(folder / "feedback.html").tags]


def test_reports_name_no_exercise_and_train_nothing():
    package = ROOT / "autograder" / "reports"
    sources = {p: p.read_text() for p in [*package.glob("*.py"), *package.glob("templates/*")]}
    for name in exercise_names():
        assert not [p.name for p, text in sources.items() if name in text], f"reports name {name}"
    assert not [p.name for p, text in sources.items() if re.search(r"\b(torch|solutions)\b", text)]


BAD_CURVES = {
    "not a mapping": [1, 2],
    "no series": {"title": "t", "x_label": "x", "y_label": "y", "series": []},
    "too many series": loss_curve([1.0]) | {"series": [{"label": "s", "role": "student", "values": [1.0]}] * 9},
    "a role that is not in the contract": loss_curve([1.0]) | {"series": [{"label": "s", "role": "x", "values": [1]}]},
    "values that are not numbers": loss_curve(["1", 2.0]),
    "booleans": loss_curve([True, False]),
    "too many values": loss_curve([1.0] * 10_001),
    "no values": loss_curve([]),
    "a label that is not text": loss_curve([1.0]) | {"title": 7},
}


@pytest.mark.parametrize("what", sorted(BAD_CURVES))
def test_a_curve_outside_the_contract_is_refused_with_a_reason(what):
    with pytest.raises(curves.BadCurve):
        curves.read_curve(BAD_CURVES[what])
    curve, problem = curves.curve_of(char_rnn(True, BAD_CURVES[what]))
    assert curve is None and problem.startswith("The curve the grader recorded cannot be drawn")


def test_a_refused_curve_is_said_on_the_page_not_drawn(tmp_path):
    report = Report("hal", [char_rnn(True, loss_curve(["1"]))])
    classroom.write_class_reports({"hal": report}, tmp_path)
    folder = tmp_path / "students" / "hal"
    assert not list(folder.glob("*.png"))
    assert "cannot be drawn: series 1 holds values that are not numbers" in load(folder / "feedback.html").all_text


def test_curve_text_is_cut_and_numbers_kept_as_recorded():
    curve = curves.read_curve(loss_curve([1, 10**400, math.nan, -math.inf]) | {"title": "t" * 1000})
    assert len(curve.title) == 120
    assert curve.series[0].values[:2] == (1.0, math.inf) and math.isnan(curve.series[0].values[2])
    assert curve.steps == 100


def test_odd_values_still_plot(tmp_path):
    reference = [1.0 / (epoch + 1) for epoch in range(100)]
    for name, losses in {"nan": [math.nan, -1.0, 0.0, math.inf] * 25, "huge": [1e-40] * 50 + [1e40] * 50,
                         "short": [0.3, 0.2, 0.1], "tiny": [5e-324] * 100, "negative": [-3.0, -1.0, 2.0],
                         "flat": [0.0] * 50, "extreme": [-1e308, 1e308]}.items():
        plots.curve_plot(curves.read_curve(loss_curve(losses, reference)), tmp_path / f"{name}.png")
        assert_real_plot(image(tmp_path / f"{name}.png"))
    odd_text = loss_curve([1.0, 0.5]) | {"title": r"$\frac{ unclosed$", "x_label": "a\x1b[31m$", "y_label": "$$"}
    odd_text["series"][0]["label"] = "50% $_{x$"  # mathtext that would not parse: shown as text
    plots.curve_plot(curves.read_curve(odd_text), tmp_path / "text.png")
    assert_real_plot(image(tmp_path / "text.png"))
    plots.score_histogram([], 0, tmp_path / "empty.png")
    assert image(tmp_path / "empty.png").shape[1] >= 400


# --- templates and escaping ---

def test_templates_escape_every_value_they_print():
    html = templating.html_environment().from_string("<p title='{{ v }}'>{{ v }}</p>").render(v=SCRIPT + "\x1b'")
    assert "<script>" not in html and "&lt;script&gt;" in html and "\x1b" not in html and "&#39;" in html
    md = templating.markdown_environment().from_string("| {{ v }} |").render(v="a | *b* [c](d)\x00")
    assert md == "| a \\| \\*b\\* \\[c\\](d) |"


def test_templates_ship_with_the_package_and_jinja2_is_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "templates/*" in project["tool"]["setuptools"]["package-data"]["autograder.reports"]
    pins = [Requirement(r) for r in project["project"]["dependencies"]]
    jinja = next(r for r in pins if r.name.lower() == "jinja2")
    assert jinja.specifier and jinja.specifier.contains(version("jinja2")), jinja


# --- without matplotlib, and hostile text ---

def test_without_matplotlib_pages_say_so_and_stale_images_go(out, tmp_path, monkeypatch):
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    monkeypatch.setattr(plots, "available", lambda: False)
    classroom.write_class_reports(REPORTS, copy)
    assert not list(copy.rglob("*.png"))
    for path in [copy / "summary.html", *copy.glob("students/*/feedback.html")]:
        assert_self_contained(path)
        assert not any(tag == "img" for tag, _ in load(path).tags), path
    assert "matplotlib" in load(copy / "summary.html").all_text


def test_undecodable_names_and_control_characters_do_not_break_writing(tmp_path):
    student = "bad\udcffname"  # how Python lists a folder whose name is not UTF-8
    nasty = "lone surrogate \ud800, NUL \x00, colour \x1b[31mred\x1b[0m, <b>bold</b> & done"
    report = Report(student, [numpy_rnn(False, True, limits=[nasty], message=nasty)])
    page = classroom.write_class_reports({student: report}, tmp_path)
    folder = tmp_path / "students" / student
    for path in (page, tmp_path / "summary.md", tmp_path / "grades.csv", folder / "feedback.html",
                 folder / "feedback.md"):
        text = path.read_text(encoding="utf-8")  # valid UTF-8
        assert "\x00" not in text and "\x1b" not in text
    feedback = load(folder / "feedback.html").all_text
    assert "<b>bold</b> & done" in feedback and "colour red" in feedback
    assert_self_contained(page)  # the link to the student's folder resolves to its bytes on disk
