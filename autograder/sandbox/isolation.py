"""What a sandboxed process does to itself before any student code runs (Linux).

As root: private mount, PID, network, IPC and UTS namespaces; every top-level folder but the
system's own (/usr, /etc, ...) and the kit's hidden files covered by empty read-only tmpfs, with
Python's own folders brought back read-only; a fresh size-limited tmpfs at /tmp as the only
writable place; the root file system read-only; then an unprivileged user.
Everywhere: its own session, resource limits (CPU, address space, processes, file size, no core
files), a scrubbed environment and no inherited file descriptors but its own socket and output.
"""
from __future__ import annotations

import ctypes
import os
import resource
import signal
import stat
from pathlib import Path

_libc = ctypes.CDLL(None, use_errno=True)

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_MOVE, MS_REC, MS_PRIVATE = 32, 4096, 8192, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38

SCRATCH = Path("/tmp")
SOCKET_FD = 3  # the request socket's number inside the sandbox


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source: str | None, target: str | Path, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = (lambda s: None if s is None else str(s).encode())
    _check(_libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


def die_with_parent() -> None:
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def can_use_namespaces() -> bool:
    """Whether this host lets us build the full sandbox: tried in a throw-away child, since root in
    a container may still lack CAP_SYS_ADMIN (Docker's default, e.g. on Gradescope)."""
    if os.geteuid() != 0:
        return False
    pid = os.fork()
    if pid == 0:
        try:
            enter_namespaces()
            _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=4k")
            os._exit(0)
        except BaseException:
            os._exit(1)
    return os.waitpid(pid, 0)[1] == 0


def readable_by_anyone(paths: list[str]) -> bool:
    """Whether another user could still import Python from these folders (every parent o+x)."""
    for path in map(Path, paths):
        for folder in [path, *path.parents]:
            try:
                if not folder.stat().st_mode & stat.S_IXOTH:
                    return False
            except OSError:
                return False
    return True


def enter_namespaces() -> None:
    """Called by the supervisor before it forks the sandboxed process, which becomes PID 1."""
    _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS), "unshare")


def _under(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _cover(path: Path, keep: list[Path], stage: Path, options: str, writable: bool = False) -> None:
    """Mount a fresh tmpfs over path, bringing back (read-only) the kept paths below it."""
    kept = [k for k in keep if _under(k, path) and k != path and k.exists()]
    staged = []
    for i, k in enumerate(kept):
        slot = stage / f"{len(os.listdir(stage))}-{i}"
        slot.mkdir()
        _mount(str(k), slot, None, MS_BIND | MS_REC)
        staged.append((slot, k))
    _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, options)
    for slot, k in staged:
        k.mkdir(parents=True, exist_ok=True)
        _mount(str(slot), k, None, MS_MOVE)
        _mount(None, k, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)  # kept, not writable
        slot.rmdir()
    if not writable:
        _mount(None, path, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


# Top-level folders a sandbox sees as they are (read-only): what Python and its libraries need.
# Every other one (/home, /root, /work, /srv, /opt, /run, /var, /mnt, ...) is covered, so copies of
# the kit elsewhere on the machine stay out of reach too; kept paths (Python itself) come back.
VISIBLE = {"bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr", "etc", "dev", "proc", "sys", "tmp"}
# Where kept paths wait while the folder holding them is covered (a covered folder itself).
STAGES = (Path("/mnt"), Path("/media"), Path("/srv"), Path("/opt"), Path("/boot"))


def confine_file_system(hide: list[str], keep: list[str], uid: int, scratch_bytes: int) -> None:
    """Inside fresh namespaces: new /proc, private /tmp and /dev/shm, every top-level folder but
    VISIBLE covered, the hidden paths covered, the root file system read-only."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    keep_paths = [Path(k) for k in keep]
    stage = next(d for d in STAGES if d.is_dir() and not any(_under(k, d) for k in keep_paths))
    _mount("tmpfs", stage, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=700")
    scratch = f"size={scratch_bytes},mode=700,uid={uid},gid={uid}"
    for tmp in (SCRATCH, Path("/dev/shm")):
        if tmp.is_dir():
            _cover(tmp, keep_paths, stage, scratch, writable=True)
    top = [p for p in Path("/").iterdir() if p.is_dir() and not p.is_symlink() and p.name not in VISIBLE]
    for path in [*top, *map(Path, hide)]:
        if path.is_dir() and not _under(SCRATCH, path) and path != stage:
            _cover(path, keep_paths, stage, "size=64k,mode=755")
    _check(_libc.umount2(str(stage).encode(), MNT_DETACH), f"umount {stage}")
    _cover(stage, [], stage, "size=4k,mode=755")
    _mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY)


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def limit_resources(cpu_seconds: int, memory_headroom: int, max_processes: int, max_file_bytes: int) -> None:
    limits = {
        resource.RLIMIT_CPU: cpu_seconds,
        resource.RLIMIT_AS: _address_space() + memory_headroom,
        resource.RLIMIT_NPROC: max_processes,
        resource.RLIMIT_FSIZE: max_file_bytes,
        resource.RLIMIT_CORE: 0,
    }
    for which, value in limits.items():
        resource.setrlimit(which, (value, value))


def keep_only_fds(sock_fd: int, output_fd: int) -> None:
    """The socket becomes fd 3, output goes to fds 1 and 2; every other descriptor is closed."""
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    if sock_fd != SOCKET_FD:
        os.dup2(sock_fd, SOCKET_FD)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.closerange(SOCKET_FD + 1, 65536)


def scrub_environment() -> None:
    os.environ.clear()
    os.environ.update(PATH="/usr/local/bin:/usr/bin:/bin", HOME=str(SCRATCH), TMPDIR=str(SCRATCH),
                      LANG="C.UTF-8", OMP_NUM_THREADS="1", MPLBACKEND="Agg",
                      MPLCONFIGDIR=str(SCRATCH / ".matplotlib"))


def drop_privileges(uid: int) -> None:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    die_with_parent()  # changing user cleared it
