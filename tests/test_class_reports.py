"""Class reports written from real result objects: every file exists, the gradebook agrees with the
students' results, pages are escaped and self-contained, links resolve, and the PNGs are real plots."""
from __future__ import annotations

import csv
import json
import math
import shutil
from html.parser import HTMLParser
from pathlib import Path
import os
from urllib.parse import unquote, unquote_to_bytes, urlsplit

import numpy as np
import pytest

from autograder.grading.results import ExerciseResult, Report
from autograder.grading.results import TestResult as TResult  # a Test* name would be collected
from autograder.reports import classroom, plots
from autograder.reports.html import percent

import matplotlib.image as matplotlib_image  # noqa: E402  (the `reports` extra, which `make test` installs)

SCRIPT = "<script>alert('x')</script>"
MESSAGE = f'expected shape (3, 4) & got (4, 3): {SCRIPT} "quoted"\nsecond line & more'
LIMIT = "timeout in rnn_forward"
FLOOD = "printed 52428800 bytes (limit 16 KiB) <flood> & more"
PROBLEM = "cell 4 raised NameError: name 'np' is not defined"
ODD = "o'neil & co #1"  # a student id that needs escaping in HTML and quoting in URLs


def _test(ex: str, name: str, description: str, max_score: float, passed: bool, message: str = "") -> TResult:
    return TResult(exercise=ex, name=name, description=description, max_score=max_score,
                   score=max_score if passed else 0, passed=passed, message="" if passed else message)


def numpy_rnn(*passed: bool, limits=(), seconds=1.0, message="wrong") -> ExerciseResult:
    a, b = passed
    return ExerciseResult("numpy_rnn", "submitted/x/numpy_rnn.ipynb", tests=[
        _test("numpy_rnn", "test_rnn_forward_shape", "rnn_forward returns (T, N, H)", 2, a, message),
        _test("numpy_rnn", "test_rnn_forward_uses_h0", "rnn_forward uses h0 & <its> input", 3, b, message),
    ], limits=list(limits), seconds=seconds)


def char_rnn(passed: bool, losses=None, problems=(), seconds=5.0) -> ExerciseResult:
    data = {"training_losses": losses} if losses is not None else {}
    return ExerciseResult("char_rnn", "submitted/x/char_rnn.ipynb", tests=[
        _test("char_rnn", "test_train_learns_apple", "train_char_rnn learns 'apple' -> 'pple!'", 5, passed,
              "after train_char_rnn(...) the net predicts 'ppppp'"),
        _test("char_rnn", "test_uses_cross_entropy", "the loss is nn.CrossEntropyLoss on logits", 1, True),
    ], problems=list(problems), data=data, seconds=seconds)


STUDENT_LOSSES = [2.0 * math.exp(-epoch / 15) + 0.01 for epoch in range(100)]

REPORTS = {
    "ada": Report("ada", [numpy_rnn(True, True, seconds=0.5), char_rnn(True, STUDENT_LOSSES, seconds=7.5)]),
    "ben": Report("ben", [numpy_rnn(False, True, message=MESSAGE, seconds=2.0), char_rnn(False, seconds=3.0)]),
    "cy": Report("cy", [numpy_rnn(False, False, limits=[LIMIT, FLOOD], seconds=31.0),
                        char_rnn(False, problems=[PROBLEM, "your submission does not define train_char_rnn"],
                                 seconds=0.2)]),
    ODD: Report(ODD, [numpy_rnn(True, True, seconds=1.5), char_rnn(True, [0.5] * 100, seconds=4.0)]),
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
        assert (folder / "loss.png").is_file() == (student in WITH_PLOT), student
    assert {p.name for p in (out / "students").iterdir()} == set(REPORTS)


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
    assert [float(row["total"]) for row in rows] == [11, 4, 1, 11]  # ada, ben, cy, o'neil: by hand


# --- feedback pages ---

def test_feedback_html_escapes_messages_and_lists_every_test(out):
    path = student_dir(out, "ben") / "feedback.html"
    text = path.read_text(encoding="utf-8")
    assert "&lt;script&gt;" in text and "&amp;" in text
    page = Page(text)
    assert MESSAGE in page.all_text  # escaped, so it reads back exactly as the grader wrote it
    assert_self_contained(path)
    rows = [row for rows in page.rows.values() for row in rows if len(row) == 3 and row[0] in ("✓", "✗")]
    tests = REPORTS["ben"].tests
    assert len(rows) == len(tests) == 4
    for (mark, cell, pts), t in zip(rows, tests):
        assert mark == ("✓" if t.passed else "✗") and pts == f"{t.score:g} / {t.max_score:g}"
        assert cell.startswith(t.description) and (t.passed or cell.endswith(t.message)), cell
    assert [t for t, _ in page.tags].count("pre") == sum(not t.passed for t in REPORTS["ben"].tests)
    assert "Total 4 / 11" in page.all_text


def test_feedback_html_shows_the_loss_plot_problems_and_limits(out):
    ada = Page((student_dir(out, "ada") / "feedback.html").read_text())
    assert ("img", "loss.png") in [(tag, a.get("src")) for tag, a in ada.tags]
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


# --- summary ---

def test_summary_lists_every_test_with_its_pass_rate_worst_first(out):
    path = out / "summary.html"
    assert_self_contained(path)
    page = load(path)
    rows = page.section_rows("Tests by pass rate")[1:]  # below the header row
    expected = {}
    for report in REPORTS.values():
        for t in report.tests:
            passed, graded = expected.get((t.exercise, t.description), (0, 0))
            expected[(t.exercise, t.description)] = (passed + t.passed, graded + 1)
    assert len(rows) == len(expected) == 4
    for exercise, description, pts, rate, passed in rows:
        p, n = expected[(exercise, description)]
        assert rate == percent(p / n) and passed == f"{p} / {n}", (exercise, description)
    assert [int(row[3].rstrip("%")) for row in rows] == [50, 50, 75, 100]
    assert rows[0][:2] == ["numpy_rnn", "rnn_forward returns (T, N, H)"]  # ties: the graders' order
    assert ("img", "histogram.png") in [(tag, a.get("src")) for tag, a in page.tags]


def test_summary_lists_limits_and_the_slowest_submissions_linking_to_feedback(out):
    page = load(out / "summary.html")
    limits = page.section_rows("Sandbox limits hit")[1:]
    assert limits == [["cy", "numpy_rnn", LIMIT + FLOOD]]  # the <br> between them holds no text
    slowest = page.section_rows("Slowest submissions")[1:]
    assert [row[:2] for row in slowest[:3]] == [["cy", "numpy_rnn"], ["ada", "char_rnn"], [ODD, "char_rnn"]]
    assert slowest[0][2] == "31.0" and len(slowest) == 8  # every submission: there are fewer than 10
    links = {unquote(link) for link in page.links()}
    for student in REPORTS:
        assert f"students/{student}/feedback.html" in links
    students = page.section_rows("Students")[1:]
    assert [(row[0], float(row[-1])) for row in students] == [(s, REPORTS[s].score) for s in sorted(REPORTS)]
    md = (out / "summary.md").read_text()
    assert "timeout in rnn\\_forward" in md and "(histogram.png)" in md
    assert "rnn\\_forward uses h0 \\& \\<its\\> input" in md and "| 75% |" in md


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


def test_loss_plot_is_a_real_plot_of_both_curves(out):
    pixels = image(student_dir(out, "ada") / "loss.png")
    assert_real_plot(pixels)
    assert columns_with(pixels, plots.STUDENT_COLOUR) > 0.6, "the student's curve, across the plot"
    assert columns_with(pixels, plots.REFERENCE_COLOUR) > 0.3, "the reference's (dashed) curve, across the plot"
    flat = image(student_dir(out, ODD) / "loss.png")
    assert not np.array_equal(pixels, flat), "each student's plot shows the student's losses"


def test_histogram_is_a_real_plot(out):
    pixels = image(out / "histogram.png")
    assert_real_plot(pixels)
    assert colour_share(pixels, plots.STUDENT_COLOUR) > 0.01, "the bars"


def test_reference_losses_are_the_reference_solutions_and_cached(out, monkeypatch):
    losses = classroom.reference_losses(out)
    assert len(losses) == 100 and losses[-1] < losses[0] / 100
    assert (out / classroom.REFERENCE_CACHE).is_file()
    monkeypatch.setattr(plots, "reference_losses", lambda: pytest.fail("trained again despite the cache"))
    assert classroom.reference_losses(out) == losses
    stored = json.loads((out / classroom.REFERENCE_CACHE).read_text())
    (out / classroom.REFERENCE_CACHE).write_text(json.dumps({**stored, "key": "stale"}))
    monkeypatch.setattr(plots, "reference_losses", lambda: (1.0, 0.5))
    assert classroom.reference_losses(out) == (1.0, 0.5)  # a stale cache is recomputed
    (out / classroom.REFERENCE_CACHE).write_text(json.dumps(stored))


def test_odd_losses_still_plot(tmp_path):
    reference = [1.0 / (epoch + 1) for epoch in range(100)]
    for name, losses in {"nan": [math.nan, -1.0, 0.0, math.inf] * 25, "huge": [1e-40] * 50 + [1e40] * 50,
                         "short": [0.3, 0.2, 0.1], "tiny": [5e-324] * 100}.items():
        plots.loss_plot(losses, reference, tmp_path / f"{name}.png")
        assert_real_plot(image(tmp_path / f"{name}.png"))
    plots.score_histogram([], 0, tmp_path / "empty.png")
    assert image(tmp_path / "empty.png").shape[1] >= 400
    assert plots.losses_to_plot(char_rnn(True, [True] * 100)) is None
    assert plots.losses_to_plot(char_rnn(True, "1, 2")) is None
    assert plots.losses_to_plot(char_rnn(True, [])) is None
    assert plots.losses_to_plot(char_rnn(True, [1, 0.5])) == [1.0, 0.5]


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
