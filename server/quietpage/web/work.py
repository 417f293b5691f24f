"""The engine's side of a /api/v1/clean request: parse the body, call `clean()`, serialise the result.

`handle()` is a pure function of plain data (bytes and strings in, a status and bytes out) so that it
runs the same in the request thread (tests, `workers=0`) and in a worker process of the pool, where
it is given a time limit enforced with SIGALRM. Everything a client can send ends as a 4xx problem;
only a bug in the engine gives a 500.
"""
from __future__ import annotations

import codecs
import json
import logging
import pickle
import re
import signal
import struct
import threading
import time
import traceback

try:
    import orjson as _orjson
except ImportError:   # optional: the json module gives the same answers, a little slower
    _orjson = None

log = logging.getLogger("quietpage.web")

# (status, code, title, detail)
Problem = tuple

_SURROGATE = re.compile("[\ud800-\udfff]")
# A JSON body can only yield lone surrogates through \uD800-\uDFFF escapes or raw surrogate bytes
# (json.loads decodes with surrogatepass): a cheap test on the bytes spares a scan of every string.
# Two patterns, each with a literal head, rather than one alternation: re then skips to the literal
# (0.17 ms instead of 0.62 ms on the average 180 kB body).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE_BYTES = re.compile(rb"\xed[\xa0-\xbf]")
REQUEST_FIELDS = ("html", "text", "url", "options")


class TimeLimitExceeded(BaseException):
    """Raised by the alarm in a worker; a BaseException so that no `except Exception` in the
    engine can swallow it."""


def _problem(status: int, code: str, title: str, detail: str) -> dict:
    return {"status": status, "code": code, "title": title, "detail": detail}


def _clean_str(s: str) -> str:
    """Lone surrogates (legal in JSON escapes, illegal in UTF-8) become U+FFFD."""
    if _SURROGATE.search(s):
        return s.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return s


def _has_float(v) -> bool:
    if isinstance(v, float):
        return True
    if isinstance(v, dict):
        return any(_has_float(x) for x in v.values())
    if isinstance(v, list):
        return any(_has_float(x) for x in v)
    return False


def _loads(body: bytes):
    """json.loads, sped up by orjson where it is installed and gives the same answer: (data, whether
    the strings may hold lone surrogates).

    orjson parses a 180 kB page in half the time and refuses what the json module reads differently:
    lone surrogates, NaN and Infinity, numbers out of a double's range, a UTF-8 BOM, UTF-16/32, deep
    nesting. On its refusal the json module decides (the same answers and messages as without orjson).
    It reads integers past 64 bits as floats where json gives ints: when a float turns up anywhere,
    the json module reads the body again (a request has no float unless it sets regex_timeout)."""
    if _orjson is not None:
        try:
            data = _orjson.loads(body)
        except _orjson.JSONDecodeError:
            pass
        else:
            if not _has_float(data):   # (the page's own string is passed over at once)
                return data, False
    return json.loads(body), True


def _from_json(body: bytes) -> dict:
    """Returns {"kwargs": ...} for clean(), or {"problem": ...}."""
    try:
        data, maybe_surrogates = _loads(body)
    except (ValueError, RecursionError) as e:   # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return {"problem": _problem(400, "malformed_json", "Malformed JSON",
                                    f"the body is not valid JSON: {str(e)[:200]}")}
    if not isinstance(data, dict):
        return {"problem": _problem(400, "invalid_request", "Invalid request",
                                    "the body must be a JSON object with an \"html\" or a \"text\" field")}
    unknown = sorted(set(data) - set(REQUEST_FIELDS))
    if unknown:
        return {"problem": _problem(400, "invalid_request", "Invalid request",
                                    f"unknown fields {unknown[:5]}; known: {', '.join(REQUEST_FIELDS)}")}
    html, text = data.get("html"), data.get("text")
    if html is None and text is None:
        return {"problem": _problem(400, "missing_field", "Missing field",
                                    "the body needs an \"html\" or a \"text\" field (a string)")}
    if html is not None and text is not None:
        return {"problem": _problem(400, "invalid_request", "Invalid request",
                                    "send \"html\" or \"text\", not both")}
    for name in ("html", "text", "url"):
        v = data.get(name)
        if v is not None and not isinstance(v, str):
            return {"problem": _problem(400, "invalid_request", "Invalid request",
                                        f"\"{name}\" must be a string, not {type(v).__name__}")}
    options = data.get("options")
    if options is not None and not isinstance(options, dict):
        return {"problem": _problem(400, "invalid_options", "Invalid options", "\"options\" must be an object")}
    kw = {"url": data.get("url"), "options": options}
    if html is not None:
        kw["html"] = html
    else:
        kw["text"] = text
    if maybe_surrogates and (_SURROGATE_ESCAPE.search(body) or _SURROGATE_BYTES.search(body)):
        for k in ("html", "text", "url"):
            if kw.get(k) is not None:
                kw[k] = _clean_str(kw[k])
    return {"kwargs": kw}


def _decode_declared(body: bytes, charset: str | None):
    """A charset in the Content-Type is the HTTP-level declaration: honour it when it names a codec."""
    if not charset:
        return body
    try:
        codecs.lookup(charset)
    except LookupError:
        return body
    return body.decode(charset, "replace")


def _options(options: dict | None, spec: dict) -> tuple[dict | None, dict | None]:
    """Apply the server's own settings; returns (options, problem)."""
    options = dict(options or {})
    if "rule_files" in options:
        return None, _problem(400, "invalid_options", "Invalid options",
                              "rule_files is a server setting (quietpage serve --rules FILE), "
                              "not a request option")
    nulls = sorted(k for k, v in options.items() if v is None)
    if nulls:
        return None, _problem(400, "invalid_options", "Invalid options",
                              f"options {nulls} must not be null; leave them out for the defaults")
    for k in ("max_bytes", "max_depth"):   # JSON has one number type: 6603.0 is the integer 6603
        v = options.get(k)
        if isinstance(v, float) and v.is_integer() and abs(v) < 2 ** 53:
            options[k] = int(v)
    keep = options.get("keep_categories", [])
    if not isinstance(keep, list) or not all(isinstance(x, str) for x in keep):
        # checked here because the engine's Options.from_dict lets null/false/{} through and then fails
        return None, _problem(400, "invalid_options", "Invalid options",
                              "keep_categories must be a list of category names")
    if spec.get("keep"):   # ?keep=... adds to the body's keep_categories
        options["keep_categories"] = sorted(set(keep) | set(spec["keep"]))
    if spec.get("rule_files"):
        options["rule_files"] = list(spec["rule_files"])
    return options or None, None


def handle(spec: dict) -> dict:
    """Run one clean request. spec: kind ("json" | "html" | "text"), body (bytes), url, charset,
    keep (list), rule_files (server setting). Returns {"status", "body"} or {"status", "problem"}."""
    from .. import QuietpageError, clean

    t0 = time.perf_counter()
    kind, body = spec["kind"], spec["body"]
    if kind == "json":
        parsed = _from_json(body)
        if "problem" in parsed:
            return parsed["problem"]
        kw = parsed["kwargs"]
        if kw.get("url") is None and spec.get("url"):
            kw["url"] = spec["url"]   # ?url= when the body has none
    elif kind == "html":
        kw = {"html": _decode_declared(body, spec.get("charset")), "url": spec.get("url"), "options": None}
    else:
        raw = _decode_declared(body, spec.get("charset"))
        kw = {"text": raw, "url": spec.get("url"), "options": None}
    kw["options"], problem = _options(kw.get("options"), spec)
    if problem:
        return problem
    try:
        result = clean(kw.pop("html", None), **kw)
    except QuietpageError as e:
        status = e.status if e.status in (400, 413, 422) else 422
        return _problem(status, e.code, _TITLES.get(e.code, "Input rejected"), e.message)
    except TimeLimitExceeded:
        raise
    except Exception as e:  # a bug in the engine, not the client's fault
        # the type and the frames, not the message: a message may quote the page
        log.error("engine failed on a %d-byte %s request: %s\n%s", len(body), kind, type(e).__name__,
                  "".join(traceback.format_tb(e.__traceback__)).rstrip())
        return _problem(500, "internal_error", "Internal error",
                        "the engine failed on this input; this is a bug, please report it")
    return {"status": 200, "body": _dump(result.to_dict()), "ms": (time.perf_counter() - t0) * 1e3}


def _dump(obj: dict) -> bytes:
    """The answer as compact UTF-8 JSON: orjson where it can (4x faster), else the json module (which
    also takes the lone surrogates orjson refuses, each written as "?")."""
    if _orjson is not None:
        try:
            return _orjson.dumps(obj)
        except (TypeError, _orjson.JSONEncodeError):
            pass
    out = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    try:
        return out.encode("utf-8")
    except UnicodeEncodeError:
        return out.encode("utf-8", "replace")


_TITLES = {"empty_input": "Empty input", "not_html": "Not an HTML page", "input_too_large": "Input too large",
           "invalid_options": "Invalid options", "rule_error": "Rule error"}


# ---- worker processes -------------------------------------------------------------------------

def tune_malloc() -> None:
    """Keep resident memory flat under a long run (glibc only; elsewhere a no-op).

    Request bodies and results are large (up to megabytes) and short-lived. glibc raises its mmap
    threshold after each large free, after which such buffers come from per-thread arenas that
    fragment and keep growing; a fixed threshold sends them to mmap (returned to the system on free),
    and two arenas stop a threaded server from growing one arena per thread."""
    import ctypes
    import ctypes.util
    import sys
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return
    M_MMAP_THRESHOLD, M_ARENA_MAX = -3, -8
    mallopt(M_ARENA_MAX, 2)
    mallopt(M_MMAP_THRESHOLD, 256 * 1024)


def _on_alarm(signum, frame):
    raise TimeLimitExceeded()


# Messages between the dispatcher and a worker are bytes (Connection.send_bytes/recv_bytes), not
# pickled dicts: a 4-byte length, a small pickled header, then the body as is. Each side copies the
# body once and never walks it; the pipe carries exactly the request body and the finished JSON.
_HEAD = struct.Struct("!I")


def _pack(head, body: bytes) -> bytes:
    h = pickle.dumps(head, protocol=pickle.HIGHEST_PROTOCOL)
    return b"".join((_HEAD.pack(len(h)), h, body))


def _unpack(msg: bytes):
    n = _HEAD.unpack_from(msg)[0]
    return pickle.loads(msg[4:4 + n]), msg[4 + n:]


def pack_request(spec: dict) -> bytes:
    """spec (as `handle` takes it, without rule_files: the worker has its own) -> a message."""
    return _pack((spec["kind"], spec.get("charset"), spec.get("url"), tuple(spec.get("keep") or ())),
                 spec["body"])


def unpack_request(msg: bytes, rule_files: tuple[str, ...] = ()) -> dict:
    (kind, charset, url, keep), body = _unpack(msg)
    return {"kind": kind, "body": body, "charset": charset, "url": url, "keep": list(keep),
            "rule_files": rule_files}


def pack_response(out: dict) -> bytes:
    """`handle`'s answer -> a message: the JSON bytes of a result travel after the header."""
    if "body" in out:
        return _pack((out["status"], out.get("ms")), out["body"])
    return _pack((out["status"], out["code"], out["title"], out["detail"]), b"")


def unpack_response(msg: bytes) -> dict:
    head, body = _unpack(msg)
    if len(head) == 2:
        return {"status": head[0], "ms": head[1], "body": body}
    return {"status": head[0], "code": head[1], "title": head[2], "detail": head[3]}


def worker_main(requests, responses, rule_files: tuple[str, ...] = (), time_limit: float | None = None) -> None:
    """A worker process: warm up, say "ready", then answer one request at a time until the request pipe
    closes. Ctrl-C is ignored (the parent shuts us down by closing the pipe)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, _on_alarm)
    # (no tune_malloc() here: workers stay flat without it, and mmap for every large buffer would
    # cost them ~120 more page faults per page)
    from .. import clean, rules
    rule_files = tuple(rule_files)
    try:
        rules.load(rule_files)
        clean("<html><body><article><p>" + "Warm up the engine. " * 20 + "</p></article></body></html>")
    except Exception:   # a bad rule file is reported per request, with its message
        pass
    responses.send_bytes(b"ready")
    while True:
        try:
            msg = requests.recv_bytes()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        out = handle_limited(unpack_request(msg, rule_files), time_limit)
        del msg
        try:
            responses.send_bytes(pack_response(out))
        except (OSError, BrokenPipeError):
            return


def handle_limited(spec: dict, time_limit: float | None) -> dict:
    """`handle` with a wall-clock limit (in worker processes only: SIGALRM needs the main thread)."""
    armed = bool(time_limit) and hasattr(signal, "setitimer") \
        and threading.current_thread() is threading.main_thread()
    if armed:
        signal.setitimer(signal.ITIMER_REAL, time_limit)
    try:
        return handle(spec)
    except TimeLimitExceeded:
        return _problem(422, "time_limit_exceeded", "Time limit exceeded",
                        f"cleaning this input took longer than the limit of {time_limit:g} s")
    finally:
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)


