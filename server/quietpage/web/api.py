"""/api/v1: clean, health, rules, openapi.json."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, request

from .. import __version__
from ..options import CATEGORIES
from .pool import Overloaded
from .problems import APIProblem, problem_response

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Content types accepted by POST /clean and how the body is read.
BODY_KINDS = {"application/json": "json", "text/html": "html", "application/xhtml+xml": "html",
              "text/plain": "text"}
KEEPABLE = (*CATEGORIES, "repeated")


def _ruleset():
    from .. import rules
    return rules.load(tuple(current_app.config["QUIETPAGE_RULE_FILES"]))


@bp.post("/clean")
def clean():
    kind = BODY_KINDS.get(request.mimetype)
    if kind is None:
        raise APIProblem(415, "unsupported_media_type", "Unsupported Media Type",
                         f"send application/json ({{\"html\": ...}} or {{\"text\": ...}}), text/html or "
                         f"text/plain, not {request.mimetype or 'a body without Content-Type'}")
    body = request.get_data(cache=False)   # raises 413 over MAX_CONTENT_LENGTH
    keep = request.args.getlist("keep")
    bad = [k for k in keep if k not in KEEPABLE]
    if bad:
        raise APIProblem(400, "invalid_options", "Invalid options",
                         f"unknown categories in ?keep: {bad[:5]}; known: {', '.join(KEEPABLE)}")
    spec = {"kind": kind, "body": body, "charset": request.mimetype_params.get("charset"),
            "url": request.args.get("url"), "keep": keep}
    dispatcher = current_app.extensions["quietpage.dispatcher"]
    try:
        out = dispatcher.run(spec)
    except Overloaded as e:
        return problem_response(503, e.code, "Service Unavailable", e.detail,
                                {"Retry-After": str(e.retry_after)})
    if out["status"] != 200:
        return problem_response(out["status"], out["code"], out["title"], out["detail"])
    resp = Response(out["body"], status=200, mimetype="application/json")
    resp.headers["Server-Timing"] = f"clean;dur={out['ms']:.1f}"
    return resp


@bp.get("/health")
def health():
    cfg = current_app.config
    token = bool(cfg.get("QUIETPAGE_TOKEN"))
    return jsonify({"status": "ok", "version": __version__, "rules": len(_ruleset()),
                    "auth_required": token, "authenticated": bool(g.get("authenticated")) if token else True,
                    "engine": current_app.extensions["quietpage.dispatcher"].stats(),
                    "max_body": cfg["MAX_CONTENT_LENGTH"]})


@bp.get("/rules")
def rules():
    out = []
    for r in _ruleset().rules:
        d = r.to_dict()
        out.append({"id": d["id"], "category": d["category"], "lang": d["lang"], "source": d["source"],
                    "type": d["type"], "strength": d["strength"], "signal": d["signal"],
                    "description": d["description"]})
    return jsonify({"count": len(out), "rules": out})


@bp.get("/openapi.json")
def openapi():
    from .openapi import document
    return jsonify(document(current_app.config))
