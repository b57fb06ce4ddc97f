"""The kit's configuration: `Settings`, one typed object holding every limit, timeout and size with
its default and help text, passed to what grades (an exercise's own parameters are in its registry
entry, autograder/exercises/<name>/__init__.py).

Nothing is read from the environment at import: the entry points (the command line, nbgrader's
grading cell, graders run by hand with --submission) call `Settings.from_environment()` once and
pass the result on; pool and Dask workers get the starting process's settings as plain data;
everything else defaults to `Settings()`. Override with `dataclasses.replace(settings, ...)`.

Below `Settings`: where the kit lives, and constants that are not settings: the wire protocol's
(both sides of the sandbox read them), the submitted-file readers' (discovery, loading and the
Dask client must agree) and the graders' checks (part of what the graders are).
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

KiB, MiB, GiB = 2**10, 2**20, 2**30


def _setting(default: Any, help: str, results: bool = True) -> Any:
    """results=False: no grade depends on it (who runs the sandbox, how work is spread), so stored
    results stay valid when it changes (batch/store.py's fingerprint leaves it out)."""
    return field(default=default, metadata={"help": help, "results": results})


@dataclass(frozen=True)
class Settings:
    # --- the sandbox (per submission process) ---
    call_timeout_s: float = _setting(10.0, "seconds one call into student code may take (an exercise's "
                                           "entry may allow a function more)")
    load_timeout_s: float = _setting(30.0, "seconds running the submission's cells (or module) at start may take")
    submission_budget_s: float = _setting(60.0, "wall seconds a submission may cost in all before its "
                                                "calls fail fast")
    max_restarts: int = _setting(3, "sandboxes re-spawned for one submission after a crash or a hang")
    cpu_limit_s: int = _setting(120, "RLIMIT_CPU of the sandboxed process")
    memory_headroom_bytes: int = _setting(2 * GiB, "RLIMIT_AS above the warm process's own size "
                                                   "(about 0.8 GiB with torch)")
    max_processes: int = _setting(64, "RLIMIT_NPROC of the sandbox's own user")
    scratch_bytes: int = _setting(64 * MiB, "size of the private tmpfs the submission may write to")
    max_file_bytes: int = _setting(32 * MiB, "RLIMIT_FSIZE of the sandboxed process")
    output_keep_bytes: int = _setting(16 * KiB, "the head of what a submission prints, kept for its report")
    max_message_bytes: int = _setting(256 * MiB, "largest reply accepted from a sandbox")
    sandbox_namespaces: str = _setting("auto", "'auto': the full sandbox where the host allows it (root "
                                               "with CAP_SYS_ADMIN), else limited; 'off': always limited "
                                               "(environment: AUTOGRADER_SANDBOX_NAMESPACES)")
    sandbox_uid: int = _setting(61000, "the unprivileged user submissions run as on root hosts (workers "
                                       "use the next ones): pick one no real account uses "
                                       "(environment: AUTOGRADER_SANDBOX_UID)", results=False)
    # --- what reaches a report: cut on the trusted side (one hostile submission, small reports) ---
    max_test_message_chars: int = _setting(4096, "one test's failure message")
    max_error_message_chars: int = _setting(1000, "an exception's message quoted from a reply")
    max_traceback_chars: int = _setting(2000, "the end of an exception's traceback (student frames only)")
    max_problem_chars: int = _setting(1000, "one loading problem or limit hit")
    max_problems: int = _setting(20, "loading problems (and limits hit) kept per exercise")
    max_output_chars: int = _setting(32 * KiB, "what a submission printed, over all its restarts")
    naming_memory_bytes: int = _setting(16 * MiB, "the submission's replies kept to name its failed tests' "
                                                  "mistakes (grading/feedback.py); past it, later failed "
                                                  "tests go unnamed")
    # --- reading submissions (trusted side) ---
    # IPython syntax (%magic, !shell) is turned into Python on the trusted side, at a cost of about
    # 2.5 us per byte of the cell per such line (at most about 2 s per notebook, measured).
    max_ipython_lines: int = _setting(50, "lines of IPython syntax turned into Python per notebook")
    max_ipython_cell_bytes: int = _setting(16 * KiB, "largest cell whose IPython syntax is turned into Python")
    # --- class grading ---
    batch_size: int = _setting(8, "submissions of one exercise graded in one pytest session", results=False)
    worker_memory_bytes: int = _setting(4 * GiB, "RLIMIT_AS of each trusted grade-all worker "
                                                 "(measured peak: 0.75 GiB)")
    # --- on a Dask cluster (grade-all --scheduler) ---
    cluster_wait_s: float = _setting(60.0, "seconds for the scheduler to answer and a first worker to join",
                                     results=False)
    task_retries: int = _setting(2, "times a batch whose worker failed runs again elsewhere", results=False)
    max_workers_per_host: int = _setting(256, "sandbox users sandbox_uid + 1 ... + this, one per worker",
                                         results=False)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        """The defaults, with what the environment sets (the AUTOGRADER_SANDBOX_* variables)."""
        environ = os.environ if environ is None else environ
        found: dict[str, Any] = {}
        if "AUTOGRADER_SANDBOX_NAMESPACES" in environ:
            found["sandbox_namespaces"] = environ["AUTOGRADER_SANDBOX_NAMESPACES"]
        if "AUTOGRADER_SANDBOX_UID" in environ:
            found["sandbox_uid"] = int(environ["AUTOGRADER_SANDBOX_UID"])
        return cls(**{**found, **overrides})

    def to_dict(self) -> dict[str, Any]:
        """Plain data, e.g. for a worker process: `Settings.from_dict` rebuilds the same settings."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Settings":
        return cls(**data)

    def result_values(self) -> dict[str, Any]:
        """The values grades depend on (every field not marked results=False)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.metadata["results"]}

    @classmethod
    def help(cls) -> dict[str, str]:
        return {f.name: f.metadata["help"] for f in dataclasses.fields(cls)}


# --- where the kit lives (not settings: the same files wherever it is installed) ---
PACKAGE_DIR = Path(__file__).resolve().parent
KIT_DIR = PACKAGE_DIR.parent                       # the checkout (or site-packages) holding the three below
EXERCISES_DIR = PACKAGE_DIR / "exercises"  # the registry: graders, catalogues (hidden from submissions)
RELEASE_DIR = KIT_DIR / "assignments"      # the student notebooks, as released
SOLUTIONS_DIR = KIT_DIR / "solutions"      # the reference solutions (hidden from submissions)

# --- the wire protocol: read as they are on both sides of the sandbox (sandbox/wire.py) ---
MAX_REPLY_JSON_BYTES = 2**20   # the JSON part of a reply (arrays travel beside it as raw blobs)
MAX_REPLY_VALUES = 2**16       # values in one reply: list items, dict entries, tensors, modules ...
MAX_WIRE_DEPTH = 64            # nesting of lists, tuples, dicts and modules (both directions)
MAX_REPLY_ELEMENTS = 2**22     # array elements in one reply, all arrays together
MAX_SIZE_IN_CONFIG = 4096      # a module size (input_size, hidden_size, num_layers ...) above this is refused
MAX_MODULE_PARAMETERS = 2**21  # parameters of one module rebuilt by a grader, from its configuration
MAX_NAME_CHARS = 100           # an exception's type name or a function name quoted from a reply
# --- a curve a grader recorded (reports/curves.py checks it before drawing) ---
MAX_CURVE_SERIES = 8           # series of a curve a grader recorded (reports draw up to this many) ...
MAX_CURVE_POINTS = 10_000      # ... values in each ...
MAX_CURVE_TEXT_CHARS = 120     # ... and characters of its title, axis labels and series labels

# --- reading submitted files and folders (submitted_files.py) ---
MAX_SOURCE_BYTES = 20 * MiB    # a notebook or .py file larger than this is refused before it is read
MAX_FOLDER_DEPTH = 16          # folder levels of a submission searched for its files
MAX_FOLDER_ENTRIES = 10_000    # files and folders of a submission looked at, at most

# --- the graders' checks: part of what the graders are (exercise content reads them) ---
GRADER_SEED = 2026             # seeds the graders' random (non-saturating) inputs
FLOAT64_RTOL = 1e-7
FLOAT64_ATOL = 1e-9
FLOAT32_ATOL = 1e-5            # comparing with torch's float32 computations
