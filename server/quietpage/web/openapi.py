"""The OpenAPI 3.1 document of /api/v1, written by hand to match the handlers (a test fuzzes the
running app against it with schemathesis)."""
from __future__ import annotations

from .. import __version__
from ..options import CATEGORIES

PROBLEM_CODES = {
    400: ["malformed_json", "missing_field", "invalid_request", "invalid_options"],
    401: ["unauthorized"],
    403: ["forbidden_host", "forbidden_origin"],
    413: ["payload_too_large", "input_too_large"],
    415: ["unsupported_media_type"],
    422: ["empty_input", "not_html", "time_limit_exceeded", "quietpage_error"],
    503: ["overloaded", "worker_restarted"],
}

_DESCRIPTIONS = {
    400: "Malformed JSON, missing or invalid fields, or invalid options.",
    401: "A token is configured and the request did not carry it.",
    403: "The Host header is not a loopback name, or the Origin is neither a browser extension nor "
         "this service's own page.",
    413: "The body is over the service's limit (payload_too_large) or the input is over the engine's "
         "max_bytes option (input_too_large).",
    415: "The Content-Type is not application/json, text/html, application/xhtml+xml or text/plain.",
    422: "The engine rejects the input: empty, not HTML (binary), or over the per-request time limit.",
    503: "Overloaded: every engine slot is busy and the waiting queue is full. Retry after Retry-After seconds.",
}


def _problem(status: int) -> dict:
    return {"description": _DESCRIPTIONS[status],
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _problems(*statuses: int) -> dict:
    return {str(s): _problem(s) for s in statuses}


def _json(ref: str, description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


_STR = {"type": "string"}
_RAW_BODY = {"description": "The page (or text) itself, in the charset of the Content-Type, else detected."}
_INT0 = {"type": "integer", "minimum": 0}

SCHEMAS = {
    "Problem": {
        "type": "object", "required": ["type", "title", "status", "code"],
        "properties": {"type": _STR, "title": _STR, "status": {"type": "integer"}, "detail": _STR,
                       "code": {"type": "string", "description": "Stable, machine-readable error code.",
                                "examples": sorted({c for cs in PROBLEM_CODES.values() for c in cs})}},
    },
    "Options": {
        "type": "object", "additionalProperties": False,
        "description": "Per-request engine options. Extra rule files are a server setting (--rules).",
        "properties": {
            "keep_categories": {"type": "array", "items": {"enum": [*CATEGORIES, "repeated"]},
                                "description": "Categories of furniture to keep (e.g. newsletter)."},
            "max_bytes": {"type": "integer", "minimum": 1},
            "max_depth": {"type": "integer", "minimum": 1},
            "regex_timeout": {"type": "number", "exclusiveMinimum": 0, "maximum": 5},
            "prune": {"type": "boolean"}, "scrub": {"type": "boolean"},
            "include_removed_text": {"type": "boolean"},
        },
    },
    "CleanRequest": {
        "type": "object", "additionalProperties": False,
        "properties": {
            "html": {"type": "string", "description": "The page's HTML."},
            "text": {"type": "string", "description": "Plain text (e.g. scraped), paragraphs separated by blank lines."},
            "url": {"type": ["string", "null"], "description": "The page's address (links, images, site rules)."},
            "options": {"oneOf": [{"$ref": "#/components/schemas/Options"}, {"type": "null"}]},
        },
        "oneOf": [{"required": ["html"]}, {"required": ["text"]}],
    },
    "Signal": {"type": "object", "required": ["source", "rule", "kind"],
               "properties": {"source": _STR, "rule": _STR, "kind": _STR, "detail": _STR}},
    "Paywall": {"type": "object", "required": ["detected", "kind", "truncated", "signals"],
                "properties": {"detected": {"type": "boolean"},
                               "kind": {"enum": ["none", "metered", "hard", "registration"]},
                               "truncated": {"type": "boolean"},
                               "signals": {"type": "array", "items": {"$ref": "#/components/schemas/Signal"}}}},
    "Removal": {"type": "object", "required": ["rule", "category", "stage", "text"],
                "properties": {"rule": _STR, "category": _STR, "stage": {"enum": ["prune", "scrub"]},
                               "text": _STR}},
    "Result": {
        "type": "object",
        "required": ["title", "content_html", "text", "word_count", "paywall", "removed", "input_kind"],
        "properties": {
            "title": _STR, "byline": _STR, "published": _STR, "site_name": _STR, "lang": _STR,
            "dir": _STR, "lead_image": _STR, "url": _STR, "excerpt": _STR,
            "content_html": {"type": "string", "description": "Sanitised article HTML."},
            "text": {"type": "string", "description": "Plain text, paragraphs separated by blank lines."},
            "word_count": _INT0, "reading_time_minutes": _INT0,
            "paywall": {"$ref": "#/components/schemas/Paywall"},
            "removed": {"type": "array", "items": {"$ref": "#/components/schemas/Removal"},
                        "description": "Every removed piece with its rule and category."},
            "input_kind": {"enum": ["html", "text"]},
        },
    },
    "Health": {
        "type": "object", "required": ["status", "version", "rules", "auth_required"],
        "properties": {"status": {"const": "ok"}, "version": _STR, "rules": _INT0,
                       "auth_required": {"type": "boolean"},
                       "authenticated": {"type": "boolean",
                                         "description": "Whether this request carried the right token "
                                                        "(always true when no token is configured)."},
                       "engine": {"type": "object"}, "max_body": {"type": "integer"}},
    },
    "Rule": {"type": "object", "required": ["id", "category", "lang", "source"],
             "properties": {"id": _STR, "category": _STR, "lang": _STR, "source": _STR,
                            "type": {"enum": ["dom", "text"]}, "strength": _STR,
                            "signal": {"type": ["string", "null"]}, "description": _STR}},
    "Rules": {"type": "object", "required": ["count", "rules"],
              "properties": {"count": _INT0, "rules": {"type": "array", "items": {"$ref": "#/components/schemas/Rule"}}}},
}


def document(config=None) -> dict:
    config = config or {}
    limit = config.get("MAX_CONTENT_LENGTH") or 0
    security = [{}, {"bearer": []}, {"token": []}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "Quietpage local service", "version": __version__,
                 "description": "Reader mode without the nags: clean a page or text on this machine. "
                                "Only loopback Host names; only browser-extension origins (CORS); "
                                "optional token. Errors are application/problem+json with a stable `code`."},
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/clean": {"post": {
                "operationId": "clean",
                "summary": "Clean a page (HTML) or a text: article, paywall verdict, removed pieces.",
                "security": security,
                "parameters": [
                    {"name": "url", "in": "query", "required": False, "schema": _STR,
                     "description": "The page's address, for raw bodies (a JSON body's own url wins)."},
                    {"name": "keep", "in": "query", "required": False, "style": "form", "explode": True,
                     "schema": {"type": "array", "items": {"enum": [*CATEGORIES, "repeated"]}},
                     "description": "Categories to keep (added to a JSON body's options.keep_categories)."},
                ],
                "requestBody": {"required": True, "description": f"At most {limit:,} bytes." if limit else "",
                                "content": {
                                    "application/json": {"schema": {"$ref": "#/components/schemas/CleanRequest"}},
                                    # raw bodies: any bytes are a candidate page; the engine judges them
                                    "text/html": {"schema": _RAW_BODY},
                                    "application/xhtml+xml": {"schema": _RAW_BODY},
                                    "text/plain": {"schema": _RAW_BODY}}},
                "responses": {"200": _json("Result", "The cleaned article."),
                              **_problems(400, 401, 403, 413, 415, 422, 503)},
            }},
            "/api/v1/health": {"get": {
                "operationId": "health", "summary": "Liveness probe; answers without the token.",
                "responses": {"200": _json("Health", "The service is up."), **_problems(403)}}},
            "/api/v1/rules": {"get": {
                "operationId": "rules", "summary": "The loaded rules (id, category, language, source file).",
                "security": security,
                "responses": {"200": _json("Rules", "The loaded rules."), **_problems(401, 403)}}},
            "/api/v1/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This document.",
                "responses": {"200": {"description": "OpenAPI 3.1 document.",
                                      "content": {"application/json": {"schema": {"type": "object"}}}},
                              **_problems(403)}}},
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                "token": {"type": "apiKey", "in": "header", "name": "X-Quietpage-Token"}},
        },
    }

