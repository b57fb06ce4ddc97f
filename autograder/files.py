"""Writing result and report files safely."""
from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def encodable(text: str) -> str:
    """`text` with what UTF-8 cannot encode (lone surrogates: undecodable file names, hostile output)
    replaced, so that writing it cannot fail."""
    return text.encode("utf-8", "replace").decode("utf-8")


def write_atomically(path: Path, content: str | bytes) -> None:
    """Readers see the old file or the whole new one, never a half-written one; no temporary file
    is left behind, whatever fails."""
    path = Path(path)
    data = encodable(content).encode("utf-8") if isinstance(content, str) else bytes(content)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o644)  # mkstemp makes 0600; reports are meant to be shared
            handle.write(data)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)  # gone after os.replace; left only by a failure


def private_folder(path: Path) -> Path | None:
    """`path` as a folder only this user can open, made here or already made so by this user;
    None when it is anything else (another user's, open to others, a link): a folder of that
    name in a shared /tmp may have been made by someone else first."""
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
        return None
    return Path(path)
