"""Output: JSON lines appended whole, resume from what an earlier run left, and in-order writing."""
from __future__ import annotations

import json
import os
import sys
import time


def load_done(path: str, on_record=None) -> tuple[set[str], int]:
    """Sources already in an output file, and how many records. A partial or invalid tail (a run killed
    mid-write) is cut off, so that the file is valid JSONL again and those records are redone."""
    done: set[str] = set()
    if not os.path.exists(path):
        return done, 0
    good = 0
    n = 0
    with open(path, "rb") as fh:
        for line in fh:
            if not line.endswith(b"\n"):
                break
            if line.strip():
                try:
                    rec = json.loads(line)
                    src = rec["source"]
                except (ValueError, KeyError, TypeError):
                    break
                done.add(src)
                n += 1
                if on_record is not None:
                    on_record(rec)
            good += len(line)
    if good < os.path.getsize(path):
        with open(path, "r+b") as fh:
            fh.truncate(good)
    return done, n


class Sink:
    """Appends complete lines; flushes at most every `every` seconds (and on close)."""

    def __init__(self, path: str, append: bool, every: float = 0.5):
        self.path = path
        if path == "-":
            self.fh = sys.stdout.buffer
            self.own = False
        else:
            d = os.path.dirname(os.path.abspath(path))
            os.makedirs(d, exist_ok=True)
            self.fh = open(path, "ab" if append else "wb")
            self.own = True
        self.every = every
        self.last = time.monotonic()

    def write(self, blob: bytes) -> None:
        if blob:
            self.fh.write(blob)
        now = time.monotonic()
        if now - self.last >= self.every:
            self.fh.flush()
            self.last = now

    def close(self) -> None:
        try:
            self.fh.flush()
        finally:
            if self.own:
                self.fh.close()


class Reorder:
    """Results come back in any order; hand them on in task order."""

    def __init__(self):
        self.next = 0
        self.held: dict[int, object] = {}

    def put(self, seq: int, item) -> list:
        self.held[seq] = item
        out = []
        while self.next in self.held:
            out.append(self.held.pop(self.next))
            self.next += 1
        return out

    def __len__(self):
        return len(self.held)
