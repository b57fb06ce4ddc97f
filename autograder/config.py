"""Every tunable of the kit in one place: limits, timeouts, tolerances, seeds (an exercise's own
parameters are in its registry entry, autograder/exercises/<name>/__init__.py)."""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
EXERCISES_DIR = PACKAGE_DIR / "exercises"  # the registry: graders, catalogues (hidden from submissions)
RELEASE_DIR = PACKAGE_DIR.parent / "assignments"  # the student notebooks, as released
SOLUTIONS_DIR = PACKAGE_DIR.parent / "solutions"   # the reference solutions (hidden from submissions)

# --- sandbox limits (per submission process) ---
CALL_TIMEOUT_S = 10.0          # one call into student code (an exercise may allow more for a function)
LOAD_TIMEOUT_S = 30.0          # running the submission's cells/module at start
SUBMISSION_BUDGET_S = 60.0     # wall time a submission may cost in all before calls fail fast
MAX_RESTARTS = 3               # sandboxes re-spawned after a crash or a hang
CPU_LIMIT_S = 120              # RLIMIT_CPU of the sandboxed process
MEMORY_HEADROOM_BYTES = 2 * 2**30  # RLIMIT_AS above the warm process's own (about 0.8 GiB with torch)
MAX_PROCESSES = 64             # RLIMIT_NPROC for the sandbox's own user
SCRATCH_BYTES = 64 * 2**20     # size of the private tmpfs the submission may write to
MAX_FILE_BYTES = 32 * 2**20    # RLIMIT_FSIZE
OUTPUT_KEEP_BYTES = 16 * 2**10  # the head of what a submission prints, kept for its report
MAX_MESSAGE_BYTES = 256 * 2**20  # largest reply accepted from a sandbox
# --- what a reply may hold: checked by the trusted side before anything is built from it ---
MAX_REPLY_JSON_BYTES = 2**20   # the JSON part of a reply (arrays travel beside it as .npy blobs)
MAX_REPLY_VALUES = 2**16       # values in one reply: list items, dict entries, tensors, modules ...
MAX_WIRE_DEPTH = 64            # nesting of lists, tuples, dicts and modules (both directions)
MAX_REPLY_ELEMENTS = 2**22     # array elements in one reply, all arrays together
MAX_SIZE_IN_CONFIG = 4096      # a module size (input_size, hidden_size, num_layers ...) above this is refused
MAX_MODULE_PARAMETERS = 2**21  # parameters of one module rebuilt by a grader, from its configuration
# --- what reaches a report: cut on the trusted side (one hostile submission, small reports) ---
MAX_TEST_MESSAGE_CHARS = 4096  # one test's failure message
MAX_NAME_CHARS = 100           # an exception's type name or a function name quoted from a reply
MAX_ERROR_MESSAGE_CHARS = 1000  # an exception's message ...
MAX_TRACEBACK_CHARS = 2000     # ... and the end of its traceback (student frames only)
MAX_PROBLEM_CHARS = 1000       # one loading problem or limit hit
MAX_PROBLEMS = 20              # loading problems (and limits hit) kept per exercise
MAX_OUTPUT_CHARS = 2 * OUTPUT_KEEP_BYTES  # what a submission printed, over all its restarts
MAX_CURVE_SERIES = 8           # series of a curve a grader recorded (reports draw up to this many) ...
MAX_CURVE_POINTS = 10_000      # ... values in each ...
MAX_CURVE_TEXT_CHARS = 120     # ... and characters of its title, axis labels and series labels
# "auto": the full sandbox where the host allows it (root with CAP_SYS_ADMIN), else limited;
# "off": always limited (see the README's security section for what each enforces).
SANDBOX_NAMESPACES = os.environ.get("AUTOGRADER_SANDBOX_NAMESPACES", "auto")
# The unprivileged user submissions run as (root hosts only): pick one no real account uses.
SANDBOX_UID = int(os.environ.get("AUTOGRADER_SANDBOX_UID", "61000"))

# --- reading submissions (trusted side) ---
MAX_SOURCE_BYTES = 20 * 2**20  # a notebook or .py file larger than this is refused before it is read
MAX_FOLDER_DEPTH = 16          # folder levels of a submission searched for its files
MAX_FOLDER_ENTRIES = 10_000    # files and folders of a submission looked at, at most
# IPython syntax (%magic, !shell) is turned into Python on the trusted side, at a cost of about
# 2.5 us per byte of the cell per such line: this many lines per notebook, in cells this small
# (at most about 2 s per notebook, measured).
MAX_IPYTHON_LINES = 50
MAX_IPYTHON_CELL_BYTES = 16 * 2**10

# --- class grading ---
BATCH_SIZE = 8                 # submissions of one exercise graded in one pytest session
WORKER_MEMORY_BYTES = 4 * 2**30  # RLIMIT_AS of each trusted grade-all worker (measured peak: 0.75 GiB)
# --- on a Dask cluster (grade-all --scheduler) ---
CLUSTER_WAIT_S = 60.0          # for the scheduler to answer and a first worker to join
TASK_RETRIES = 2               # a batch whose worker failed runs again elsewhere
MAX_WORKERS_PER_HOST = 256     # sandbox users SANDBOX_UID + 1 ... + this, one per worker

# --- grader inputs ---
GRADER_SEED = 2026             # seeds the graders' random (non-saturating) inputs

# --- numerical checks ---
FLOAT64_RTOL = 1e-7
FLOAT64_ATOL = 1e-9
FLOAT32_ATOL = 1e-5            # comparing with torch's float32 computations
