"""Bounded, CPU-parallel execution of clean requests.

The engine is CPU-bound Python, so threads alone would share one core (the GIL). With `workers > 0`
requests go to a pool of worker processes (one per core by default) while waitress's threads only
move bytes. Admission is bounded: at most `slots` requests are with the engine, at most
`max_waiting` more wait (up to `queue_timeout` seconds) for a slot; anything beyond is refused with
503 at once, so an overloaded service answers quickly instead of piling up work.
"""
from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
import sys
import threading
from concurrent.futures.process import BrokenProcessPool

from . import work

log = logging.getLogger("quietpage.web")


class Overloaded(Exception):
    def __init__(self, detail: str, retry_after: int = 1):
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after


def _mp_context():
    methods = multiprocessing.get_all_start_methods()
    # forkserver: safe to start from a threaded server (fork is not), cheaper than spawn.
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


class Dispatcher:
    def __init__(self, workers: int = 0, slots: int | None = None, max_waiting: int = 8,
                 queue_timeout: float = 15.0, time_limit: float | None = 20.0,
                 rule_files: tuple[str, ...] = ()):
        self.workers = max(0, int(workers))
        self.slots = int(slots) if slots else max(1, self.workers) * 2
        self.max_waiting = max(0, int(max_waiting))
        self.queue_timeout = float(queue_timeout)
        self.time_limit = float(time_limit) if time_limit else None
        self.rule_files = tuple(rule_files)
        self._sem = threading.BoundedSemaphore(self.slots)
        self._lock = threading.Lock()
        self._waiting = 0
        self._active = 0
        self._pool: cf.ProcessPoolExecutor | None = None
        self._closed = False

    # -- pool lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Start the worker processes now and wait until each has warmed up."""
        if self.workers:
            pool = self._get_pool()
            list(pool.map(work.ping, range(self.workers * 2)))

    def _get_pool(self) -> cf.ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise Overloaded("the service is shutting down")
            if self._pool is None:
                self._pool = cf.ProcessPoolExecutor(self.workers, mp_context=_mp_context(),
                                                    initializer=work.worker_init,
                                                    initargs=(self.rule_files,))
            return self._pool

    def _discard_pool(self, pool: cf.ProcessPoolExecutor, kill: bool) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        if kill:  # a worker is stuck past the time limit (in C code the alarm cannot interrupt)
            for p in list(getattr(pool, "_processes", {}).values()):
                try:
                    p.kill()
                except Exception:
                    pass
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def pids(self) -> list[int]:
        pool = self._pool
        return sorted(getattr(pool, "_processes", {}) or {}) if pool else []

    # -- requests ---------------------------------------------------------------------------------
    def stats(self) -> dict:
        return {"workers": self.workers, "slots": self.slots, "active": self._active,
                "waiting": self._waiting, "max_waiting": self.max_waiting}

    def run(self, spec: dict) -> dict:
        got = self._sem.acquire(blocking=False)
        if not got:
            with self._lock:
                if self._waiting >= self.max_waiting:
                    raise Overloaded(f"{self._active} requests are being cleaned and {self._waiting} "
                                     "are waiting; try again shortly")
                self._waiting += 1
            try:
                got = self._sem.acquire(timeout=self.queue_timeout)
            finally:
                with self._lock:
                    self._waiting -= 1
            if not got:
                raise Overloaded(f"no engine slot came free within {self.queue_timeout:g} s")
        with self._lock:
            self._active += 1
        try:
            return self._execute(spec)
        finally:
            with self._lock:
                self._active -= 1
            self._sem.release()

    def _execute(self, spec: dict) -> dict:
        spec = dict(spec, rule_files=self.rule_files)
        if not self.workers:
            return work.handle(spec)
        pool = self._get_pool()
        try:
            fut = pool.submit(work.handle_limited, spec, self.time_limit)
        except (BrokenProcessPool, RuntimeError):
            self._discard_pool(pool, kill=False)
            raise Overloaded("the worker pool is restarting")
        backstop = self.time_limit + 10 if self.time_limit else None
        try:
            return fut.result(timeout=backstop)
        except cf.TimeoutError:
            log.error("a worker did not return within %.0f s; restarting the pool", backstop)
            self._discard_pool(pool, kill=True)
            raise Overloaded("a worker was stuck and has been restarted", retry_after=2)
        except BrokenProcessPool:
            log.error("a worker process died; restarting the pool")
            self._discard_pool(pool, kill=False)
            raise Overloaded("a worker process died and has been restarted", retry_after=2)


def default_workers() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    return max(1, n)
