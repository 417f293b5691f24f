"""Inputs: list files, cut them into tasks (parent side), and read a task's records (worker side).

A task is a small dict, cheap to pickle: the parent never reads page bodies when it can avoid it.

    {"k": "files", "kind": "html"|"text", "files": [(path, id, size), ...]}
    {"k": "jsonl", "path", "start", "end", "line0", "skip": [line numbers already done]}
    {"k": "warc", "path", "offsets": [(offset, index), ...]}
    {"k": "lines", "path", "lines": [(lineno, bytes), ...]}       # .jsonl.gz and stdin: read by the parent
    {"k": "records", "recs": [Rec, ...]}                            # already read (--ship-data, errors)

Every task also has "seq" (its place in the output) and "nbytes" (input bytes, for the progress bar).

Record sources (the resume key, unique per input record):
    an HTML/text file: its path;  a JSONL line: "path:LINE" (1-based);  a WARC record: "path@OFFSET".
"""
from __future__ import annotations

import gzip
import io
import json
import os
import zlib
from dataclasses import dataclass
from typing import Iterator

HTML_EXT = (".html", ".htm", ".xhtml", ".shtml")
JSONL_EXT = (".jsonl", ".ndjson", ".jl")
WARC_EXT = (".warc", ".arc")
FORMATS = ("auto", "html", "text", "jsonl", "warc")
TASK_BYTES = 8 << 20          # cut a task at this many input bytes...
BLOCK = 1 << 20               # ...and read big files in blocks of this size


@dataclass
class Rec:
    """One input record, ready to clean (or already an error)."""
    source: str
    id: object
    url: str | None
    kind: str = "html"            # html | text | error
    payload: object = None        # bytes/str for html, str for text
    code: str = ""                # for kind == "error"
    message: str = ""


class InputError(Exception):
    """A command-line input that cannot be used at all (missing path): stops the run before it starts."""


def _strip_gz(name: str) -> tuple[str, bool]:
    low = name.lower()
    return (low[:-3], True) if low.endswith(".gz") else (low, False)


def kind_of(path: str, fmt: str = "auto") -> str | None:
    """The input kind of a file by its extension (or the forced --format); None: not an input."""
    if fmt != "auto":
        return fmt
    base, _gz = _strip_gz(os.path.basename(path))
    if base.endswith(HTML_EXT):
        return "html"
    if base.endswith(JSONL_EXT):
        return "jsonl"
    if base.endswith(WARC_EXT):
        return "warc"
    return None


@dataclass
class InputFile:
    path: str
    id: str
    kind: str
    size: int


def list_files(inputs: list[str], fmt: str = "auto", exclude: set[str] | None = None,
               skipped: dict | None = None) -> list[InputFile]:
    """Expand the command line into files in a stable order: arguments in order, directories walked in
    sorted order. A directory's files of unknown type are counted in `skipped`, not read."""
    exclude = {os.path.realpath(p) for p in (exclude or ())}
    out: list[InputFile] = []
    for arg in inputs:
        if arg == "-":
            out.append(InputFile("-", "-", "jsonl" if fmt in ("auto", "jsonl") else fmt, 0))
            continue
        if os.path.isdir(arg):
            for root, dirs, files in os.walk(arg):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    p = os.path.join(root, name)
                    if os.path.realpath(p) in exclude:
                        continue
                    k = kind_of(p, fmt)
                    if k is None:
                        if skipped is not None:
                            skipped["unknown file type"] = skipped.get("unknown file type", 0) + 1
                        continue
                    try:
                        size = os.path.getsize(p)
                    except OSError:
                        size = 0
                    rel = os.path.relpath(p, arg).replace(os.sep, "/")
                    out.append(InputFile(p, rel, k, size))
        elif os.path.exists(arg):
            k = kind_of(arg, fmt) or "html"   # a file named on the command line is read as HTML by default
            out.append(InputFile(arg, arg, k, os.path.getsize(arg)))
        else:
            raise InputError(f"input not found: {arg}")
    return out


# ---------------------------------------------------------------- parent side: files -> tasks

def iter_tasks(files: list[InputFile], chunk: int, done: set[str], on_skip=None,
               on_error=None) -> Iterator[dict]:
    """Tasks in output order. Records whose source is in `done` are left out; `on_skip(nbytes, n)` is
    told about fully skipped work (for the progress total)."""
    group: list = []
    group_kind, group_bytes = None, 0

    def flush_group():
        nonlocal group, group_bytes
        if group:
            t = {"k": "files", "kind": group_kind, "files": group, "nbytes": group_bytes}
            group, group_bytes = [], 0
            return t
        return None

    for f in files:
        if f.kind in ("html", "text"):
            if f.path in done:
                if on_skip:
                    on_skip(f.size, 1)
                continue
            if group and (group_kind != f.kind or len(group) >= chunk or group_bytes + f.size > TASK_BYTES):
                yield flush_group()
            group_kind = f.kind
            group.append((f.path, f.id, f.size))
            group_bytes += f.size
            continue
        t = flush_group()
        if t:
            yield t
        if f.kind == "jsonl":
            if f.path == "-" or _strip_gz(f.path)[1]:
                yield from _jsonl_stream_tasks(f, chunk, done, on_skip)
            else:
                yield from _jsonl_range_tasks(f, chunk, done, on_skip)
        elif f.kind == "warc":
            yield from _warc_tasks(f, chunk, done, on_skip)
        else:
            raise InputError(f"unknown input format {f.kind!r}")
    t = flush_group()
    if t:
        yield t


def _jsonl_range_tasks(f: InputFile, chunk: int, done: set[str], on_skip) -> Iterator[dict]:
    """Cut a plain JSONL file at line boundaries into byte ranges that workers read themselves. The
    parent only scans for newlines (and blank lines, which are not records), a block at a time."""
    try:
        fh = open(f.path, "rb")
    except OSError as e:
        yield _error_task(f.path, f.id, "read_error", f"cannot read {f.path}: {e.strerror or e}")
        return
    with fh:
        start, lineno, line0 = 0, 1, 1       # task start offset, current line number, task's first line
        nonblank: list[int] = []             # non-blank line numbers in the current task
        block_at = 0                         # file offset of the current block
        line_has_text = False
        while True:
            block = fh.read(BLOCK)
            if not block:
                break
            i, n = 0, len(block)
            while i < n:
                j = block.find(b"\n", i)
                if not line_has_text:
                    seg = block[i:n if j < 0 else j]
                    line_has_text = bool(seg) and not seg.isspace()
                if j < 0:
                    break
                if line_has_text:
                    nonblank.append(lineno)
                line_has_text = False
                lineno += 1
                i = j + 1
                end = block_at + i
                if len(nonblank) >= chunk or end - start >= TASK_BYTES:
                    t = _range_task(f, start, end, line0, nonblank, done, on_skip)
                    if t:
                        yield t
                    start, line0, nonblank = end, lineno, []
            block_at += n
        if line_has_text:                     # a last line without a trailing newline
            nonblank.append(lineno)
        if block_at > start:
            t = _range_task(f, start, block_at, line0, nonblank, done, on_skip)
            if t:
                yield t


def _range_task(f: InputFile, start: int, end: int, line0: int, nonblank: list[int], done: set[str],
                on_skip) -> dict | None:
    if not nonblank:
        return None
    skip = [ln for ln in nonblank if f"{f.path}:{ln}" in done] if done else []
    if len(skip) == len(nonblank):
        if on_skip:
            on_skip(end - start, len(skip))
        return None
    return {"k": "jsonl", "path": f.path, "start": start, "end": end, "line0": line0, "skip": skip,
            "nbytes": end - start}


def _jsonl_stream_tasks(f: InputFile, chunk: int, done: set[str], on_skip) -> Iterator[dict]:
    """A gzip-compressed JSONL file or standard input cannot be seeked into: the parent reads the lines
    (raw bytes, not parsed) and ships them."""
    import sys
    try:
        raw = sys.stdin.buffer if f.path == "-" else open(f.path, "rb")
    except OSError as e:
        yield _error_task(f.path, f.id, "read_error", f"cannot read {f.path}: {e.strerror or e}")
        return
    fh = raw if f.path == "-" else gzip.GzipFile(fileobj=raw)
    lines, nbytes, lineno = [], 0, 0
    try:
        try:
            for line in fh:
                lineno += 1
                if not line.strip():
                    continue
                if done and f"{f.path}:{lineno}" in done:
                    if on_skip:
                        on_skip(len(line), 1)
                    continue
                lines.append((lineno, line))
                nbytes += len(line)
                if len(lines) >= chunk or nbytes >= TASK_BYTES:
                    yield {"k": "lines", "path": f.path, "lines": lines, "nbytes": nbytes}
                    lines, nbytes = [], 0
        except (EOFError, OSError, zlib.error) as e:
            if lines:
                yield {"k": "lines", "path": f.path, "lines": lines, "nbytes": nbytes}
                lines, nbytes = [], 0
            src = f"{f.path}:{lineno + 1}"
            if src not in done:
                yield _error_task(src, src, *_gzip_error(e))
        if lines:
            yield {"k": "lines", "path": f.path, "lines": lines, "nbytes": nbytes}
    finally:
        if f.path != "-":
            fh.close()
            raw.close()


def _gzip_error(e: Exception) -> tuple[str, str]:
    if isinstance(e, EOFError):
        return "truncated_input", f"compressed input ends early (truncated gzip): {e}"
    return "bad_gzip", f"compressed input is corrupt: {e}"


def _error_task(source: str, rid, code: str, message: str, url=None) -> dict:
    return {"k": "records", "recs": [Rec(source, rid, url, "error", None, code, message)], "nbytes": 0}


HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")


def _warc_page(rec) -> tuple[bool, str]:
    """Is this WARC record a page to clean? (record types response/resource, 2xx, an HTML-like type)"""
    if rec.rec_type not in ("response", "resource"):
        return False, f"WARC {rec.rec_type} record"
    if rec.rec_type == "response" and rec.http_headers is not None:
        code = rec.http_headers.get_statuscode() or ""
        if not code.startswith("2"):
            return False, f"HTTP {code[:1] or '?'}xx response"
        ctype = (rec.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    else:
        ctype = (rec.rec_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if ctype and not ctype.startswith(HTML_TYPES):
        return False, "not HTML (content type)"
    return True, ""


def _warc_tasks(f: InputFile, chunk: int, done: set[str], on_skip) -> Iterator[dict]:
    """Scan a WARC file for the offsets of its page records (headers only); workers seek to them."""
    from warcio.archiveiterator import ArchiveIterator
    try:
        fh = open(f.path, "rb")
    except OSError as e:
        yield _error_task(f.path, f.id, "read_error", f"cannot read {f.path}: {e.strerror or e}")
        return
    offsets: list = []
    mark = 0                                  # file offset where the previous task's bytes ended
    skipped: dict[str, int] = {}
    with fh:
        it = ArchiveIterator(fh, arc2warc=True)
        index, off = 0, 0
        try:
            for rec in it:
                off = it.get_record_offset()
                ok, why = _warc_page(rec)
                if not ok:
                    skipped[why] = skipped.get(why, 0) + 1
                    continue
                index += 1
                src = f"{f.path}@{off}"
                if done and src in done:
                    if on_skip:
                        on_skip(0, 1)
                    continue
                offsets.append((off, index))
                if len(offsets) >= chunk:
                    yield {"k": "warc", "path": f.path, "offsets": offsets, "nbytes": max(0, off - mark)}
                    offsets, mark = [], off
        except Exception as e:  # truncated or corrupt: report where, keep what came before
            if offsets:
                yield {"k": "warc", "path": f.path, "offsets": offsets, "nbytes": max(0, off - mark)}
                offsets, mark = [], off
            pos = _safe_offset(it, off)
            src = f"{f.path}@{pos}"
            if src not in done:
                code, msg = _gzip_error(e) if isinstance(e, (EOFError, zlib.error)) else \
                    ("bad_warc", f"unreadable WARC record: {type(e).__name__}: {e}")
                t = _error_task(src, src, code, msg)
                t["nbytes"] = max(0, f.size - mark)
                mark = f.size
                yield t
        else:
            end = _safe_offset(it, f.size)
            if end < f.size:
                # warcio stops quietly at a record cut short inside its gzip member: say so
                if offsets:
                    yield {"k": "warc", "path": f.path, "offsets": offsets, "nbytes": max(0, end - mark)}
                    offsets, mark = [], end
                src = f"{f.path}@{end}"
                if src not in done:
                    t = _error_task(src, src, "truncated_input",
                                    f"the last {f.size - end:,} bytes of the file are not a complete WARC record")
                    t["nbytes"] = max(0, f.size - mark)
                    mark = f.size
                    yield t
    if offsets:
        yield {"k": "warc", "path": f.path, "offsets": offsets, "nbytes": max(0, f.size - mark)}
        mark = f.size
    if skipped or mark < f.size:
        yield {"k": "records", "recs": [], "nbytes": max(0, f.size - mark), "skipped": skipped}


def _safe_offset(it, default: int) -> int:
    try:
        return it.offset if it.offset is not None else default
    except Exception:
        return default


# ---------------------------------------------------------------- worker side: task -> records

def read_task(task: dict, max_bytes: int) -> Iterator[Rec]:
    """The records of a task, in order. Never raises for a bad record: it becomes an error Rec."""
    k = task["k"]
    if k == "files":
        for path, rid, _size in task["files"]:
            yield _read_file(path, rid, task["kind"], max_bytes)
    elif k == "jsonl":
        yield from _read_jsonl_range(task, max_bytes)
    elif k == "lines":
        for lineno, line in task["lines"]:
            yield _jsonl_record(f"{task['path']}:{lineno}", line, max_bytes)
    elif k == "warc":
        yield from _read_warc(task, max_bytes)
    elif k == "records":
        yield from task["recs"]
    else:
        raise ValueError(f"unknown task kind {k!r}")


def _read_limited(fh, max_bytes: int) -> bytes:
    data = fh.read(max_bytes + 1)
    return data


def _read_file(path: str, rid: str, kind: str, max_bytes: int) -> Rec:
    try:
        with open(path, "rb") as fh:
            if _strip_gz(path)[1]:
                with gzip.GzipFile(fileobj=fh) as gz:
                    data = _read_limited(gz, max_bytes)
            else:
                data = _read_limited(fh, max_bytes)
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        return Rec(path, rid, None, "error", None, *_gzip_error(e))
    except OSError as e:
        return Rec(path, rid, None, "error", None, "read_error", f"cannot read {path}: {e.strerror or e}")
    if kind == "text":
        from ..parse import decode
        return Rec(path, rid, None, "text", decode(data)[0] if len(data) <= max_bytes else data)
    return Rec(path, rid, None, "html", data)


def _read_jsonl_range(task: dict, max_bytes: int) -> Iterator[Rec]:
    path, skip = task["path"], set(task["skip"])
    limit = 6 * max_bytes + 4096       # JSON escaping can grow a page several times
    try:
        fh = open(path, "rb")
    except OSError as e:
        src = f"{path}:{task['line0']}"
        yield Rec(src, src, None, "error", None, "read_error", f"cannot read {path}: {e.strerror or e}")
        return
    with fh:
        fh.seek(task["start"])
        remaining = task["end"] - task["start"]
        lineno = task["line0"]
        while remaining > 0:
            line = fh.readline(min(remaining, limit + 1))
            if not line:
                break
            remaining -= len(line)
            too_long = len(line) > limit and not line.endswith(b"\n")
            if too_long:                     # skip the rest of an oversized line without keeping it
                while remaining > 0:
                    more = fh.readline(min(remaining, BLOCK))
                    if not more:
                        break
                    remaining -= len(more)
                    if more.endswith(b"\n"):
                        break
            src = f"{path}:{lineno}"
            if line.strip() and lineno not in skip:
                if too_long:
                    yield Rec(src, src, None, "error", None, "input_too_large",
                              f"JSONL line is longer than {limit:,} bytes")
                else:
                    yield _jsonl_record(src, line, max_bytes)
            lineno += 1


def _jsonl_record(src: str, line: bytes, max_bytes: int) -> Rec:
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError) as e:
        msg = str(e) if not isinstance(e, UnicodeDecodeError) else "line is not valid UTF-8"
        return Rec(src, src, None, "error", None, "invalid_json", f"line is not valid JSON: {msg[:200]}")
    if not isinstance(obj, dict):
        return Rec(src, src, None, "error", None, "invalid_record",
                   f"a JSONL record must be an object, not {type(obj).__name__}")
    rid = obj.get("id")
    if rid is None or isinstance(rid, bool) or not isinstance(rid, (str, int, float)):
        rid = src if rid is None else json.dumps(rid, ensure_ascii=False)[:500]
    url = obj.get("url")
    if url is not None and not isinstance(url, str):
        return Rec(src, rid, None, "error", None, "invalid_record", "url must be a string")
    html, text = obj.get("html"), obj.get("text")
    if html is not None:
        if not isinstance(html, str):
            return Rec(src, rid, url, "error", None, "invalid_record", "html must be a string")
        return Rec(src, rid, url, "html", html)
    if text is not None:
        if not isinstance(text, str):
            return Rec(src, rid, url, "error", None, "invalid_record", "text must be a string")
        return Rec(src, rid, url, "text", text)
    return Rec(src, rid, url, "error", None, "invalid_record", 'a record needs "html" or "text"')


def _read_warc(task: dict, max_bytes: int) -> Iterator[Rec]:
    from warcio.archiveiterator import ArchiveIterator
    path = task["path"]
    try:
        fh = open(path, "rb")
    except OSError as e:
        for off, _i in task["offsets"]:
            yield Rec(f"{path}@{off}", f"{path}@{off}", None, "error", None, "read_error",
                      f"cannot read {path}: {e.strerror or e}")
        return
    with fh:
        for off, _index in task["offsets"]:
            src = f"{path}@{off}"
            yield _warc_record(fh, off, src, max_bytes, ArchiveIterator)


def _warc_record(fh, off: int, src: str, max_bytes: int, ArchiveIterator) -> Rec:
    rid, url = src, None
    try:
        fh.seek(off)
        rec = next(iter(ArchiveIterator(fh, arc2warc=True)))
        rid = rec.rec_headers.get_header("WARC-Record-ID") or src
        url = rec.rec_headers.get_header("WARC-Target-URI") or None
        data = rec.content_stream().read(max_bytes + 1)
        left = getattr(rec.raw_stream, "limit", 0) or 0
        if len(data) <= max_bytes and left > 0 and not rec.raw_stream.read(1):
            return Rec(src, rid, url, "error", None, "truncated_input",
                       f"WARC record is truncated: {left:,} bytes of its content are missing")
    except (EOFError, zlib.error) as e:
        return Rec(src, rid, url, "error", None, *_gzip_error(e))
    except Exception as e:
        return Rec(src, rid, url, "error", None, "bad_warc", f"unreadable WARC record: {type(e).__name__}: {e}")
    return Rec(src, rid, url, "html", data)


def materialize(task: dict, max_bytes: int) -> dict:
    """Read a task's records here (the parent) so that a worker without the files can clean them."""
    if task["k"] == "records":
        return task
    recs = list(read_task(task, max_bytes))
    return {"k": "records", "recs": recs, "nbytes": task.get("nbytes", 0), "seq": task.get("seq")}


def task_sources(task: dict) -> list[tuple[str, object, str | None]]:
    """(source, id, url) of every record a task holds, without cleaning: used to report a task whose
    worker died, so that its records are reported, not dropped."""
    k = task["k"]
    if k == "files":
        return [(p, rid, None) for p, rid, _ in task["files"]]
    if k == "lines":
        return [(f"{task['path']}:{ln}", f"{task['path']}:{ln}", None) for ln, _ in task["lines"]]
    if k == "warc":
        return [(f"{task['path']}@{o}", f"{task['path']}@{o}", None) for o, _ in task["offsets"]]
    if k == "records":
        return [(r.source, r.id, r.url) for r in task["recs"]]
    if k == "jsonl":
        out, skip = [], set(task["skip"])
        try:
            with open(task["path"], "rb") as fh:
                fh.seek(task["start"])
                data = io.BytesIO(fh.read(task["end"] - task["start"]))
            for i, line in enumerate(data):
                ln = task["line0"] + i
                if line.strip() and ln not in skip:
                    src = f"{task['path']}:{ln}"
                    out.append((src, src, None))
        except OSError:
            src = f"{task['path']}:{task['line0']}"
            out.append((src, src, None))
        return out
    return []
