"""Errors as RFC 9457 problem details (application/problem+json) with a stable `code`."""
from __future__ import annotations

import json
import logging

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

log = logging.getLogger("quietpage.web")
PROBLEM_TYPE = "urn:quietpage:problem:"

# Werkzeug's HTTP errors, by status, mapped to our codes.
_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type",
               431: "headers_too_large"}


class APIProblem(Exception):
    """Raise anywhere in a request to answer with a problem document."""

    def __init__(self, status: int, code: str, title: str, detail: str = "", headers: dict | None = None):
        super().__init__(detail or title)
        self.status, self.code, self.title, self.detail = status, code, title, detail
        self.headers = headers or {}


def problem_json(status: int, code: str, title: str, detail: str = "") -> bytes:
    body = {"type": PROBLEM_TYPE + code, "title": title, "status": status, "detail": detail, "code": code}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def problem_response(status: int, code: str, title: str, detail: str = "", headers: dict | None = None) -> Response:
    resp = Response(problem_json(status, code, title, detail), status=status, mimetype="application/problem+json")
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def register(app: Flask) -> None:
    @app.errorhandler(APIProblem)
    def _api_problem(e: APIProblem):
        return problem_response(e.status, e.code, e.title, e.detail, e.headers)

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException):
        status = e.code or 500
        code = _HTTP_CODES.get(status, "http_error")
        detail = e.description or ""
        if status == 413:
            limit = app.config.get("MAX_CONTENT_LENGTH")
            detail = f"the request body is over the limit of {limit:,} bytes" if limit else detail
        headers = {}
        if status == 405 and getattr(e, "valid_methods", None):
            headers["Allow"] = ", ".join(e.valid_methods)
        return problem_response(status, code, e.name, detail, headers)

    @app.errorhandler(Exception)
    def _bug(e: Exception):
        # Only a bug gets here: every client error is an APIProblem or an HTTPException.
        log.exception("unhandled error")
        return problem_response(500, "internal_error", "Internal Server Error",
                                "an unexpected error occurred; this is a bug, please report it")
