"""GET /: paste or drop a page, see the cleaned article beside the original with every removed piece
highlighted and labelled. All script and style are static files; the CSP forbids inline code."""
from __future__ import annotations

from flask import Blueprint, make_response, render_template

from .. import __version__

bp = Blueprint("ui", __name__)

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https: http:; "
       "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'")


@bp.get("/")
def index():
    resp = make_response(render_template("index.html", version=__version__))
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["Cache-Control"] = "no-store"
    return resp
