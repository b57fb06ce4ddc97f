"""Every tunable of the kit in one place: exercises, limits, timeouts, tolerances, seeds."""
from __future__ import annotations

import os
from pathlib import Path

EXERCISES = ("numpy_rnn", "rnn_shapes", "char_rnn")

PACKAGE_DIR = Path(__file__).resolve().parent
GRADERS_DIR = PACKAGE_DIR / "graders"
RELEASE_DIR = PACKAGE_DIR.parent / "assignments"  # the student notebooks, as released

# --- sandbox limits (per submission process) ---
CALL_TIMEOUT_S = 10.0          # one call into student code ...
CALL_TIMEOUTS_S = {"train_char_rnn": 30.0}  # ... except these
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
# "auto": the full sandbox where the host allows it (root with CAP_SYS_ADMIN), else limited;
# "off": always limited (see the README's security section for what each enforces).
SANDBOX_NAMESPACES = os.environ.get("AUTOGRADER_SANDBOX_NAMESPACES", "auto")
# The unprivileged user submissions run as (root hosts only): pick one no real account uses.
SANDBOX_UID = int(os.environ.get("AUTOGRADER_SANDBOX_UID", "61000"))

# --- class grading ---
BATCH_SIZE = 8                 # submissions of one exercise graded in one pytest session
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

# --- char-RNN training checks ---
TRAIN_SEEDS = (0, 1, 2)        # seeds for the apple -> pple! runs
UNSEEN_PAIRS = ("hello", "tensor")  # word -> word[1:] + "!", hidden = vocabulary size
CONVERGED_LOSS = 0.05          # final cross-entropy (recomputed by the grader) must be below this
