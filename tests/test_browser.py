"""The report pages in a real browser: headless Chromium from the system's packages (Debian's
chromium and chromium-driver; .ci/run installs them), driven by Selenium. Pages render offline (no
external URL, the network unreachable), every link resolves, every image loads, the browser logs no
error, and screenshots are not blank. One real grade-all of bundled example students gives real
pages: three of them (a page of each kind the tests open), or the whole example class when
UPDATE_SCREENSHOT=1 rewrites the summary's screenshot, the one the README shows.

The browser is required, never skipped: CI installs it, so a missing one is a broken setup.
"""
from __future__ import annotations

import io
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit

import numpy as np
import pytest
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from autograder.config import Settings
from autograder.grading.results import ExerciseResult, Report
from autograder.grading.results import TestResult as TResult  # a Test* name would be collected
from autograder.reports import classroom
from conftest import ROOT

pytestmark = pytest.mark.slow  # one real grade-all of example students (about a minute on 2 cores)

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
EXAMPLES = ROOT / "examples" / "submissions"
SCREENSHOT = ROOT / "autograder" / "reports" / "summary.png"  # shown in the README
UPDATE_SCREENSHOT = os.environ.get("UPDATE_SCREENSHOT") == "1"
# Full marks with a recorded curve, failed tests, not attempted: every kind of page opened below.
STUDENTS = [EXAMPLES / name for name in ("reference", "transposed-Wh", "untouched")]
WIDTH = 1100
UID = str(Settings.from_environment().sandbox_uid + 1 + (os.getpid() + 500) % 1000)  # sandboxes of their own, as test_grade_all


def start_chromium(reachable: str = "") -> webdriver.Chrome:
    """Headless Chromium, offline; `reachable`: the one address it still reaches (a local server
    under test, e.g. "127.0.0.1": loopback bypasses the proxy)."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
    assert not missing, (f"{', '.join(missing)} missing: install Debian's chromium and chromium-driver "
                         "(apt-get install -y chromium chromium-driver; .ci/run does it)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    rules = "MAP * ~NOTFOUND" + (f", EXCLUDE {reachable}" if reachable else "")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={WIDTH},1400", "--hide-scrollbars",
                     # Offline: any request to the network fails (and would be logged as an error).
                     "--proxy-server=http://127.0.0.1:9", f"--host-resolver-rules={rules}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)


@pytest.fixture(scope="module")
def browser():
    driver = start_chromium()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> Path:
    """The example students to grade (the whole example class for the README's screenshot)."""
    if UPDATE_SCREENSHOT:
        return EXAMPLES
    root = tmp_path_factory.mktemp("browser-students")
    for student in STUDENTS:
        shutil.copytree(student, root / student.name)
    return root


@pytest.fixture(scope="module")
def graded(tmp_path_factory, klass) -> Path:
    """The example students graded for real: their OUTDIR."""
    out = tmp_path_factory.mktemp("browser-class")
    done = subprocess.run([sys.executable, "-m", "autograder", "grade-all", str(klass), "-o", str(out),
                           "--jobs", "2"], capture_output=True, text=True, timeout=900,
                          env={**os.environ, "AUTOGRADER_SANDBOX_UID": UID}, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return out


def _test(name: str, description: str, passed: bool, message: str = "") -> TResult:
    return TResult("toy", name, description, 1.0, 1.0 if passed else 0.0, passed, "" if passed else message)


@pytest.fixture(scope="module")
def constructed(tmp_path_factory) -> Path:
    """Pages real grading rarely gives: a recorded curve, an odd student id, a limit hit, hostile text."""
    out = tmp_path_factory.mktemp("browser-constructed")
    curve = {"title": "Training loss", "x_label": "epoch", "y_label": "loss", "series": [
        {"label": "yours", "role": "student", "values": [2 * math.exp(-i / 9) + 0.05 for i in range(60)]},
        {"label": "reference", "role": "reference", "values": [2 * math.exp(-i / 6) + 0.01 for i in range(60)]}]}
    hostile = "<img src=https://example.com/x.png> <script>alert(1)</script> `code`"
    reports = {
        "o'neil & co #1": Report("o'neil & co #1", [ExerciseResult("toy", "toy.ipynb", tests=[
            _test("test_a", "`f` returns `(T, N)`", True), _test("test_b", "f learns", False, hostile)],
            data={"curve": curve}, limits=["timeout in f"])]),
        "zed": Report("zed", [ExerciseResult("toy", "toy.ipynb", tests=[
            _test("test_a", "`f` returns `(T, N)`", False, "f is not implemented yet (NotImplementedError)"),
            _test("test_b", "f learns", False, "f is not implemented yet (NotImplementedError)")])]),
    }
    classroom.write_class_reports(reports, out)
    return out


def pages(out: Path) -> list[Path]:
    return [out / "summary.html", *sorted(out.glob("students/*/feedback.html"))]


def open_page(browser, path: Path) -> None:
    browser.get_log("browser")  # what earlier pages logged
    browser.get(path.as_uri())
    assert browser.execute_script("return document.readyState") == "complete"


def local_file(url: str) -> Path:
    parts = urlsplit(url)
    assert parts.scheme == "file" and not parts.netloc, f"a link outside the report: {url}"
    return Path(os.fsdecode(unquote_to_bytes(parts.path)))


def check_page(browser, path: Path) -> None:
    """Offline, links resolve, images load, nothing logged as an error."""
    text = path.read_text(encoding="utf-8")
    targets = re.findall(r"""\b(?:src|href)=["']([^"']*)""", text) + re.findall(r"url\(([^)]*)\)", text)
    assert not [t for t in targets if urlsplit(t).scheme or t.startswith("//")], f"{path}: a resource outside"
    open_page(browser, path)
    for link in browser.find_elements(By.CSS_SELECTOR, "a[href]"):
        href = link.get_property("href")
        target = local_file(href)
        assert target.exists(), f"{path}: link to missing {href}"
        fragment = urlsplit(href).fragment
        if fragment and target == path:
            assert browser.find_elements(By.ID, fragment), f"{path}: no element #{fragment}"
    for image in browser.find_elements(By.TAG_NAME, "img"):
        assert local_file(image.get_property("src")).is_file()
        assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image) > 0, \
            f"{path}: image {image.get_attribute('src')} did not load"
    errors = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]
    assert not errors, f"{path}: {errors}"


def screenshot(browser, height: int | None = None) -> Image.Image:
    """The page at WIDTH, as tall as it is (or `height`)."""
    full = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(WIDTH, min(height or full, 8000))
    try:
        return Image.open(io.BytesIO(browser.get_screenshot_as_png())).convert("RGB")
    finally:
        browser.set_window_size(WIDTH, 1400)


def assert_not_blank(image: Image.Image) -> None:
    pixels = np.asarray(image, dtype=np.float64)
    assert pixels.shape[1] >= WIDTH * 0.9 and pixels.shape[0] >= 600, pixels.shape
    assert pixels.std() > 20, "a blank or flat screenshot"
    colours = np.unique(pixels.reshape(-1, 3) @ [65536, 256, 1])
    assert len(colours) > 100, "too few colours for text, bars and a plot"
    dark = np.mean(pixels.max(axis=-1) < 100)  # text
    assert 0.005 < dark < 0.5, dark


def test_real_class_pages_render_offline_with_links_images_and_no_errors(browser, graded, klass):
    found = pages(graded)
    assert len(found) == 1 + len(list(klass.iterdir()))
    for path in found:
        check_page(browser, path)


def test_constructed_pages_render_offline_with_links_images_and_no_errors(browser, constructed):
    for path in pages(constructed):
        check_page(browser, path)
    open_page(browser, constructed / "students" / "o'neil & co #1" / "feedback.html")
    assert browser.find_element(By.CSS_SELECTOR, "figure img").get_property("naturalWidth") == 720
    assert not browser.find_elements(By.CSS_SELECTOR, "pre img, pre script"), "hostile text stays text"


def test_feedback_links_back_to_the_summary(browser, graded):
    open_page(browser, graded / "students" / "untouched" / "feedback.html")
    assert "Not attempted" in browser.find_element(By.TAG_NAME, "main").text
    assert not browser.find_elements(By.CSS_SELECTOR, "pre"), "an untouched submission: no red boxes"
    browser.find_element(By.LINK_TEXT, "← Class summary").click()
    assert browser.title == "Class summary"
    assert browser.find_elements(By.PARTIAL_LINK_TEXT, "untouched")


def test_test_names_show_code_not_backticks(browser, graded):
    open_page(browser, graded / "summary.html")
    cells = browser.find_elements(By.CSS_SELECTOR, "tr[title] > td:first-child")
    assert cells and not [c.text for c in cells if "`" in c.text]
    assert browser.find_elements(By.CSS_SELECTOR, "tr[title] > td:first-child code")


def test_screenshots_are_not_blank_and_the_readme_shows_the_summary(browser, graded, tmp_path):
    for path in (graded / "summary.html", graded / "students" / "transposed-Wh" / "feedback.html"):
        open_page(browser, path)
        assert_not_blank(screenshot(browser))
    open_page(browser, graded / "summary.html")
    # The README's picture: the top of the summary, with the first failed test's messages open.
    browser.execute_script("document.querySelector('tr.failures details').open = true")
    image = screenshot(browser, height=1500)
    assert_not_blank(image)
    target = SCREENSHOT if UPDATE_SCREENSHOT else tmp_path / SCREENSHOT.name
    image.save(target, optimize=True)
    assert SCREENSHOT.is_file(), "the README's screenshot: rerun with UPDATE_SCREENSHOT=1"
    assert_not_blank(Image.open(SCREENSHOT).convert("RGB"))
    assert f"]({SCREENSHOT.relative_to(ROOT).as_posix()})" in (ROOT / "README.md").read_text()


def test_a_real_grading_records_a_curve_the_feedback_page_draws(browser, graded):
    folder = graded / "students" / "reference"
    assert (folder / "curve-char_rnn.png").is_file()
    open_page(browser, folder / "feedback.html")
    images = browser.find_elements(By.CSS_SELECTOR, "figure img")
    assert images and images[0].get_property("naturalWidth") > 0


def test_ci_installs_the_browser_only_when_missing_and_ends_with_make_test():
    script = (ROOT / ".ci" / "run").read_text()
    assert script.rstrip().splitlines()[-1] == "make test"
    assert "apt-get install -y -q chromium chromium-driver" in script
    assert f"[ ! -x {CHROMIUM} ] || [ ! -x {CHROMEDRIVER} ]" in script  # quick when installed
