"""Bounded, CPU-parallel execution of clean requests.

The engine is CPU-bound Python, so threads alone would share one core (the GIL). With `workers > 0`
each request is handed to one of N worker processes (one per core by default) over a pipe: the
request thread sends the body, blocks (without the GIL) until the worker answers with the finished
JSON, and the main process only moves bytes. One request per worker at a time; at most
`max_waiting` more requests wait (up to `queue_timeout` seconds) for a free worker, and anything
beyond is refused with 503 at once, so an overloaded service answers quickly instead of piling up work.

A worker that overruns the time limit is interrupted by its own alarm (422); one that does not answer
even then (stuck in C code) is killed and replaced, as is one that dies.

With `workers == 0` the engine runs in the request thread, `slots` at a time (tests, debugging).
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import threading
import time

from . import work

log = logging.getLogger("quietpage.web")
GRACE = 5.0   # seconds past the time limit before a silent worker is killed


class Overloaded(Exception):
    def __init__(self, detail: str, retry_after: int = 1, code: str = "overloaded"):
        super().__init__(detail)
        self.detail, self.retry_after, self.code = detail, retry_after, code


def _mp_context():
    methods = multiprocessing.get_all_start_methods()
    # forkserver: safe to use from a threaded server (fork is not) and cheaper than spawn.
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


PIPE_BYTES = 1 << 20   # pipe buffer (Linux): a request body up to this size is written in one go


def _widen(conn) -> None:
    """Linux pipes hold 64 KiB by default: a 180 kB body then takes three write/wake-up/read rounds
    between the two processes. With 1 MiB (the unprivileged maximum) most bodies take one."""
    try:
        import fcntl
        fcntl.fcntl(conn.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except (ImportError, OSError, ValueError, AttributeError):
        pass   # not Linux, or a lower /proc/sys/fs/pipe-max-size: the default buffer works too


class _Worker:
    """One engine process and its two one-way pipes (requests in, answers out)."""

    def __init__(self, ctx, rule_files: tuple[str, ...], time_limit: float | None):
        req_r, self.requests = ctx.Pipe(duplex=False)
        self.responses, resp_w = ctx.Pipe(duplex=False)
        if hasattr(os, "fork"):   # POSIX: os.pipe underneath
            _widen(self.requests)
            _widen(self.responses)
        self.proc = ctx.Process(target=work.worker_main, args=(req_r, resp_w, rule_files, time_limit),
                                name="quietpage-worker", daemon=True)
        self.proc.start()
        req_r.close()
        resp_w.close()
        self.ready = False

    def wait_ready(self, timeout: float) -> bool:
        if not self.ready and self.responses.poll(timeout):
            self.ready = self.responses.recv_bytes() == b"ready"
        return self.ready

    def call(self, spec: dict, timeout: float | None) -> dict | None:
        """The worker's answer, or None when it did not answer in time."""
        self.requests.send_bytes(work.pack_request(spec))
        if timeout is not None and not self.responses.poll(timeout):
            return None
        return work.unpack_response(self.responses.recv_bytes())

    def stop(self, kill: bool = False) -> None:
        for c in (self.requests, self.responses):
            try:
                c.close()
            except OSError:
                pass
        if kill:
            self.proc.kill()
        self.proc.join(2 if not kill else 5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)


class Dispatcher:
    def __init__(self, workers: int = 0, slots: int | None = None, max_waiting: int = 8,
                 queue_timeout: float = 15.0, time_limit: float | None = 20.0,
                 rule_files: tuple[str, ...] = ()):
        self.workers = max(0, int(workers))
        self.slots = self.workers or (int(slots) if slots else 2)
        self.max_waiting = max(0, int(max_waiting))
        self.queue_timeout = float(queue_timeout)
        self.time_limit = float(time_limit) if time_limit else None
        self.rule_files = tuple(rule_files)
        self._lock = threading.Lock()
        self._waiting = 0
        self._active = 0
        self._idle: queue.LifoQueue = queue.LifoQueue()   # free workers (or tokens when workers == 0)
        self._all: list[_Worker] = []
        self._started = False
        self._closed = False
        self._ctx = _mp_context() if self.workers else None

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self, timeout: float = 120.0) -> None:
        """Start the workers and wait until each has warmed up (idempotent)."""
        with self._lock:
            if self._started:
                return
            self._started = True
            if not self.workers:
                for i in range(self.slots):
                    self._idle.put(i)
                return
            new = [_Worker(self._ctx, self.rule_files, self.time_limit) for _ in range(self.workers)]
            self._all = list(new)
        deadline = time.monotonic() + timeout
        for w in new:
            if not w.wait_ready(max(0.1, deadline - time.monotonic())):
                raise RuntimeError("an engine worker did not start; see the messages above")
            self._idle.put(w)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._all = self._all, []
        for w in workers:
            w.stop()

    def pids(self) -> list[int]:
        return [w.proc.pid for w in self._all]

    def _replace(self, dead: _Worker, kill: bool) -> None:
        """Stop a broken worker and put a fresh one in its place (in the background)."""
        def run():
            dead.stop(kill=kill)
            with self._lock:
                if self._closed:
                    return
            try:
                w = _Worker(self._ctx, self.rule_files, self.time_limit)
                if not w.wait_ready(120):
                    raise RuntimeError("did not start")
            except Exception:
                log.exception("could not start a replacement engine worker")
                return
            with self._lock:
                if self._closed:
                    w.stop()
                    return
                self._all = [x for x in self._all if x is not dead] + [w]
            self._idle.put(w)
        threading.Thread(target=run, name="quietpage-respawn", daemon=True).start()

    # -- requests --------------------------------------------------------------------------------
    def stats(self) -> dict:
        return {"workers": self.workers, "slots": self.slots, "active": self._active,
                "waiting": self._waiting, "max_waiting": self.max_waiting}

    def _acquire(self):
        if not self._started:
            self.start()
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._closed:
                raise Overloaded("the service is shutting down")
            if self._waiting >= self.max_waiting:
                raise Overloaded(f"{self._active} requests are being cleaned and {self._waiting} "
                                 "are waiting; try again shortly")
            self._waiting += 1
        try:
            return self._idle.get(timeout=self.queue_timeout)
        except queue.Empty:
            raise Overloaded(f"no engine worker came free within {self.queue_timeout:g} s") from None
        finally:
            with self._lock:
                self._waiting -= 1

    def run(self, spec: dict) -> dict:
        slot = self._acquire()
        with self._lock:
            self._active += 1
        healthy = True
        try:
            if not self.workers:
                return work.handle(dict(spec, rule_files=self.rule_files))
            timeout = self.time_limit + GRACE if self.time_limit else None
            try:
                out = slot.call(spec, timeout)
            except (OSError, EOFError):
                healthy = False
                log.error("an engine worker died; replacing it")
                self._replace(slot, kill=True)
                raise Overloaded("an engine worker stopped and is being replaced; try again",
                                 retry_after=2, code="worker_restarted") from None
            if out is None:
                healthy = False
                log.error("an engine worker did not answer within %.0f s; replacing it", timeout)
                self._replace(slot, kill=True)
                return {"status": 422, "code": "time_limit_exceeded", "title": "Time limit exceeded",
                        "detail": f"cleaning this input took longer than the limit of {self.time_limit:g} s"}
            return out
        finally:
            with self._lock:
                self._active -= 1
            if healthy:
                self._idle.put(slot)


def default_workers() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    return max(1, n)
