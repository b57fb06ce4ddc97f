"""private_folder: the folder a run's workers share their naming replays in is believed only when
it is this user's alone (a folder of the same name in a shared /tmp may be someone else's)."""
from __future__ import annotations

import os

import pytest

from autograder.files import private_folder


def test_a_new_folder_is_made_for_this_user_alone(tmp_path):
    folder = private_folder(tmp_path / "replays")
    assert folder == tmp_path / "replays" and folder.is_dir()
    assert folder.stat().st_mode & 0o777 == 0o700
    assert private_folder(folder) == folder  # this user's, made so before: used again


def test_a_folder_open_to_others_is_refused(tmp_path):
    folder = tmp_path / "replays"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    assert private_folder(folder) is None


def test_a_link_to_a_folder_is_refused(tmp_path):
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o700)
    (tmp_path / "replays").symlink_to(target)
    assert private_folder(tmp_path / "replays") is None


def test_a_file_is_refused(tmp_path):
    (tmp_path / "replays").write_text("")
    assert private_folder(tmp_path / "replays") is None


@pytest.mark.skipif(os.geteuid() != 0, reason="making another user's folder needs root")
def test_another_users_folder_is_refused(tmp_path):
    folder = tmp_path / "replays"
    folder.mkdir(mode=0o700)
    os.chown(folder, 65534, 65534)
    assert private_folder(folder) is None


def test_a_pools_replays_folder_is_its_own_and_a_killed_runs_is_removed(tmp_path, monkeypatch):
    """A grade-all killed (SIGKILL) cannot remove its workers' shared replays: the next pool does,
    when the run's process is gone and the folder is this user's alone."""
    import subprocess
    import sys
    import tempfile

    from autograder.batch.workers import REPLAYS_PREFIX, replays_folder

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    killed = tmp_path / f"{REPLAYS_PREFIX}{gone}-abc"
    killed.mkdir(mode=0o700)
    (killed / "x.replay").write_bytes(b"")
    running = tmp_path / f"{REPLAYS_PREFIX}{os.getpid()}-def"  # a run still going
    running.mkdir(mode=0o700)
    open_to_others = tmp_path / f"{REPLAYS_PREFIX}{gone}-ghi"  # not made by a pool of ours
    open_to_others.mkdir()
    open_to_others.chmod(0o777)
    link = tmp_path / f"{REPLAYS_PREFIX}{gone}-jkl"
    link.symlink_to(running)
    folder = replays_folder()
    assert not killed.exists()
    assert running.is_dir() and open_to_others.is_dir() and link.is_symlink()
    assert folder.parent == tmp_path and folder.name.startswith(f"{REPLAYS_PREFIX}{os.getpid()}-")
    assert folder.stat().st_mode & 0o777 == 0o700
