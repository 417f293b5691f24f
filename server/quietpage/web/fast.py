"""The hot route without Flask: `POST /api/v1/clean` handled as a plain WSGI call.

Under load the main process does little but move requests to the engine workers, and Flask's
per-request machinery (request context, hooks, URL map, Response object, header handling) was a third
of its CPU for each request (measured with workers that sleep instead of cleaning: 1.0 ms of the main
process per request through Flask, 0.6 ms without it). This middleware answers the common case itself:

    POST /api/v1/clean, no query string, a Content-Length within the limit, an accepted Content-Type,
    and the same Host, Origin, Sec-Fetch-Site and token checks as the Flask hooks (`security.refusal`,
    `security.token_ok`: one implementation for both).

Everything else goes to the Flask app unchanged, including every request that one of those checks
refuses: the Flask app renders all refusals, so there is one place for their messages and headers.
What this path answers (the engine's result or its problem, 503 when overloaded) carries the same
status, headers and body as the Flask route would; `tests/web/test_fast.py` compares the two.
"""
from __future__ import annotations

import logging
import time

from werkzeug.http import parse_options_header

from .pool import Overloaded
from .problems import problem_json
from .security import EXPOSE_HEADERS, SECURITY_HEADERS, refusal, token_ok

log = logging.getLogger("quietpage.web")
access_log = logging.getLogger("quietpage.web.access")

PATH = "/api/v1/clean"
_STATUS = {200: "200 OK", 400: "400 BAD REQUEST", 413: "413 REQUEST ENTITY TOO LARGE",
           422: "422 UNPROCESSABLE ENTITY", 500: "500 INTERNAL SERVER ERROR", 503: "503 SERVICE UNAVAILABLE"}
_BASE_HEADERS = (*SECURITY_HEADERS, ("Cache-Control", "no-store"))


class FastClean:
    """WSGI middleware: `app.wsgi_app = FastClean(app.wsgi_app, app)`."""

    def __init__(self, wsgi_app, app):
        self.wsgi_app, self.app = wsgi_app, app
        from .api import BODY_KINDS
        self.kinds = BODY_KINDS

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "POST" \
                or environ.get("QUERY_STRING") or environ.get("SCRIPT_NAME"):
            return self.wsgi_app(environ, start_response)
        cfg = self.app.config
        if not cfg.get("QUIETPAGE_FAST_PATH", True):
            return self.wsgi_app(environ, start_response)
        t0 = time.perf_counter()
        why, cors = refusal(cfg, environ)
        if why:
            return self.wsgi_app(environ, start_response)
        token = cfg.get("QUIETPAGE_TOKEN")
        if token and not token_ok(token, environ.get("HTTP_X_QUIETPAGE_TOKEN"), environ.get("HTTP_AUTHORIZATION")):
            return self.wsgi_app(environ, start_response)
        mimetype, params = parse_options_header(environ.get("CONTENT_TYPE", ""))
        kind = self.kinds.get(mimetype)
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            length = -1
        limit = cfg.get("MAX_CONTENT_LENGTH")
        if kind is None or length < 0 or (limit is not None and length > limit):
            return self.wsgi_app(environ, start_response)   # 415, 413 and bodies of unknown length
        try:
            body = environ["wsgi.input"].read(length) if length else b""
            spec = {"kind": kind, "body": body, "charset": params.get("charset"), "url": None, "keep": []}
            status, headers, data = self._clean(spec)
        except Exception:   # a bug, as Flask's catch-all handler would report it
            log.exception("unhandled error")
            status, headers, data = 500, [], problem_json(
                500, "internal_error", "Internal Server Error",
                "an unexpected error occurred; this is a bug, please report it")
        headers.append(("Content-Length", str(len(data))))
        if cors:
            headers += [("Access-Control-Allow-Origin", cors), ("Access-Control-Expose-Headers", EXPOSE_HEADERS),
                        ("Vary", "Origin")]
        headers += _BASE_HEADERS
        start_response(_STATUS.get(status) or f"{status} ERROR", headers)
        access_log.info("%s %s %d %s %.1fms", "POST", PATH, status, len(data), (time.perf_counter() - t0) * 1e3)
        return [data]

    def _clean(self, spec: dict) -> tuple[int, list, bytes]:
        dispatcher = self.app.extensions["quietpage.dispatcher"]
        try:
            out = dispatcher.run(spec)
        except Overloaded as e:
            return 503, [("Content-Type", "application/problem+json"), ("Retry-After", str(e.retry_after))], \
                problem_json(503, e.code, "Service Unavailable", e.detail)
        if out["status"] != 200:
            return out["status"], [("Content-Type", "application/problem+json")], \
                problem_json(out["status"], out["code"], out["title"], out["detail"])
        return 200, [("Content-Type", "application/json"), ("Server-Timing", f"clean;dur={out['ms']:.1f}")], out["body"]
