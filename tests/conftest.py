"""Shared fixtures of the kit's own tests: one warm zygote for the session, and grading helpers."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograder import config
from autograder.config import Settings
from autograder.grading.results import ExerciseResult
from autograder.grading.run import grade_exercise
from autograder.sandbox.zygote import Zygote
from grouping import pytest_collection_modifyitems  # noqa: F401 (make test's workers: see grouping.py)

ROOT = Path(__file__).resolve().parent.parent

# Under `pytest -n N` (make test), each worker's sandboxes run as users of their own: the session's
# zygote and the modules' own users (offsets of up to about 12,000) start from the environment's
# sandbox user, so workers 20,000 apart never count or limit each other's processes.
if "PYTEST_XDIST_WORKER" in os.environ:
    os.environ["AUTOGRADER_SANDBOX_UID"] = str(
        Settings.from_environment().sandbox_uid + 20_000 * (1 + int(os.environ["PYTEST_XDIST_WORKER"][2:])))
SOLUTIONS = config.SOLUTIONS_DIR
ASSIGNMENTS = config.RELEASE_DIR


@pytest.fixture(scope="session")
def zygote():
    with Zygote(uid=Settings.from_environment().sandbox_uid) as z:
        yield z


AUDIT_JOBS = 2  # the audit's workers (`autograder audit --jobs 2`): the CI machine's cores


@pytest.fixture(scope="session")
def audited():
    """audited(exercise): its audit (every catalogued bug, unusual-correct solution and the reference,
    graded as `autograder audit --jobs 2` grades them), run once per test session and shared. The
    pool's workers are started at the first audit and stopped once every exercise is audited."""
    from autograder.audit import ParallelAudit
    from autograder.exercises import get, names

    found = {}
    auditor: ParallelAudit | None = None

    def audit(exercise: str):
        nonlocal auditor
        if exercise not in found:
            auditor = auditor or ParallelAudit(AUDIT_JOBS)
            [found[exercise]] = auditor.audit([get(exercise)])
            if set(found) == set(names()):
                auditor.close()
        return found[exercise]
    yield audit
    if auditor is not None:
        auditor.close()


@pytest.fixture
def grade_file(zygote):
    """Grade one file (notebook or .py) for one exercise through the real pipeline and sandbox."""
    def grade(path: Path, exercise: str, settings: Settings = Settings()) -> ExerciseResult:
        return grade_exercise(exercise, Path(path), zygote, extra_hide=[Path(path).parent], settings=settings)
    return grade


@pytest.fixture
def grade_code(grade_file, tmp_path):
    """Grade Python source text as a .py submission."""
    def grade(code: str, exercise: str, name: str = "submission.py", settings: Settings = Settings()) -> ExerciseResult:
        path = tmp_path / name
        path.write_text(code)
        return grade_file(path, exercise, settings)
    return grade


def failed(result: ExerciseResult) -> set[str]:
    return {t.name for t in result.tests if not t.passed}


def processes_of(users: set[str]) -> list[int]:
    """Live processes running as any of these uids (zombies are dead, only not yet reaped)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if users & set(fields.get("Uid", "").split()) and not fields.get("State", "").strip().startswith("Z"):
            found.append(int(status.parent.name))
    return found


@pytest.fixture(scope="session")
def example_scores(zygote, tmp_path_factory):
    """What each bundled example student (examples/submissions/<name>/) scores per exercise: the
    reference's full points, less what each of its catalogued bugs loses when graded on its own."""
    import importlib.util

    from autograder.exercises import all_bugs, get, registry

    spec = importlib.util.spec_from_file_location("make_examples", ROOT / "examples" / "make_examples.py")
    make_examples = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_examples)
    bugs = {bug.name: bug for bug in all_bugs()}
    cache: dict[str, float] = {}

    def scores(student: str) -> dict[str, float]:
        chosen = {bugs[name].exercise: bugs[name] for name in make_examples.STUDENTS[student]}
        found = {}
        for exercise in registry():
            bug = chosen.get(exercise.name)
            if bug is not None and bug.name not in cache:
                folder = tmp_path_factory.mktemp("example-bug")
                path = folder / f"{exercise.name}.py"
                path.write_text(bug.source())
                cache[bug.name] = grade_exercise(exercise.name, path, zygote, extra_hide=[folder]).score
            found[exercise.name] = cache[bug.name] if bug is not None else get(exercise.name).points
        return found
    return scores
