"""The local HTTP service: a Flask application factory around `quietpage.clean`.

    create_app({"QUIETPAGE_TOKEN": "s3cret", "QUIETPAGE_WORKERS": 2})

Settings (app.config; `quietpage serve` sets them from its flags):
    MAX_CONTENT_LENGTH         request body limit in bytes (10 MiB)
    QUIETPAGE_TOKEN            if set, /api/v1/clean and /api/v1/rules need it (Bearer or X-Quietpage-Token)
    QUIETPAGE_ALLOWED_HOSTS    extra Host names besides localhost, 127.0.0.1, [::1]
    QUIETPAGE_EXTENSION_IDS    if set, only these extension ids may call (CORS); else any extension
    QUIETPAGE_WORKERS          worker processes for the engine (0: run in the request thread)
    QUIETPAGE_SLOTS            requests with the engine at once (default 2 x workers, at least 2)
    QUIETPAGE_MAX_WAITING      requests that may wait for a slot before 503 (8)
    QUIETPAGE_QUEUE_TIMEOUT    seconds a request may wait for a slot before 503 (15)
    QUIETPAGE_TIME_LIMIT       seconds of engine time per request, in worker processes (20)
    QUIETPAGE_RULE_FILES       extra rule files loaded for every request
    QUIETPAGE_FAST_PATH        answer plain POST /api/v1/clean requests without Flask's machinery
                               (True; see fast.py; False sends every request through Flask)
"""
from __future__ import annotations

import atexit
import logging
import time

from flask import Flask, g, request

DEFAULTS = {
    "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
    "QUIETPAGE_TOKEN": None,
    "QUIETPAGE_ALLOWED_HOSTS": (),
    "QUIETPAGE_EXTENSION_IDS": (),
    "QUIETPAGE_WORKERS": 0,
    "QUIETPAGE_SLOTS": None,
    "QUIETPAGE_MAX_WAITING": 8,
    "QUIETPAGE_QUEUE_TIMEOUT": 15.0,
    "QUIETPAGE_TIME_LIMIT": 20.0,
    "QUIETPAGE_RULE_FILES": (),
    "QUIETPAGE_FAST_PATH": True,
    "JSON_SORT_KEYS": False,
}

log = logging.getLogger("quietpage.web")
access_log = logging.getLogger("quietpage.web.access")


def create_app(config: dict | None = None) -> Flask:
    from . import api, problems, security, ui
    from .fast import FastClean
    from .pool import Dispatcher

    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.update(DEFAULTS)
    app.config.update(config or {})
    cfg = app.config
    app.json.sort_keys = False
    cfg["QUIETPAGE_ALLOWED_HOSTS"] = frozenset(h.strip().lower().rstrip(".")
                                               for h in cfg["QUIETPAGE_ALLOWED_HOSTS"] or () if h.strip())
    cfg["QUIETPAGE_EXTENSION_IDS"] = frozenset(i.strip().lower()
                                               for i in cfg["QUIETPAGE_EXTENSION_IDS"] or () if i.strip())
    cfg["QUIETPAGE_RULE_FILES"] = tuple(cfg["QUIETPAGE_RULE_FILES"] or ())
    slots = cfg["QUIETPAGE_SLOTS"] or max(2, 2 * int(cfg["QUIETPAGE_WORKERS"] or 0))
    dispatcher = Dispatcher(workers=cfg["QUIETPAGE_WORKERS"], slots=slots,
                            max_waiting=cfg["QUIETPAGE_MAX_WAITING"], queue_timeout=cfg["QUIETPAGE_QUEUE_TIMEOUT"],
                            time_limit=cfg["QUIETPAGE_TIME_LIMIT"], rule_files=cfg["QUIETPAGE_RULE_FILES"])
    app.extensions["quietpage.dispatcher"] = dispatcher
    atexit.register(dispatcher.close)

    @app.before_request
    def _start_clock():
        g.t0 = time.perf_counter()

    problems.register(app)
    security.register(app)   # after the clock, so refused requests are timed and logged too
    app.register_blueprint(api.bp)
    app.register_blueprint(ui.bp)

    @app.after_request
    def _access_log(resp):
        # method, path (never the query string), status, size, time; never page content
        t0 = g.get("t0")
        ms = (time.perf_counter() - t0) * 1e3 if t0 else 0.0
        access_log.info("%s %s %d %s %.1fms", request.method, request.path[:200], resp.status_code,
                        resp.calculate_content_length() if not resp.is_streamed else "-", ms)
        return resp

    app.wsgi_app = FastClean(app.wsgi_app, app)
    return app
