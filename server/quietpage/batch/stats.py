"""Counters for the end-of-run summary: records, errors by code, paywall verdicts, removals by category."""
from __future__ import annotations

import resource
import sys
import time
from collections import Counter


class Stats:
    def __init__(self):
        self.records = 0
        self.errors: Counter = Counter()
        self.verdicts: Counter = Counter()
        self.removed: Counter = Counter()
        self.skipped: Counter = Counter()      # input that is not a record (WARC requests, unknown files)
        self.words = 0
        self.bytes_in = 0

    def error(self, code: str) -> None:
        self.records += 1
        self.errors[code] += 1

    def result(self, d: dict) -> None:
        self.records += 1
        pw = d.get("paywall") or {}
        self.verdicts[pw.get("kind", "none")] += 1
        for r in d.get("removed") or ():
            self.removed[r.get("category", "?")] += 1
        self.words += d.get("word_count") or 0

    def skip(self, why: str, n: int = 1) -> None:
        self.skipped[why] += n

    def to_dict(self) -> dict:
        return {"records": self.records, "errors": dict(self.errors), "verdicts": dict(self.verdicts),
                "removed": dict(self.removed), "skipped": dict(self.skipped), "words": self.words,
                "bytes_in": self.bytes_in}

    def add(self, d: dict) -> None:
        self.records += d["records"]
        self.errors.update(d["errors"])
        self.verdicts.update(d["verdicts"])
        self.removed.update(d["removed"])
        self.skipped.update(d.get("skipped") or {})
        self.words += d["words"]
        self.bytes_in += d["bytes_in"]


class Summary:
    """What a run did; `lines()` is what the command prints on stderr at the end."""

    def __init__(self, engine: str, workers: int):
        self.engine, self.workers = engine, workers
        self.stats = Stats()
        self.resumed = 0            # records found done in the output and skipped
        self.site: dict = {}        # site-repeats figures
        self.started = time.perf_counter()
        self.elapsed = 0.0
        self.interrupted = False
        self.output = ""

    def finish(self) -> "Summary":
        self.elapsed = time.perf_counter() - self.started
        return self

    @property
    def rate(self) -> float:
        return self.stats.records / self.elapsed if self.elapsed > 0 else 0.0

    def to_dict(self) -> dict:
        d = self.stats.to_dict()
        d.update(engine=self.engine, workers=self.workers, resumed=self.resumed, elapsed_s=round(self.elapsed, 3),
                 records_per_s=round(self.rate, 2), interrupted=self.interrupted, site_repeats=self.site,
                 output=self.output, parent_peak_mb=round(peak_rss_mb(), 1),
                 worker_peak_mb=round(peak_rss_mb(resource.RUSAGE_CHILDREN), 1))
        return d

    def lines(self) -> list[str]:
        s = self.stats
        ok = s.records - sum(s.errors.values())
        fmt = lambda c: ", ".join(f"{k} {v}" for k, v in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))) or "none"
        mb = s.bytes_in / 1e6
        out = [f"quietpage batch: {s.records} records ({ok} cleaned, {sum(s.errors.values())} errors)"
               + (f", {self.resumed} already done (resumed)" if self.resumed else "")
               + (" — INTERRUPTED: run the same command again to resume" if self.interrupted else ""),
               f"  errors by kind:      {fmt(s.errors)}",
               f"  paywall verdicts:    {fmt(s.verdicts)}",
               f"  removals by category: {fmt(s.removed)}"]
        if s.skipped:
            out.append(f"  not records (skipped): {fmt(s.skipped)}")
        if self.site:
            out.append(f"  site repeats: {self.site.get('removed', 0)} blocks removed from "
                       f"{self.site.get('pages_changed', 0)} pages; {self.site.get('sites', 0)} sites with "
                       f">= {self.site.get('min_pages')} pages, share >= {self.site.get('share')}")
        out.append(f"  throughput: {self.rate:.1f} records/s, {mb / self.elapsed if self.elapsed else 0:.2f} MB/s "
                   f"in {self.elapsed:.1f}s ({self.engine} engine, {self.workers} workers; "
                   f"{s.words:,} words out; parent peak memory {peak_rss_mb():.0f} MB)")
        if self.output:
            out.append(f"  output: {self.output}")
        return out

    def print(self, file=None) -> None:
        for line in self.lines():
            print(line, file=file or sys.stderr)


def peak_rss_mb(who=resource.RUSAGE_SELF) -> float:
    """Peak resident memory in MB (RUSAGE_CHILDREN: the largest finished worker process)."""
    return resource.getrusage(who).ru_maxrss / 1024
