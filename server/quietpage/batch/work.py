"""Worker side: clean one task's records and return finished JSON lines (bytes) and counters.

The same function runs in a local process pool and on Dask workers. The parent receives one bytes
object per task and writes it as it is: no per-record pickling, no parsing in the parent."""
from __future__ import annotations

import json
import time

from ..errors import QuietpageError
from ..options import Options
from .sources import Rec, read_task
from .stats import Stats

_cache: dict = {}


def options_for(cfg: dict) -> Options:
    key = json.dumps(cfg.get("options") or {}, sort_keys=True)
    opts = _cache.get(key)
    if opts is None:
        opts = Options.from_dict(cfg.get("options") or {})
        _cache.clear()
        _cache[key] = opts
    return opts


def init_worker(cfg: dict) -> None:
    """Process-pool initializer: Ctrl-C is the parent's business; load the rules once."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    opts = options_for(cfg)
    from .. import rules
    rules.load(tuple(opts.rule_files))
    global _default_cfg
    _default_cfg = cfg


_default_cfg: dict | None = None


def _dumps(obj: dict) -> bytes:
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    try:
        return s.encode("utf-8") + b"\n"
    except UnicodeEncodeError:      # lone surrogates from a JSON input: escape them
        return json.dumps(obj, ensure_ascii=True, separators=(",", ":")).encode("ascii") + b"\n"


def _clean_one(rec: Rec, opts: Options):
    from .. import clean
    if rec.kind == "text":
        return clean(text=rec.payload, url=rec.url, options=opts)
    return clean(rec.payload, url=rec.url, options=opts)


def record_for(rec: Rec, opts: Options, cfg: dict, stats: Stats) -> dict:
    out = {"id": rec.id, "url": rec.url, "source": rec.source}
    if rec.kind == "error":
        out["error"] = {"code": rec.code, "message": rec.message}
        stats.error(rec.code)
        return out
    t0 = time.perf_counter()
    try:
        res = _clean_one(rec, opts)
    except QuietpageError as e:
        out["error"] = {"code": e.code, "message": e.message}
        stats.error(e.code)
    except Exception as e:  # a bug in the engine must not stop a corpus run; report it on the record
        out["error"] = {"code": "internal_error", "message": f"{type(e).__name__}: {str(e)[:300]}"}
        stats.error("internal_error")
    else:
        d = res.to_dict()
        out["result"] = d
        stats.result(d)
        if cfg.get("site_repeats"):
            from .siterepeat import protected_hashes, site_of
            html = rec.payload if rec.kind == "html" else None
            out["_site"] = site_of(rec.url, html)
            prot = protected_hashes(html)
            if prot:
                out["_protect"] = prot
    if cfg.get("timings"):
        out["timings_ms"] = {"clean": round((time.perf_counter() - t0) * 1000, 2)}
    return out


def process_task(task: dict, cfg: dict | None = None) -> tuple[int, bytes, dict]:
    """Clean every record of a task. Returns (seq, JSON lines, stats dict). Never raises for a record."""
    cfg = cfg if cfg is not None else (_default_cfg or {})
    opts = options_for(cfg)
    stats = Stats()
    stats.bytes_in = task.get("nbytes", 0)
    for why, n in (task.get("skipped") or {}).items():
        stats.skip(why, n)
    parts = []
    for rec in read_task(task, opts.max_bytes):
        parts.append(_dumps(record_for(rec, opts, cfg, stats)))
    return task.get("seq", 0), b"".join(parts), stats.to_dict()


def crashed_task(task: dict, message: str) -> tuple[int, bytes, dict]:
    """Error records for every record of a task whose worker died (so nothing is silently dropped)."""
    from .sources import task_sources
    stats = Stats()
    stats.bytes_in = task.get("nbytes", 0)
    parts = []
    for src, rid, url in task_sources(task):
        stats.error("worker_crashed")
        parts.append(_dumps({"id": rid, "url": url, "source": src,
                             "error": {"code": "worker_crashed", "message": message}}))
    return task.get("seq", 0), b"".join(parts), stats.to_dict()
