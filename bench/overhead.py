"""Where a grading worker's CPU goes, beyond the compute floor (not a test): one worker's work on
a class made by make_class.py, exercise by exercise, in one process as a pool worker grades it
(a warm zygote, pytest sessions of --batch submissions), split into

  sandboxes   the sandboxed processes and the zygote (student code, its side of the wire)
  naming      the trusted side replaying failed tests' calls on the catalogued mistakes
              (grading/feedback.py, Mistakes.matching)
  graders     the rest of the trusted side: pytest, the graders' own checks and recomputations,
              decoding replies, starting sandboxes

CPU seconds come from a cpuacct cgroup of this process's own (root), so they hold on a shared
machine better than wall times. --references grades the reference solutions instead of the class
(nothing to name: the kit's cost on correct code alone, next to compute_floor.py's floor).
Usage: python bench/overhead.py [--students 20] [--batch 8] [--references]
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cpu_account import CpuAccount  # noqa: E402
from make_class import make_class  # noqa: E402

from autograder.exercises import get as get_exercise, names as exercise_names  # noqa: E402
from autograder.grading import feedback  # noqa: E402
from autograder.grading.run import grade_exercises  # noqa: E402
from autograder.sandbox.zygote import Zygote  # noqa: E402

RELEASE = Path(__file__).resolve().parent.parent / "assignments"


def timed_naming() -> dict[str, float]:
    """CPU seconds spent naming mistakes, counted from now on."""
    spent = {"cpu": 0.0}
    matching = feedback.Mistakes.matching

    def counted(self, *args, **kwargs):
        started = time.process_time()
        try:
            return matching(self, *args, **kwargs)
        finally:
            spent["cpu"] += time.process_time() - started

    feedback.Mistakes.matching = counted
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--references", action="store_true", help="every student hands in the reference solutions")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)  # as every grading worker
    account = CpuAccount("overhead")
    account.enter()  # before the zygote starts: its sandboxes are counted too
    naming = timed_naming()
    rows = []
    with tempfile.TemporaryDirectory() as tmp, Zygote() as zygote:
        root = Path(tmp)
        make_class(root, args.students, RELEASE)
        students = sorted((root / "submitted").iterdir())
        for exercise in exercise_names():
            paths = [s / "rnn" / f"{exercise}.ipynb" for s in students]
            if args.references:
                paths = [path.with_suffix(".py") for path in paths]
                for path in paths:
                    shutil.copy(get_exercise(exercise).reference, path)
            grade_exercises(exercise, paths[:1], zygote, root=root)  # the graders imported once, as in a worker
            naming["cpu"] = 0.0
            total, trusted = account.usage(), time.process_time()
            for start in range(0, len(paths), args.batch):
                grade_exercises(exercise, paths[start:start + args.batch], zygote, root=root)
            total, trusted = account.usage() - total, time.process_time() - trusted
            rows.append((exercise, total, total - trusted, naming["cpu"], trusted - naming["cpu"]))
    account.leave()
    account.close()
    print(f"CPU seconds per student ({args.students} {'reference solutions' if args.references else 'students'}, "
          f"batches of {args.batch}):")
    print(f"{'':12}{'all':>8}{'sandboxes':>11}{'naming':>8}{'graders':>9}")
    for exercise, *figures in rows + [("all", *(sum(r[i] for r in rows) for i in range(1, 5)))]:
        print(f"{exercise:12}" + "".join(f"{f / args.students:{w}.3f}" for f, w in zip(figures, (8, 11, 8, 9))))


if __name__ == "__main__":
    main()
