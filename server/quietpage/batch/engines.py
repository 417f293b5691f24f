"""Where tasks run: a local process pool, a Dask cluster, or (workers=0) this process.

Every engine offers `map_ordered(fn, tasks, *args)`: results in task order, at most `inflight` tasks
submitted and not yet handed on (so memory stays flat however big the input), and a task whose worker
dies is retried once and then reported as error records, never dropped."""
from __future__ import annotations

import logging
import multiprocessing as mp
import os
import sys
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from .output import Reorder
from .work import crashed_task


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _crash_result(task: dict, fn, why: str):
    if getattr(fn, "crash_result", None):
        return fn.crash_result(task, why)
    return crashed_task(task, why)


class InlineEngine:
    """No pool: run tasks here, one after another (debugging; `--workers 0`)."""
    name = "inline"

    def __init__(self, initializer=None, initargs=()):
        if initializer:
            initializer(*initargs)
        self.workers = 1

    def map_ordered(self, fn, tasks, *args):
        for t in tasks:
            yield t, fn(t, *args)

    def close(self, kill: bool = False) -> None:
        pass


class LocalEngine:
    """A process pool of `workers` processes (fork on Linux: workers inherit the loaded engine)."""
    name = "local"

    def __init__(self, workers: int, initializer=None, initargs=(), inflight: int | None = None):
        self.workers = workers
        self.initializer, self.initargs = initializer, initargs
        self.inflight = inflight or max(4, workers * 4)
        methods = mp.get_all_start_methods()
        self.ctx = mp.get_context("fork" if "fork" in methods and sys.platform != "darwin" else "spawn")
        self.ex = None
        self._start()

    def _start(self) -> None:
        self.ex = ProcessPoolExecutor(self.workers, mp_context=self.ctx, initializer=self.initializer,
                                      initargs=self.initargs)

    def map_ordered(self, fn, tasks, *args):
        """Results in input order. When a worker dies, every task in flight is lost with the pool; those
        tasks are then run again one at a time, so that the task that kills its worker by itself is the
        one reported (as error records), not the innocent ones that shared the pool with it."""
        pending: dict = {}
        reorder = Reorder()
        suspects: list = []          # tasks lost in a crash, re-run alone
        it = iter(tasks)
        exhausted = False
        while True:
            if suspects:
                if not pending:
                    t = suspects.pop(0)
                    pending[self.ex.submit(fn, t, *args)] = t
                    alone = True
            else:
                alone = False
                while not exhausted and len(pending) + len(reorder) < self.inflight:
                    t = next(it, None)
                    if t is None:
                        exhausted = True
                        break
                    pending[self.ex.submit(fn, t, *args)] = t
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            lost = []
            for f in done:
                t = pending.pop(f)
                try:
                    r = f.result()
                except BrokenProcessPool:
                    lost.append(t)
                    continue
                except Exception as e:  # the task itself raised: report its records
                    r = _crash_result(t, fn, f"task failed: {type(e).__name__}: {e}")
                for item in reorder.put(t["seq"], (t, r)):
                    yield item
            if lost:
                lost += list(pending.values())
                pending.clear()
                self.close(kill=True)
                self._start()
                if alone and len(lost) == 1:
                    # it ran by itself and its worker died: this task is the cause
                    t = lost[0]
                    r = _crash_result(t, fn, "the worker process died on this part of the input "
                                             "(out of memory or a crash in a native library)")
                    for item in reorder.put(t["seq"], (t, r)):
                        yield item
                else:
                    suspects = sorted(suspects + lost, key=lambda x: x["seq"])

    def close(self, kill: bool = False) -> None:
        ex, self.ex = self.ex, None
        if ex is None:
            return
        if kill:
            procs = list((getattr(ex, "_processes", None) or {}).values())
            ex.shutdown(wait=False, cancel_futures=True)
            for p in procs:
                try:
                    p.terminate()
                except Exception:
                    pass
            for p in procs:
                try:
                    p.join(2)
                except Exception:
                    pass
        else:
            ex.shutdown(wait=True)


class DaskEngine:
    """dask.distributed: a scheduler at `address`, or a LocalCluster of `workers` processes."""
    name = "dask"

    def __init__(self, workers: int, address: str | None = None, inflight: int | None = None):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise RuntimeError("the dask engine needs dask.distributed: pip install 'quietpage[dask]'") from None
        self.cluster = None
        if address:
            self.client = Client(address, timeout="30s")
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        n = len(self.client.scheduler_info().get("workers", {})) or workers
        self.workers = n
        self.inflight = inflight or max(4, n * 4)
        import uuid
        self.token = uuid.uuid4().hex[:12]

    def map_ordered(self, fn, tasks, *args):
        from dask.distributed import as_completed
        reorder = Reorder()
        it = iter(tasks)
        exhausted = False
        ac = as_completed()
        owner: dict = {}
        outstanding = 0

        def fill():
            nonlocal exhausted, outstanding
            while not exhausted and outstanding + len(reorder) < self.inflight:
                t = next(it, None)
                if t is None:
                    exhausted = True
                    return
                fut = self.client.submit(fn, t, *args, key=f"quietpage-{self.token}-{t['seq']}", pure=False)
                owner[fut.key] = t
                ac.add(fut)
                outstanding += 1

        fill()
        while outstanding:
            fut = next(ac)
            outstanding -= 1
            t = owner.pop(fut.key)
            try:
                r = fut.result()
            except Exception as e:  # KilledWorker after dask's retries, or the task raised
                r = _crash_result(t, fn, f"task failed on the cluster: {type(e).__name__}: {e}")
            fut.release()
            for item in reorder.put(t["seq"], (t, r)):
                yield item
            fill()

    def close(self, kill: bool = False) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()
                self.cluster = None
