"""nbgrader's Validate button in a real JupyterLab, as a student presses it before handing in.

The kit makes every public-check cell a 0-point autograded test cell so that nbgrader's Validator
fails an untouched or buggy notebook (test_nbgrader.py proves it on the command line). Here the
button itself is pressed: JupyterLab from the venv, with the nbgrader lab extension and server
extension the venv's nbgrader installs, serves notebooks released by a real `nbgrader
generate_assignment` of the kit's course; headless Chromium (Debian's, driven by Selenium with
test_browser.py's driver) opens each, clicks the toolbar's "Validate" and reads the dialog nbgrader
shows ("Validation Results": "Success! Your notebook passes all the tests.", or "The following cell
failed:" and the cell, for each failing test cell).

One JupyterLab for the module, on a free port with a token and its own config, runtime and
workspace folders; it, its kernels and the Validator's kernels are stopped at the end.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from argparse import Namespace
from dataclasses import dataclass
from pathlib import Path

import pytest
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from autograder import notebooks
from autograder.commands import nbgrader_course as command
from autograder.exercises import all_bugs
from conftest import SOLUTIONS
from test_browser import start_chromium

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
ASSIGNMENT = "rnn"
EXERCISE = "numpy_rnn"  # the quickest notebook to run: the Validator runs it all in a kernel
STARTUP = 90.0          # seconds JupyterLab may take to answer (a loaded 2-core machine)
VALIDATION = 120.0      # seconds for saving, running the notebook in a kernel and the dialog
SUCCESS = "Success! Your notebook passes all the tests."
FAILED_CELL = "The following cell failed:"
# nbgrader 0.9.x's lab extension: the notebook toolbar's button (src/validate_assignment/index.ts,
# labelled "Validate") and the dialog it opens with the server's verdict (src/common/validate.ts).
BUTTON = "jp-button.validate-button"
DIALOG = ".nbgrader-SuccessDialog, .nbgrader-ErrorDialog"
CURRENT_TAB = "#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel"
# A student's JupyterLab: without the instructor's parts of nbgrader (as nbgrader's installation
# guide disables them) and the terminals; they cost start-up time only.
SERVER_EXTENSIONS_OFF = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list",
                         "jupyter_server_terminals")
LAB_EXTENSIONS_OFF = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                      "@jupyter/nbgrader:course-list")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    url: str
    token: str
    root: Path
    process: subprocess.Popen
    runtime: Path
    log: Path
    browser: object = None  # selenium's webdriver.Chrome, once started
    loaded: bool = False    # JupyterLab's page is loaded in it

    def api(self, path: str, method: str = "GET") -> dict:
        request = urllib.request.Request(f"{self.url}/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else {}

    def page(self, workspace: str, notebook: str) -> str:
        """A fresh workspace: JupyterLab restores nothing into it."""
        return f"{self.url}/lab/workspaces/{workspace}/tree/{notebook}?token={self.token}"


def processes_mentioning(text: str) -> list[int]:
    """Live processes whose command line names `text` (kernels name their connection file)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text.encode() in cmdline.read_bytes() and cmdline.parent.name != str(os.getpid()):
                state = (cmdline.parent / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    found.append(int(cmdline.parent.name))
        except (OSError, IndexError):
            continue
    return found


def start_lab(tmp: Path) -> Lab:
    """JupyterLab on a free port with a token, isolated from the user's Jupyter folders; no network
    (no news, no update check). It starts while the course is built."""
    root, config, runtime = tmp / "student", tmp / "config", tmp / "runtime"
    for folder in (root, config, runtime):
        folder.mkdir()
    (config / "jupyter_server_config.py").write_text(
        "c.ServerApp.open_browser = False\n"
        "c.LabApp.news_url = None\n"
        "c.LabApp.check_for_updates_class = 'jupyterlab.NeverCheckForUpdate'\n"
        "c.LabApp.notebook_starts_kernel = False\n"  # Validate needs none: its own kernel runs the notebook
        f"c.ServerApp.jpserver_extensions = {dict.fromkeys(SERVER_EXTENSIONS_OFF, False)!r}\n")
    (config / "labconfig").mkdir()
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": dict.fromkeys(LAB_EXTENSIONS_OFF, True)}))
    settings = config / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false", "checkForUpdates": false}')
    port, token = free_port(), secrets.token_hex(16)
    env = {**{k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"},
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "JUPYTER_CONFIG_DIR": str(config),
           "JUPYTER_RUNTIME_DIR": str(runtime), "IPYTHONDIR": str(tmp / "ipython"),
           "JUPYTER_PLATFORM_DIRS": "1", "OMP_NUM_THREADS": "1"}
    log = tmp / "jupyterlab.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(BIN / "jupyter"), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
             "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
             *(["--allow-root"] if os.geteuid() == 0 else [])],  # CI containers run as root
            cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    return Lab(f"http://127.0.0.1:{port}", token, root, process, runtime, log)


def wait_until_serving(lab: Lab) -> None:
    deadline = time.monotonic() + STARTUP
    while True:
        assert lab.process.poll() is None, f"JupyterLab exited:\n{lab.log.read_text()[-3000:]}"
        try:
            lab.api("api/status")
            return
        except OSError:
            assert time.monotonic() < deadline, f"JupyterLab did not answer:\n{lab.log.read_text()[-3000:]}"
            time.sleep(0.3)


def stop_lab(lab: Lab) -> list[int]:
    """Shut the server down through its API (it stops its kernels), then make sure of it; return
    the kernels it left behind (killed now)."""
    try:
        lab.api("api/shutdown", method="POST")
        lab.process.wait(timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        pass
    if lab.process.poll() is None:
        os.killpg(lab.process.pid, signal.SIGTERM)
        try:
            lab.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(lab.process.pid, signal.SIGKILL)
            lab.process.wait()
    left = processes_mentioning(str(lab.runtime))  # a kernel names its connection file there
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left


def generate_assignment(course: Path) -> subprocess.Popen:
    """numpy_rnn as students get it: the kit's course built by `autograder nbgrader-course`, then
    a real `nbgrader generate_assignment` of that notebook (running: see released())."""
    assert command.run(Namespace(directory=course, assignment=ASSIGNMENT, course_id="rnn-test")) == 0
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.Popen([str(BIN / "nbgrader"), "generate_assignment", ASSIGNMENT, "--notebook", EXERCISE],
                            cwd=course, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def released(course: Path, generating: subprocess.Popen) -> dict:
    output, _ = generating.communicate(timeout=300)
    assert generating.returncode == 0, output[-3000:]
    return notebooks.read(course / "release" / ASSIGNMENT / f"{EXERCISE}.ipynb")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving three copies of the released notebook: done (the reference filled in),
    todo (untouched) and buggy (the catalogue's transposed Wh); and test_browser's headless
    Chromium, offline but for JupyterLab on the loopback address. All three start at once."""
    tmp = tmp_path_factory.mktemp("validate-button")
    started = time.monotonic()
    lab, left = start_lab(tmp), []
    generating = generate_assignment(tmp / "course")
    try:
        lab.browser = start_chromium(reachable="127.0.0.1")
        release = released(tmp / "course", generating)
        bug = next(b for b in all_bugs() if b.name == "transposed_Wh")
        for name, notebook in {"done": notebooks.fill(release, (SOLUTIONS / f"{EXERCISE}.py").read_text()),
                               "todo": release, "buggy": notebooks.fill(release, bug.source())}.items():
            notebooks.write(notebook, lab.root / f"{name}.ipynb")
        print(f"\nreleased after {time.monotonic() - started:.1f} s")
        wait_until_serving(lab)
        print(f"JupyterLab serving after {time.monotonic() - started:.1f} s")
        yield lab
    finally:
        if generating.poll() is None:
            generating.kill()
            generating.wait()
        if lab.browser is not None:
            lab.browser.quit()
        left = stop_lab(lab)
        print(f"\nthe Validate button module: {time.monotonic() - started:.1f} s with JupyterLab")
    assert not left, f"kernels {left} outlived JupyterLab"


@dataclass
class Dialog:
    error: bool        # nbgrader's error dialog (validation failed), not its success dialog
    title: str
    message: str       # the text of nbgrader's #validation-message
    failed: list[str]  # the source of each cell it names as failed


def open_notebook(lab: Lab, name: str, wait: WebDriverWait):
    """Open `name` as a student does (the first from its link, the next by a double click in the
    file browser) and return its Validate button, once its cells show."""
    browser = lab.browser
    if not lab.loaded:
        browser.get(lab.page("validate", name))
        lab.loaded = True
    else:
        item = wait.until(expected_conditions.visibility_of_element_located((By.XPATH, (
            f"//li[contains(@class, 'jp-DirListing-item')][.//*[normalize-space(text()) = '{name}']]"))))
        ActionChains(browser).double_click(item).perform()
    wait.until(lambda b: [tab.text for tab in b.find_elements(By.CSS_SELECTOR, CURRENT_TAB)] == [name])
    wait.until(lambda b: [c for c in b.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel .jp-Cell") if c.is_displayed()])
    buttons = wait.until(lambda b: [x for x in b.find_elements(By.CSS_SELECTOR, BUTTON) if x.is_displayed()])
    assert len(buttons) == 1, f"{len(buttons)} Validate buttons show"
    return wait.until(expected_conditions.element_to_be_clickable(buttons[0]))


def validate(lab: Lab, name: str) -> Dialog:
    """Open `name` in JupyterLab, press Validate, read the dialog and close it."""
    try:
        return pressed(lab, name)
    except TimeoutException as error:  # say what the server did meanwhile
        raise AssertionError(f"{name}: {error.msg or 'timed out'}; JupyterLab's log ends:\n"
                             f"{lab.log.read_text(errors='replace')[-3000:]}") from None


def pressed(lab: Lab, name: str) -> Dialog:
    browser, started = lab.browser, time.monotonic()
    # JupyterLab re-renders a notebook's cells as it opens: an element found may be gone when looked at
    wait = WebDriverWait(browser, VALIDATION, ignored_exceptions=(StaleElementReferenceException,))
    button = open_notebook(lab, f"{name}.ipynb", wait)
    assert button.text.strip() == "Validate", button.text
    ready = time.monotonic()
    button.click()
    dialog = wait.until(expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, DIALOG)))
    message = dialog.find_element(By.ID, "validation-message")
    # Each failure is a paragraph, then the cell's source, then its error (src/common/validate.ts).
    failed = browser.execute_script(
        "const parts = Array.from(arguments[0].children);"
        "return parts.flatMap((part, i) => part.innerText.trim() === arguments[1] && parts[i + 1]"
        "                                  ? [parts[i + 1].innerText] : []);", message, FAILED_CELL)
    found = Dialog(error="nbgrader-ErrorDialog" in dialog.get_attribute("class"),
                   title=dialog.find_element(By.CSS_SELECTOR, ".jp-Dialog-header").text.strip(),
                   message=message.text.strip(), failed=[same_text(cell) for cell in failed])
    dialog.find_element(By.CSS_SELECTOR, "button.jp-Dialog-button").click()
    wait.until(expected_conditions.invisibility_of_element_located((By.CSS_SELECTOR, DIALOG)))
    print(f"{name}: opened in {ready - started:.1f} s, validated in {time.monotonic() - ready:.1f} s")
    return found


def same_text(text: str) -> str:
    """`text` as a page renders it: no trailing spaces, no blank lines at either end."""
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines()).strip()


def public_checks(notebook: dict) -> list[str]:
    return [same_text(notebooks.cell_source(c)) for c in notebook["cells"]
            if notebooks.cell_source(c).lstrip().startswith("# Public checks")]


def test_the_reference_filled_in_validates(lab):
    dialog = validate(lab, "done")
    assert (dialog.error, dialog.title, dialog.message) == (False, "Validation Results", SUCCESS), dialog


def test_an_untouched_notebook_fails_validation_naming_every_public_check(lab):
    dialog = validate(lab, "todo")
    checks = public_checks(notebooks.read(lab.root / "todo.ipynb"))
    assert checks and dialog.error and dialog.title == "Validation Results", dialog
    assert SUCCESS not in dialog.message and dialog.message.count(FAILED_CELL) == len(checks), dialog.message
    assert sorted(dialog.failed) == sorted(checks), dialog.failed
    assert "NotImplementedError" in dialog.message


def test_a_transposed_wh_fails_validation_naming_the_cell_steps_check(lab):
    dialog = validate(lab, "buggy")
    assert dialog.error and dialog.failed, dialog
    assert all(cell in public_checks(notebooks.read(lab.root / "buggy.ipynb")) for cell in dialog.failed)
    assert any("h = rnn_cell_step(" in cell for cell in dialog.failed), dialog.failed  # its own check
    assert "AssertionError: expected tanh([1.0, -0.5]) = " in dialog.message, dialog.message  # the case by hand
    assert not any("init_rnn_params(5, 8, seed=0)" in cell for cell in dialog.failed), dialog.failed
