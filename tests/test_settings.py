"""Settings (autograder/config.py): one typed object, defaults and help in one place, read from the
environment only when asked, and the same in every worker process as in the process that started it."""
from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.batch.discover import Job
from autograder.batch.workers import WorkerPool
from autograder.config import Settings
from autograder.grading.results import ExerciseResult


def test_every_setting_has_a_default_and_help():
    for field in dataclasses.fields(Settings):
        assert field.default is not dataclasses.MISSING, field.name
        assert len(field.metadata.get("help", "")) > 10, f"{field.name} has no help text"
        assert isinstance(field.metadata.get("results"), bool), field.name
    assert Settings.help()["call_timeout_s"].startswith("seconds")


def test_settings_are_frozen_and_overridden_by_replace():
    settings = Settings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.call_timeout_s = 1.0  # type: ignore[misc]
    fast = dataclasses.replace(settings, call_timeout_s=1.0)
    assert fast.call_timeout_s == 1.0 and settings.call_timeout_s == 10.0
    assert Settings.from_dict(fast.to_dict()) == fast


def test_the_environment_is_read_only_when_asked():
    env = {**os.environ, "AUTOGRADER_SANDBOX_UID": "62345", "AUTOGRADER_SANDBOX_NAMESPACES": "off"}
    code = ("from autograder.config import Settings; import autograder.cli, autograder.grading.run; "
            "print(Settings().sandbox_uid, Settings.from_environment().sandbox_uid, "
            "Settings.from_environment().sandbox_namespaces)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["61000", "62345", "off"]
    assert Settings.from_environment({}, max_problems=3) == Settings(max_problems=3)


def seen_by_worker(jobs: list[Job]) -> list[ExerciseResult]:
    """A pool worker's grading stand-in: what settings it holds and which sandbox user its zygote has."""
    from autograder.batch import workers

    return [ExerciseResult(exercise=job.exercise, submission=str(job.path),
                           data={"settings": workers._settings.to_dict(), "uid": workers._zygote.uid})
            for job in jobs]


def test_pool_workers_get_the_settings_they_were_started_with(tmp_path):
    settings = Settings(call_timeout_s=3.5, max_problems=7,
                        sandbox_uid=Settings().sandbox_uid + 4000 + os.getpid() % 1000 * 2)
    pool = WorkerPool(1, hide=[tmp_path], grade=seen_by_worker, settings=settings)
    try:
        [(_, result)] = list(pool.grade([Job("amy", "rnn_shapes", Path(tmp_path, "x.py"), "x")]))
    finally:
        pool.close()
    assert result.data["settings"] == settings.to_dict()
    assert result.data["uid"] == settings.sandbox_uid + 1
