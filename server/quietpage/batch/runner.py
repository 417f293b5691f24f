"""One batch run: list inputs, resume, run tasks on an engine, write in order, site repeats, summary."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field

from .. import rules
from ..options import Options
from . import siterepeat
from .engines import DaskEngine, InlineEngine, LocalEngine, default_workers
from .output import Sink, load_done
from .progress import Progress
from .sources import FORMATS, InputError, InputFile, iter_tasks, list_files, materialize
from .stats import Summary
from .work import init_worker, process_task


class BatchError(Exception):
    """The run cannot start (bad arguments, inputs or output state); nothing was written."""


@dataclass
class BatchConfig:
    inputs: list[str]
    output: str
    workers: int | None = None          # None: every core; 0: no pool (this process)
    engine: str = "local"               # local | dask
    scheduler: str | None = None        # dask scheduler address; None: a LocalCluster
    site_repeats: float | None = None   # share of a site's pages a block must recur on to go
    site_min_pages: int = 5
    format: str = "auto"                # how to read inputs: auto (by extension) | html | text | jsonl | warc
    resume: bool = True
    options: dict = field(default_factory=lambda: {"include_removed_text": False})  # quietpage Options
    chunk: int = 16                     # records per task
    timings: bool = False               # add "timings_ms" to each record (makes output non-deterministic)
    progress: bool | None = None        # None: when stderr is a terminal
    ship_data: bool = False             # dask: read inputs here and send them (no shared filesystem)
    inflight: int | None = None         # tasks in flight (default 4 per worker)


def spool_path(output: str) -> str:
    return output + ".pass1"


def run(inputs: list[str] | None = None, output: str | None = None, **kw) -> Summary:
    """Run a batch; returns the Summary. Raises BatchError (or QuietpageError for bad options/rules)
    before anything is written; KeyboardInterrupt is caught and reported as `summary.interrupted`."""
    cfg = kw.pop("config", None) or BatchConfig(inputs=list(inputs or []), output=output, **kw)
    return _Run(cfg).go()


class _Run:
    def __init__(self, cfg: BatchConfig):
        self.cfg = cfg
        if not cfg.inputs:
            raise BatchError("no inputs")
        if not cfg.output:
            raise BatchError("no output (-o FILE)")
        if cfg.format not in FORMATS:
            raise BatchError(f"unknown format {cfg.format!r}; one of {', '.join(FORMATS)}")
        if cfg.engine not in ("local", "dask"):
            raise BatchError(f"unknown engine {cfg.engine!r}; local or dask")
        if cfg.site_repeats is not None and not 0 < cfg.site_repeats <= 1:
            raise BatchError("--site-repeats SHARE must be in (0, 1]")
        if cfg.site_min_pages < 2:
            raise BatchError("--site-min-pages must be at least 2")
        if cfg.chunk < 1:
            raise BatchError("--chunk-size must be at least 1")
        self.opts = Options.from_dict(cfg.options)        # raises OptionsError now, not in every worker
        rules.load(tuple(self.opts.rule_files))             # raises RuleError now
        _warm_up(self.opts)
        if "repeated" in self.opts.keep_categories:
            cfg.site_repeats = None
        self.workers = default_workers() if cfg.workers is None else cfg.workers
        self.wcfg = {"options": dict(cfg.options), "site_repeats": cfg.site_repeats is not None,
                     "timings": cfg.timings}
        self.summary = Summary(cfg.engine if self.workers or cfg.engine == "dask" else "inline", self.workers)
        self.show = cfg.progress if cfg.progress is not None else _isatty()
        self.tmpdir = None

    # ------------------------------------------------------------------ main flow
    def go(self) -> Summary:
        cfg = self.cfg
        site = cfg.site_repeats is not None
        out = cfg.output
        if site:
            if out == "-":
                self.tmpdir = tempfile.TemporaryDirectory(prefix="quietpage-batch-")
                target = os.path.join(self.tmpdir.name, "pass1.jsonl")
            else:
                target = spool_path(out)
        else:
            target = out
        skipped: dict = {}
        try:
            files = list_files(cfg.inputs, cfg.format, exclude={p for p in (out, target, out + ".tmp") if p != "-"},
                               skipped=skipped)
        except InputError as e:
            raise BatchError(str(e)) from None
        for why, n in skipped.items():
            self.summary.stats.skip(why, n)
        done: set[str] = set()
        if target != "-":
            if not cfg.resume:
                for p in {target, out} - {"-"}:
                    if os.path.exists(p):
                        os.remove(p)
            else:
                if site and not os.path.exists(target) and os.path.exists(out):
                    return self._finished_site_run(files)
                done, n = load_done(target)
                self.summary.resumed = n
        self.summary.output = out if out != "-" else "<stdout>"
        self._pass1(files, target, done)
        if site and not self.summary.interrupted:
            self._site_pass(target, out)
        if self.tmpdir is not None:
            self.tmpdir.cleanup()
        return self.summary.finish()

    def _finished_site_run(self, files) -> Summary:
        """A --site-repeats run finished earlier (its spool is gone): done if no input record is new."""
        done, n = load_done(self.cfg.output)
        pending = any(t.get("recs", True) for t in iter_tasks(files, self.cfg.chunk, done))
        if pending:
            raise BatchError(f"{self.cfg.output} was finished by a --site-repeats run, and its site counts "
                             "cannot be extended with new records: use --no-resume to redo it, or a new output")
        self.summary.resumed = n
        self.summary.output = self.cfg.output
        return self.summary.finish()

    # ------------------------------------------------------------------ engines
    def _engine(self, for_pass1: bool, initializer=None, initargs=()):
        cfg = self.cfg
        if for_pass1 and cfg.engine == "dask":
            return DaskEngine(self.workers or default_workers(), cfg.scheduler, cfg.inflight)
        if self.workers == 0:
            return InlineEngine(initializer, initargs)
        return LocalEngine(self.workers, initializer, initargs, cfg.inflight)

    def _pass1(self, files: list[InputFile], target: str, done: set[str]) -> None:
        cfg = self.cfg
        total = sum(f.size for f in files)
        progress = Progress(total, self.show)
        tasks = iter_tasks(files, cfg.chunk, done, on_skip=lambda nbytes, n: progress.less(nbytes))
        sink = Sink(target, append=bool(done) or (cfg.resume and target != "-"))
        engine = None
        try:
            engine = self._engine(True, init_worker, (self.wcfg,))
            self.summary.workers = engine.workers
            if isinstance(engine, DaskEngine):
                tasks = self._numbered(tasks, ship=cfg.ship_data)
                results = engine.map_ordered(process_task, tasks, self.wcfg)
            else:
                results = engine.map_ordered(process_task, self._numbered(tasks))
            for t, (_seq, blob, st) in results:
                sink.write(blob)
                self.summary.stats.add(st)
                progress.advance(t.get("nbytes", 0), st["records"])
        except KeyboardInterrupt:
            self.summary.interrupted = True
            if engine is not None:
                engine.close(kill=True)
        finally:
            sink.close()
            progress.close()
            if engine is not None:
                engine.close()

    def _numbered(self, tasks, ship: bool = False):
        for seq, t in enumerate(tasks):
            if ship:
                t = materialize(t, self.opts.max_bytes)
            t["seq"] = seq
            yield t

    # ------------------------------------------------------------------ site repeats
    def _site_pass(self, spool: str, out: str) -> None:
        cfg = self.cfg
        size = os.path.getsize(spool)
        spool_file = [InputFile(spool, spool, "jsonl", size)]
        counts: dict = {}
        engine = self._engine(False)
        try:
            for _t, part in engine.map_ordered(count_task, self._numbered(iter_tasks(spool_file, 256, set()))):
                siterepeat.merge_counts(counts, part)
        except KeyboardInterrupt:
            self.summary.interrupted = True
            engine.close(kill=True)
            return
        finally:
            engine.close()
        table = siterepeat.repeated_table(counts, cfg.site_repeats, cfg.site_min_pages)
        tmp = out + ".tmp" if out != "-" else "-"
        sink = Sink(tmp, append=False)
        removed = changed = words = 0
        engine = self._engine(False, init_apply, (table, self.opts.include_removed_text))
        progress = Progress(size, self.show, desc="site repeats")
        try:
            for t, (_seq, blob, n_removed, n_changed, n_words) in engine.map_ordered(
                    apply_task, self._numbered(iter_tasks(spool_file, 256, set()))):
                sink.write(blob)
                removed += n_removed
                changed += n_changed
                words += n_words
                progress.advance(t.get("nbytes", 0), 0)
        except KeyboardInterrupt:
            self.summary.interrupted = True
            engine.close(kill=True)
        finally:
            sink.close()
            progress.close()
            engine.close()
        if self.summary.interrupted:
            if tmp != "-" and os.path.exists(tmp):
                os.remove(tmp)
            return
        if tmp != "-":
            os.replace(tmp, out)
        os.remove(spool)
        self.summary.stats.removed["repeated"] += removed
        self.summary.stats.words += words
        self.summary.site = {"share": cfg.site_repeats, "min_pages": cfg.site_min_pages, "sites": len(table),
                             "sites_seen": len(counts), "removed": removed, "pages_changed": changed,
                             "repeated_blocks": sum(len(rep) for _p, rep in table.values())}


_WARM = ("<html><head><title>Warm-up</title></head><body><article><h1>Warm-up</h1>"
         + "<p>The first page a process cleans pays for lazy imports and compiled patterns.</p>" * 4
         + "</article></body></html>")


def _warm_up(opts: Options) -> None:
    """Clean one small page here before the pool forks, so that workers start warm."""
    from .. import clean
    try:
        clean(_WARM, options=opts)
    except Exception:
        pass


def _isatty() -> bool:
    import sys
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


# ---------------------------------------------------------------- site-pass worker functions

def _range_lines(task: dict):
    with open(task["path"], "rb") as fh:
        fh.seek(task["start"])
        data = fh.read(task["end"] - task["start"])
    return data.splitlines(keepends=True)


def count_task(task: dict) -> dict:
    return siterepeat.count_lines(_range_lines(task))


count_task.crash_result = lambda task, why: {}

_apply_state: dict = {}


def init_apply(table: dict, with_text: bool) -> None:
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _apply_state["table"], _apply_state["with_text"] = table, with_text


def apply_task(task: dict):
    import json
    from .work import _dumps
    table, with_text = _apply_state["table"], _apply_state["with_text"]
    parts, removed, changed, words = [], 0, 0, 0
    for line in _range_lines(task):
        if not line.strip():
            continue
        rec = json.loads(line)
        before = (rec.get("result") or {}).get("word_count") or 0
        n = siterepeat.apply(rec, table, with_text)
        if n:
            removed += n
            changed += 1
            words += rec["result"]["word_count"] - before
        rec.pop("_site", None)
        rec.pop("_protect", None)
        parts.append(_dumps(rec))
    return task["seq"], b"".join(parts), removed, changed, words
