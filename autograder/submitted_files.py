"""Reading what students hand in, on the trusted side.

Never through a link (a link to the reference, a classmate's notebook or a root-only file would
grade or leak that file), never a special file (a FIFO blocks, a device never ends), sizes checked
before a byte is read, hashing in chunks, folders walked iteratively with a depth and a count limit
(Path.rglob recurses once per level and fails on a deep tree).
"""
from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO

from . import config

SUFFIXES = (".ipynb", ".py")
_CHUNK = 2**20


class Refused(Exception):
    """A submitted file the grader will not read; str() is the message for the student."""


def shown_name(path: Path) -> str:
    """A file's name for a message: control characters and undecodable bytes as escapes."""
    return repr(path.name)[1:-1]  # control characters of a hostile name as escapes


def _check(path: Path, root: Path | None) -> os.stat_result:
    """lstat of `path`, a regular file reached without any link below `root`; else Refused."""
    name = shown_name(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise Refused(f"no file {name} was submitted") from None
    except OSError as error:
        raise Refused(f"cannot read {name}: {error.strerror}") from None
    if stat.S_ISLNK(info.st_mode):
        raise Refused(f"{name} is a link (symbolic link), not a file; links are not graded: "
                      "submit the file itself")
    if not stat.S_ISREG(info.st_mode):
        raise Refused(f"{name} is not a regular file (a folder, pipe or device); submit the file itself")
    base = os.path.realpath(root if root is not None else path.parent)
    inside = os.path.relpath(os.path.abspath(path), os.path.abspath(root if root is not None else path.parent))
    if inside.startswith(os.pardir) or os.path.realpath(path) != os.path.join(base, inside):
        raise Refused(f"{name} is reached through a linked folder; links are not graded: "
                      "submit the files themselves")
    if info.st_size > config.MAX_SOURCE_BYTES:
        raise Refused(f"{name} is larger than {config.MAX_SOURCE_BYTES // 2**20} MB")
    return info


def open_submitted(path: Path, root: Path | None = None) -> BinaryIO:
    """`path` opened for reading, or Refused (missing, a link, a special file, outside `root`, too large).

    root: the folder the submission was handed in as (default: the file's own folder); no part of
    the path below it may be a link.
    """
    info = _check(path, root)
    try:  # O_NOFOLLOW and O_NONBLOCK: a file swapped for a link or a FIFO since lstat fails or returns
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise Refused(f"cannot read {shown_name(path)}: {error.strerror}") from None
    opened = os.fstat(fd)
    if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino) or not stat.S_ISREG(opened.st_mode):
        os.close(fd)
        raise Refused(f"{shown_name(path)} changed while it was being read")
    return os.fdopen(fd, "rb")


def read_submitted(path: Path, root: Path | None = None) -> bytes:
    """The bytes of a submitted file, at most config.MAX_SOURCE_BYTES; Refused otherwise."""
    with open_submitted(path, root) as handle:
        data = handle.read(config.MAX_SOURCE_BYTES + 1)
    if len(data) > config.MAX_SOURCE_BYTES:  # grew since it was checked
        raise Refused(f"{shown_name(path)} is larger than {config.MAX_SOURCE_BYTES // 2**20} MB")
    return data


def digest(path: Path, root: Path | None = None) -> str:
    """sha256 of a submitted file, read in chunks; a refused file hashes its reason (a rerun regrades
    it when the reason changes)."""
    hasher = hashlib.sha256()
    try:
        with open_submitted(path, root) as handle:
            read = 0
            while read <= config.MAX_SOURCE_BYTES and (chunk := handle.read(_CHUNK)):
                hasher.update(chunk)
                read += len(chunk)
    except Refused as refused:
        if not os.path.lexists(path):
            return "missing"
        return "refused:" + hashlib.sha256(str(refused).encode("utf-8", "replace")).hexdigest()
    return hasher.hexdigest()


def walk(root: Path) -> tuple[list[Path], bool]:
    """The notebooks and .py files under `root` (links and special files included: they are refused
    with a message when read), without following linked folders; and whether the walk was complete
    (at most config.MAX_FOLDER_DEPTH levels and config.MAX_FOLDER_ENTRIES entries are looked at)."""
    found: list[Path] = []
    pending = [(root, 0)]
    seen, complete = 0, True
    while pending:
        folder, depth = pending.pop()
        try:
            entries = os.scandir(folder)
        except OSError:
            continue
        with entries:
            for entry in entries:
                seen += 1
                if seen > config.MAX_FOLDER_ENTRIES:
                    return found, False
                path = Path(entry.path)
                try:
                    is_folder = entry.is_dir(follow_symlinks=False)
                except OSError:
                    continue
                if is_folder:
                    if entry.name == ".ipynb_checkpoints":
                        continue
                    if depth + 1 < config.MAX_FOLDER_DEPTH:
                        pending.append((path, depth + 1))
                    else:
                        complete = False
                elif path.suffix in SUFFIXES:
                    found.append(path)
    return found, complete
