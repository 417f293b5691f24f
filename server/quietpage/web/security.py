"""What stops a web page from using this service: Host check (DNS rebinding), Origin check (only
browser-extension origins, plus the service's own page), CORS for extensions, an optional token.

References: Zotero's connector server and Ollama do the same for their local HTTP services."""
from __future__ import annotations

import hmac
import re

from flask import Flask, Response, current_app, g, request

from .problems import problem_response

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})
EXTENSION_SCHEMES = ("chrome-extension", "moz-extension")
_ORIGIN = re.compile(r"^(chrome-extension|moz-extension)://([A-Za-z0-9._-]{1,128})$")
ALLOW_HEADERS = "Content-Type, Authorization, X-Quietpage-Token"
EXPOSE_HEADERS = "Retry-After, Server-Timing"
SECURITY_HEADERS = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"),
                    ("Cross-Origin-Resource-Policy", "same-origin"))
# Endpoints anyone who passed the Host/Origin checks may call without the token.
OPEN_ENDPOINTS = {"api.health", "api.openapi", "ui.index", "static"}


def host_name(host: str) -> str:
    """'localhost:8765' -> 'localhost', '[::1]:8765' -> '[::1]'."""
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        return host[:end + 1] if end > 0 else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_allowed(host: str | None, extra: frozenset[str]) -> bool:
    if not host:
        return False
    name = host_name(host)
    if name.endswith("."):
        name = name[:-1]
    return name in LOOPBACK_NAMES or name in extra


def extension_origin(origin: str, ids: frozenset[str]) -> bool:
    m = _ORIGIN.match(origin)
    return bool(m) and (not ids or m.group(2).lower() in ids)


def token_ok(expected: str, x_token: str | None, authorization: str | None) -> bool:
    """The token from `X-Quietpage-Token` or `Authorization: Bearer`, compared in constant time."""
    got = x_token
    if got is None:
        scheme, _, value = (authorization or "").partition(" ")
        got = value.strip() if scheme.lower() == "bearer" else None
    return got is not None and hmac.compare_digest(got.encode("utf-8", "replace"), expected.encode("utf-8"))


def refusal(cfg, environ: dict) -> tuple[str | None, str | None]:
    """The Host and Origin checks on a WSGI environ: (why it is refused or None, the CORS origin or None).
    One function for the Flask hook and for the fast path of POST /api/v1/clean (`fast.py`)."""
    host = environ.get("HTTP_HOST")
    if not host_allowed(host, cfg["QUIETPAGE_ALLOWED_HOSTS"]):
        return "forbidden_host", None
    cors = None
    origin = environ.get("HTTP_ORIGIN")
    if origin is not None:
        if extension_origin(origin, cfg["QUIETPAGE_EXTENSION_IDS"]):
            cors = origin
        elif origin != f"{environ.get('wsgi.url_scheme', 'http')}://{host}":   # the service's own page
            return "forbidden_origin", None
    # Defence in depth for requests that carry no Origin (a web page's <img>, <script> or link):
    # browsers mark them with Sec-Fetch-Site. Only a top-level navigation (someone following a
    # link to the page) may come from another site.
    if not cors and environ.get("HTTP_SEC_FETCH_SITE") in ("cross-site", "same-site") \
            and not (environ.get("REQUEST_METHOD") == "GET" and environ.get("HTTP_SEC_FETCH_MODE") == "navigate"):
        return "forbidden_origin", None
    return None, cors


def _cors(resp: Response, origin: str) -> Response:
    resp.headers["Access-Control-Allow-Origin"] = origin
    resp.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
    resp.vary.add("Origin")
    return resp


def register(app: Flask) -> None:
    @app.before_request
    def _guard():
        cfg = current_app.config
        why, g.cors_origin = refusal(cfg, request.environ)
        if why == "forbidden_host":
            return problem_response(403, "forbidden_host", "Forbidden host",
                                    "this service answers only to loopback host names (localhost, "
                                    "127.0.0.1, [::1]) and those allowed with --allow-host")
        if why == "forbidden_origin":
            return problem_response(403, "forbidden_origin", "Forbidden origin",
                                    "requests from web pages are refused; only the Quietpage "
                                    "browser extension may call this service")
        if request.method == "OPTIONS" and g.cors_origin and request.url_rule is not None:
            # a CORS preflight from an extension (it never carries the token)
            methods = ", ".join(sorted(request.url_rule.methods or ()))
            resp = Response(status=204)
            resp.headers["Allow"] = methods
            resp.headers["Access-Control-Allow-Methods"] = methods
            resp.headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
            resp.headers["Access-Control-Max-Age"] = "600"
            if request.headers.get("Access-Control-Request-Private-Network") == "true":
                resp.headers["Access-Control-Allow-Private-Network"] = "true"
            return resp
        if request.method == "OPTIONS":
            return None   # Flask answers with the route's Allow header
        token = cfg.get("QUIETPAGE_TOKEN")
        g.authenticated = bool(token) and token_ok(token, request.headers.get("X-Quietpage-Token"),
                                                    request.headers.get("Authorization"))
        if token and not g.authenticated and request.endpoint not in OPEN_ENDPOINTS:
            return problem_response(401, "unauthorized", "Unauthorized",
                                    "this service requires a token: send 'Authorization: Bearer <token>' "
                                    "or 'X-Quietpage-Token: <token>'",
                                    {"WWW-Authenticate": 'Bearer realm="quietpage"'})

    @app.after_request
    def _headers(resp: Response):
        origin = g.get("cors_origin")
        if origin:
            _cors(resp, origin)
        h = resp.headers
        for k, v in SECURITY_HEADERS:
            h.setdefault(k, v)
        if request.path.startswith("/api/"):
            h.setdefault("Cache-Control", "no-store")
        return resp
