"""`--shard K/N`: one of N disjoint parts of a class, for batch systems without Dask (a Slurm job
array, a Kubernetes Indexed Job, a CI matrix). K counts from 1 (`--shard 1/8` ... `--shard 8/8`).

A student belongs to the shard their id hashes to (SHA-256, the same on every machine and Python,
unlike hash()), so the N shards cover the class exactly once whatever order the jobs run in.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Shard:
    index: int   # 1 .. count
    count: int

    @classmethod
    def parse(cls, text: str) -> "Shard":
        """'3/8' -> Shard(3, 8); ValueError with the reason otherwise."""
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
        if not match:
            raise ValueError(f"expected K/N such as 3/8, got {text!r}")
        index, count = int(match[1]), int(match[2])
        if not 1 <= index <= count:
            raise ValueError(f"K must be between 1 and N (shards count from 1), got {text!r}")
        return cls(index, count)

    def holds(self, student: str) -> bool:
        digest = hashlib.sha256(student.encode("utf-8", "surrogateescape")).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index - 1

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"
