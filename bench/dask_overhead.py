"""Dask's own cost per task on this machine: N trivial tasks (abs(n)) through a LocalCluster, submitted and
collected the way grade-all --scheduler does (client.submit, as_completed), timed end to end.

    python bench/dask_overhead.py [--tasks 1000] [--workers 2]
"""
from __future__ import annotations

import argparse
import logging
import time


def per_task_seconds(tasks: int = 1000, workers: int = 2) -> float:
    """Wall seconds per task, the cluster already started (its start-up is paid once per run)."""
    from distributed import Client, LocalCluster, as_completed

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        client.submit(abs, -1, pure=False).result()
        started = time.monotonic()
        done = sum(f.result() >= 0 for f in as_completed([client.submit(abs, n, pure=False, retries=2)
                                                          for n in range(tasks)]))
        assert done == tasks
        return (time.monotonic() - started) / tasks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    seconds = per_task_seconds(args.tasks, args.workers)
    print(f"{args.tasks} trivial tasks on {args.workers} workers: {seconds * 1000:.2f} ms per task")


if __name__ == "__main__":
    main()
