"""Hostile files, names and layouts in a class folder: each costs its own student, and only them.

One class folder (built in a temporary folder) holds an honest student and one student per
weakness: links to the reference, to a classmate, to a root-only file; a FIFO, a device, a 1 GiB
sparse file; 1,200 nested folders; 12,000 files; an nbformat 3 notebook; malformed notebooks; a
cell of 300 shell lines; two entries claiming one id; ids that are a CSV formula, terminal escapes,
bidi characters or not UTF-8. It is graded once by the real `autograder grade-all` (strict UTF-8
output), whose own peak memory is measured; each test checks one student's honest score and message.
The batch tests kill a real worker mid-run.
"""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder import config, notebooks
from autograder.config import Settings
from autograder.exercises import get, names as exercise_names, total_points
from autograder.batch.discover import Job
from autograder.batch.workers import WORKER_DIED, WorkerPool
from conftest import ASSIGNMENTS, SOLUTIONS
from test_grade_all import ENV, UID, reference, write_student

SECRET = "root-only-secret-7a3e91"
MAIN_PEAK_BYTES = 700 * 2**20  # the CLI's own process: torch for the reference plot, no submission read whole
# Runs the CLI in this process and writes its peak resident memory (VmHWM) to $AUTOGRADER_TEST_HWM.
RUN_CLI = """
import os, sys
from autograder.cli import main
try:
    code = main(sys.argv[1:])
finally:
    status = open("/proc/self/status").read()
    open(os.environ["AUTOGRADER_TEST_HWM"], "w").write(status.split("VmHWM:")[1].split()[0])
sys.exit(code)
"""
ESCAPES = "\x1b]0;pwned\x07\x1b[2K\rmallory"  # retitles the terminal, erases the line, prints over it
BIDI = "\u202eevil\u2066"
FORMULA = '=HYPERLINK("http:__evil","58")'
NOT_UTF8 = b"nia\xff\xfe"


def run_cli(args: list, env: dict | None = None, timeout: float = 600) -> tuple[subprocess.CompletedProcess, int]:
    """The real CLI in a process of its own: its result and its own peak memory in bytes."""
    hwm = Path(os.environ.get("TMPDIR", "/tmp")) / f"autograder-hwm-{os.getpid()}-{time.monotonic_ns()}"
    try:
        done = subprocess.run([sys.executable, "-c", RUN_CLI, *map(os.fsdecode, args)], capture_output=True,
                              timeout=timeout, env={**ENV, **(env or {}), "AUTOGRADER_TEST_HWM": str(hwm)})
        return done, int(hwm.read_text()) * 1024
    finally:
        hwm.unlink(missing_ok=True)


def notebook_of(exercise: str, code: str | None = None) -> dict:
    release = notebooks.read(ASSIGNMENTS / f"{exercise}.ipynb")
    return notebooks.fill(release, code) if code else release


def v3_notebook(notebook: dict) -> str:
    """The same notebook written with nbformat's own v3 API (worksheets, "input")."""
    from nbformat import v3

    cells = [v3.new_code_cell(input=notebooks.cell_source(c)) if c["cell_type"] == "code"
             else v3.new_text_cell("markdown", source=notebooks.cell_source(c)) for c in notebook["cells"]]
    return v3.writes_json(v3.new_notebook(worksheets=[v3.new_worksheet(cells=cells)]))


def nest(folder: Path, depth: int) -> Path:
    """`depth` nested folders below `folder`, made one level at a time (no long path is needed)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
    finally:
        os.close(fd)
    return folder.joinpath(*["d"] * depth)


def build_class(root: Path, secret_file: Path) -> None:
    ref = reference()
    write_student(root / "ada", ref)
    shapes = (SOLUTIONS / "rnn_shapes.py").read_text()
    (root / "bob").mkdir()
    for exercise in exercise_names():  # the reference solutions themselves
        (root / "bob" / f"{exercise}.py").symlink_to(SOLUTIONS / f"{exercise}.py")
    (root / "cat").mkdir()
    (root / "cat" / "numpy_rnn.ipynb").symlink_to(root / "ada" / "numpy_rnn.ipynb")  # a classmate's
    (root / "dan").mkdir()
    (root / "dan" / "numpy_rnn.py").symlink_to(secret_file)
    (root / "eli").mkdir()
    os.mkfifo(root / "eli" / "numpy_rnn.ipynb")  # opening it for reading would block forever
    (root / "eli" / "rnn_shapes.py").symlink_to("/dev/zero")
    os.mknod(root / "eli" / "char_rnn.ipynb", 0o600 | 0o020000, os.makedev(1, 5))  # a device: /dev/zero
    (root / "fay").mkdir()
    with open(root / "fay" / "numpy_rnn.ipynb", "wb") as handle:
        handle.truncate(2**30)  # sparse: 1 GiB long, no disk used
    (root / "gus").mkdir()
    (nest(root / "gus", 1200) / "numpy_rnn.py").write_text(ref["numpy_rnn"])
    (root / "gus" / "rnn_shapes.py").write_text(shapes)
    (root / "hal").mkdir()
    (root / "hal" / "numpy_rnn.ipynb").write_text(v3_notebook(notebook_of("numpy_rnn", ref["numpy_rnn"])))
    (root / "ivy").mkdir()
    for exercise, breakage in MALFORMED.items():
        notebook = notebook_of(exercise, ref[exercise])
        notebook["cells"] = breakage(notebook["cells"])
        (root / "ivy" / f"{exercise}.ipynb").write_text(json.dumps(notebook))
    write_student(root / "kim", ref)
    (root / "kim_numpy_rnn.py").write_text(ref["numpy_rnn"])  # a second entry claiming "kim"
    (root / "lee").symlink_to(root / "ada")  # a whole student entry that is a link
    (root / "mo").mkdir()
    (root / "mo" / "numpy_rnn.py").write_text(ref["numpy_rnn"])
    (root / "mo" / "everything").symlink_to("/")  # not followed
    (root / "pat").mkdir()
    flood = notebook_of("numpy_rnn", ref["numpy_rnn"])
    flood["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                           "source": ("x = !true  # " + "p" * 480 + "\n") * 300})  # 150 KB
    notebooks.write(flood, root / "pat" / "numpy_rnn.ipynb")
    (root / "quinn" / "junk").mkdir(parents=True)
    (root / "quinn" / "rnn_shapes.py").write_text(shapes)
    for i in range(12_000):
        (root / "quinn" / "junk" / f"f{i}.py").touch()
    for name in (FORMULA, ESCAPES, BIDI):
        (root / name).mkdir()
        (root / name / "rnn_shapes.py").write_text(shapes)
    os.mkdir(os.fsencode(root) + b"/" + NOT_UTF8)
    Path(os.fsdecode(os.fsencode(root) + b"/" + NOT_UTF8 + b"/rnn_shapes.py")).write_text(shapes)


def sandbox_processes() -> list[int]:
    """Live processes of this module's sandbox users (UID and the workers' UID + 1, + 2, ...)."""
    users = {str(int(UID) + k) for k in range(8)}
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("Uid", "").split()[:1] and fields["Uid"].split()[0] in users \
                and not fields.get("State", "").strip().startswith("Z"):
            found.append(int(status.parent.name))
    return found


def listing(folder: Path) -> set[str]:
    found = set()
    for dirpath, dirnames, filenames in os.walk(folder):
        if len(Path(dirpath).parts) > 40:  # gus's deep tree: its top is enough
            dirnames.clear()
        found |= {os.path.join(dirpath, name) for name in dirnames + filenames}
    return found


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory):
    """(class folder, output folder, grade-all's result, its peak memory, gradebook rows, listing before)."""
    base = tmp_path_factory.mktemp("hostile-files")
    secret = base / "root-only.py"
    secret.write_text(f"SECRET = {SECRET!r}\n")
    secret.chmod(0o600)
    root, out = base / "class", base / "out"
    root.mkdir()
    build_class(root, secret)
    before = listing(root)
    # Strict UTF-8 output: an undecodable id must not make printing fail.
    done, peak = run_cli(["grade-all", root, "-o", out, "--jobs", "2"], env={"PYTHONIOENCODING": "utf-8:strict"})
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    yield root, out, done, peak, rows, before
    subprocess.run(["rm", "-rf", str(base)], check=True)  # 1,200 levels: shutil.rmtree would recurse


MALFORMED = {"numpy_rnn": lambda cells: ["x = 1"] + cells,  # ivy's notebooks, each broken another way
             "rnn_shapes": lambda cells: [{**cells[0], "source": 3}] + cells[1:],
             "char_rnn": lambda cells: [{**cells[-1], "cell_type": "code", "outputs": [7]}]}


def result(out: Path, student: str) -> dict:
    return json.loads((out / "students" / student / "results.json").read_text())


def scores(rows: dict, student: str) -> tuple[float, ...]:
    return tuple(float(rows[student][e]) for e in (*exercise_names(), "total"))


def only(full: str = "") -> tuple[float, ...]:
    """A gradebook row with full marks on the exercise `full` and zero on every other (and the total)."""
    row = tuple(get(e).points if e == full else 0.0 for e in exercise_names())
    return (*row, sum(row))


STUDENTS = ["ada", "bob", "cat", "dan", "eli", "fay", "gus", "hal", "ivy", "kim", "lee", "mo", "pat", "quinn",
            FORMULA, ESCAPES, BIDI, os.fsdecode(NOT_UTF8)]


def test_the_class_run_completes_within_bounds(hostile_class):
    """Exit status 0; every student has a row and every report; the main process never read a big file
    whole; nothing was added to the class folder; no temporary file or sandbox process is left."""
    root, out, done, peak, rows, before = hostile_class
    assert done.returncode == 0, done.stderr[-3000:]
    assert len(rows) == len(STUDENTS), sorted(rows)
    for student in STUDENTS:
        folder = out / "students" / student
        for name in ("results.json", "feedback.md", "feedback.html"):
            assert (folder / name).is_file(), (student, name)
        assert len(list((out / "results" / student).glob("*.json"))) == len(exercise_names()), student
    print(f"grade-all's own process peaked at {peak / 2**20:.0f} MiB")
    assert peak < MAIN_PEAK_BYTES, f"grade-all's own process peaked at {peak / 2**20:.0f} MiB"
    assert listing(root) == before
    leftovers = list(out.rglob(".*"))
    assert leftovers == [] and sandbox_processes() == []


def test_the_honest_student_is_unchanged(hostile_class):
    _, out, _, _, rows, _ = hostile_class
    full = tuple(get(e).points for e in exercise_names())
    assert scores(rows, "ada") == (*full, total_points())
    assert rows["ada"]["note"] == "" and result(out, "ada")["score"] == total_points()


def _all_failed_saying(out: Path, student: str, text: str, exercises=exercise_names()) -> None:
    tests = result(out, student)["tests"]
    for exercise in exercises:
        failed = [t["output"] for t in tests if t["status"] == "failed" and t["name"].startswith(f"{exercise}:")]
        assert failed and all(text in m for m in failed), (student, exercise, failed[:1])


def test_links_to_the_reference_earn_nothing(hostile_class):
    _, out, _, _, rows, _ = hostile_class
    assert scores(rows, "bob") == only()
    _all_failed_saying(out, "bob", "is a link (symbolic link)")


def test_a_link_to_a_classmates_notebook_earns_nothing(hostile_class):
    _, out, _, _, rows, _ = hostile_class
    assert scores(rows, "cat") == only()
    _all_failed_saying(out, "cat", "numpy_rnn.ipynb is a link", ["numpy_rnn"])


def test_a_link_to_a_root_only_file_leaks_nothing(hostile_class):
    _, out, _, _, rows, _ = hostile_class
    assert scores(rows, "dan") == only()
    _all_failed_saying(out, "dan", "numpy_rnn.py is a link", ["numpy_rnn"])
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".md", ".html", ".csv"):
            assert SECRET not in path.read_text(errors="replace"), path


def test_fifos_and_devices_are_refused_without_blocking(hostile_class):
    _, out, _, _, rows, _ = hostile_class
    assert scores(rows, "eli") == only()
    _all_failed_saying(out, "eli", "is not a regular file", ["numpy_rnn", "char_rnn"])
    _all_failed_saying(out, "eli", "rnn_shapes.py is a link", ["rnn_shapes"])


def test_a_sparse_gigabyte_is_refused_by_its_size(hostile_class):
    """Refused before a byte is read or hashed (the run's own peak is checked above)."""
    _, out, _, _, rows, _ = hostile_class
    assert float(rows["fay"]["numpy_rnn"]) == 0
    _all_failed_saying(out, "fay", f"is larger than {config.MAX_SOURCE_BYTES // 2**20} MB", ["numpy_rnn"])


def test_a_deep_tree_is_searched_to_a_limit_and_kills_nothing(hostile_class):
    """1,200 nested folders: the file at the bottom is beyond MAX_FOLDER_DEPTH; the rest is graded."""
    _, out, _, _, rows, _ = hostile_class
    assert scores(rows, "gus") == only("rnn_shapes")
    _all_failed_saying(out, "gus", "no numpy_rnn notebook found; found: ", ["numpy_rnn"])


def test_many_files_are_counted_to_a_limit(hostile_class):
    _, _, _, _, rows, _ = hostile_class
    assert scores(rows, "quinn") == only("rnn_shapes")


def test_an_nbformat_3_notebook_is_graded(hostile_class):
    _, out, _, _, rows, _ = hostile_class
    assert float(rows["hal"]["numpy_rnn"]) == get("numpy_rnn").points
    stored = json.loads((out / "results" / "hal" / "numpy_rnn.json").read_text())["result"]
    assert stored["problems"] == []


def test_malformed_notebooks_get_a_plain_message(hostile_class):
    _, out, _, _, rows, _ = hostile_class
    assert scores(rows, "ivy") == only()
    broken = [e for e in exercise_names() if e in MALFORMED]
    _all_failed_saying(out, "ivy", "is not a valid notebook: ", broken)
    _all_failed_saying(out, "ivy", "re-download it from JupyterLab with File > Download", broken)
    feedback = (out / "students" / "ivy" / "feedback.md").read_text()
    assert "please tell your instructor" not in feedback and "TypeError" not in feedback


def test_a_linked_student_entry_or_folder_is_not_followed(hostile_class):
    _, out, _, _, rows, _ = hostile_class
    assert scores(rows, "lee") == only()
    _all_failed_saying(out, "lee", "lee is a link")
    assert scores(rows, "mo") == only("numpy_rnn")


def test_300_shell_lines_are_not_transformed_on_the_trusted_side(hostile_class):
    """The numpy_rnn functions are correct: full marks; the flood cell ran as plain Python, and the
    submission took seconds, not minutes of IPython's transformer."""
    _, out, _, _, rows, _ = hostile_class
    assert float(rows["pat"]["numpy_rnn"]) == get("numpy_rnn").points
    stored = json.loads((out / "results" / "pat" / "numpy_rnn.json").read_text())["result"]
    assert "IPython syntax limit" in stored["limits"] and stored["seconds"] < 15
    assert any("ran as plain Python" in p for p in stored["problems"])


def test_two_entries_claiming_one_id_are_a_clash(hostile_class):
    _, out, _, _, rows, _ = hostile_class
    assert scores(rows, "kim") == only()
    assert rows["kim"]["note"] == "clash: kim/, kim_numpy_rnn.py"
    _all_failed_saying(out, "kim", "more than one entry of the class folder is student kim: kim/, kim_numpy_rnn.py")


def test_ids_are_kept_but_shown_safely(hostile_class):
    """A formula id is quoted in the CSV; escapes, bidi characters and undecodable bytes never reach the
    terminal raw; each of these students is graded like anyone else."""
    _, out, done, _, rows, _ = hostile_class
    shown = {FORMULA: "'" + FORMULA, ESCAPES: "\\x1b]0;pwned\\x07\\x1b[2K\\rmallory", BIDI: "\\u202eevil\\u2066",
             os.fsdecode(NOT_UTF8): "nia\\udcff\\udcfe"}
    table = done.stdout.decode("utf-8")
    for student, safe in shown.items():
        assert scores(rows, safe) == only("rnn_shapes"), student  # the gradebook's cell
        assert safe.lstrip("'") in table  # the printed score table's
        assert (out / "students" / student / "results.json").is_file()  # the id itself, kept as data
    assert not any(c in table for c in "\x1b\r\x07\u202e\u2066")


def test_printing_survives_an_ascii_terminal(tmp_path):
    """PYTHONIOENCODING=ascii: ids that are not ASCII are replaced, the run does not fail."""
    for name in ("zoé", os.fsdecode(NOT_UTF8), BIDI):
        (tmp_path / "class" / name).mkdir(parents=True)
        (tmp_path / "class" / name / "rnn_shapes.py").write_text((SOLUTIONS / "rnn_shapes.py").read_text())
    done, _ = run_cli(["grade-all", tmp_path / "class", "-o", tmp_path / "out", "--jobs", "1",
                       "--exercise", "rnn_shapes"], env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0, done.stderr[-3000:]
    table = done.stdout.decode("ascii")
    assert table.count("10 / 10") == 2 * 3 and "zo?" in table  # rnn_shapes and total, per student


# ------------------------------------------------------------------------ the batch: dead workers, memory

def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _workers(pid: int) -> list[int]:
    """grade-all's pool workers: its spawned children (not multiprocessing's resource tracker)."""
    found = []
    for child in _children(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmdline and b"resource_tracker" not in cmdline:
            found.append(child)
    return found


def test_a_killed_worker_costs_nobody_anything(tmp_path):
    """SIGKILL a worker mid-run: the run finishes, every student has their true result (the batches the
    pool lost were graded again)."""
    root, out = tmp_path / "class", tmp_path / "out"
    students = ["amy", "ben", "cal"]
    for student in students:
        write_student(root / student, reference())
    hwm = tmp_path / "hwm"
    process = subprocess.Popen([sys.executable, "-c", RUN_CLI, "grade-all", str(root), "-o", str(out), "--jobs", "2",
                                "--exercise", "char_rnn"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**ENV, "AUTOGRADER_TEST_HWM": str(hwm)})
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not list((out / "results").glob("*/*.json")):
            time.sleep(0.1)
        workers = _workers(process.pid)
        assert workers, "no worker to kill"
        os.kill(workers[0], signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=600)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, stderr.decode()[-3000:]
    with open(out / "grades.csv", newline="") as handle:
        assert {row["student"]: row["total"] for row in csv.DictReader(handle)} == dict.fromkeys(students, "30")
    for student in students:
        assert (out / "results" / student / "char_rnn.json").is_file(), student
        assert (out / "students" / student / "feedback.html").is_file()
    assert b"Traceback" not in stderr
    time.sleep(1)
    assert sandbox_processes() == []


def grade_or_die(jobs: list[Job]):
    """A worker's grading, except that a job of student "crash" kills the worker (as an OOM kill would)."""
    from autograder.batch import workers

    if any(job.student == "crash" and not job.refusal for job in jobs):  # a refusal reads no file
        os.kill(os.getpid(), signal.SIGKILL)
    return workers._grade(jobs)


def test_a_job_that_kills_its_worker_twice_is_recorded_as_failed(tmp_path, monkeypatch):
    """Retried once alone, then failed with the reason; the other jobs are graded normally."""
    monkeypatch.setenv("AUTOGRADER_SANDBOX_UID", UID)  # the workers' sandboxes: this module's user
    shapes = tmp_path / "rnn_shapes.py"
    shapes.write_text((SOLUTIONS / "rnn_shapes.py").read_text())
    jobs = [Job(student, "rnn_shapes", shapes, student) for student in ("amy", "crash", "ben", "cal")]
    pool = WorkerPool(1, hide=[tmp_path], grade=grade_or_die)
    try:
        results = dict(pool.grade(jobs))
    finally:
        pool.close()
    assert set(results) == set(jobs) and pool.failed == {jobs[1]}
    crashed = results[jobs[1]]
    assert crashed.score == 0 and crashed.max_score == 10 and "grader failure" in crashed.limits
    assert all(WORKER_DIED in t.message for t in crashed.tests), [t.message for t in crashed.tests]
    assert [results[j].score for j in jobs if j.student != "crash"] == [10, 10, 10]


def worker_memory(jobs: list[Job]):
    """What a worker may map: its RLIMIT_AS, and whether reserving that much (untouched) succeeds."""
    import mmap
    import resource

    from autograder.grading.results import ExerciseResult

    try:
        mmap.mmap(-1, Settings().worker_memory_bytes).close()  # address space only: no memory is used
        mapped = True
    except OSError:
        mapped = False
    limit = resource.getrlimit(resource.RLIMIT_AS)
    return [ExerciseResult(exercise=j.exercise, submission="", data={"limit": limit, "mapped": mapped}) for j in jobs]


def test_trusted_workers_memory_is_capped(tmp_path, monkeypatch):
    """A bomb on the trusted side is a MemoryError of that process, not an OOM kill of the machine."""
    monkeypatch.setenv("AUTOGRADER_SANDBOX_UID", UID)
    pool = WorkerPool(1, hide=[], grade=worker_memory)
    try:
        [(_, result)] = list(pool.grade([Job("amy", "rnn_shapes", tmp_path, "x")]))
    finally:
        pool.close()
    assert "limit" in result.data, result.problems
    # The soft limit (what allocations meet); the hard one stays, so a restarted zygote can drop the cap.
    assert result.data["limit"][0] == Settings().worker_memory_bytes
    assert result.data["mapped"] is False


def test_grade_survives_deep_folders_and_refuses_links(tmp_path):
    """`autograder grade` itself: a 1,200-deep folder is searched to its limit, a link earns nothing."""
    deep = tmp_path / "deep"
    deep.mkdir()
    (deep / "rnn_shapes.py").write_text((SOLUTIONS / "rnn_shapes.py").read_text())
    (nest(deep, 1200) / "numpy_rnn.py").write_text((SOLUTIONS / "numpy_rnn.py").read_text())
    link = tmp_path / "link" / "numpy_rnn.py"
    link.parent.mkdir()
    link.symlink_to(SOLUTIONS / "numpy_rnn.py")
    try:
        done, peak = run_cli(["grade", deep, link])
    finally:
        subprocess.run(["rm", "-rf", str(deep)], check=True)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    stdout = done.stdout.decode()
    shapes, numpy_rnn = (f"{get(e).points:g}" for e in ("rnn_shapes", "numpy_rnn"))
    assert f"rnn_shapes: {shapes} / {shapes}" in stdout and f"numpy_rnn: 0 / {numpy_rnn}" in stdout
    assert "numpy_rnn.py is a link (symbolic link)" in stdout
    assert peak < MAIN_PEAK_BYTES
