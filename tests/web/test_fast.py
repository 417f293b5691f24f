"""The fast path of POST /api/v1/clean (web/fast.py) answers exactly as the Flask route does."""
from __future__ import annotations

import json

import pytest

from quietpage.web import work

EXT = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
PAGE = ("<html><head><title>A day at the lake</title></head><body><article><h1>A day at the lake</h1>"
        + "<p>We walked around the lake for most of the morning and counted the herons on the far shore.</p>" * 6
        + "<p>Subscribe now for unlimited access.</p></article></body></html>")
JSON = "application/json"

# (content type, body, extra headers, config)
CASES = {
    "json html": (JSON, json.dumps({"html": PAGE, "url": "https://example.com/a"}), {}, {}),
    "json text": (JSON, json.dumps({"text": "Hello there.\nSubscribe now for unlimited access."}), {}, {}),
    "json non-ascii": (JSON + "; charset=utf-8", json.dumps({"html": PAGE.replace("lake", "lac ø ☃")},
                                                            ensure_ascii=False).encode(), {}, {}),
    "extension origin": (JSON, json.dumps({"html": PAGE}), {"Origin": EXT}, {}),
    "own page origin": (JSON, json.dumps({"html": PAGE}), {"Origin": "http://localhost"}, {}),
    "raw html latin-1": ("text/html; charset=ISO-8859-1", PAGE.replace("lake", "lac é").encode("latin-1"), {}, {}),
    "raw xhtml": ("application/xhtml+xml", PAGE.encode(), {}, {}),
    "text/plain": ("text/plain", b"One line.\nAnother line.", {}, {}),
    "token bearer": (JSON, json.dumps({"html": PAGE}), {"Authorization": "Bearer s3cret"}, {"QUIETPAGE_TOKEN": "s3cret"}),
    "token header": (JSON, json.dumps({"html": PAGE}), {"X-Quietpage-Token": "s3cret"}, {"QUIETPAGE_TOKEN": "s3cret"}),
    "malformed json": (JSON, "{oops", {}, {}),
    "empty json body": (JSON, "", {}, {}),   # no Content-Length from the test client: Flask reads it
    "unknown field": (JSON, json.dumps({"html": PAGE, "colour": 1}), {}, {}),
    "empty page": (JSON, json.dumps({"html": ""}), {}, {}),
    "not html": ("text/html", bytes(range(256)) * 8, {}, {}),
    "bad option": (JSON, json.dumps({"html": PAGE, "options": {"keep_categories": "x"}}), {}, {}),
    "input over max_bytes": (JSON, json.dumps({"html": PAGE, "options": {"max_bytes": 100}}), {}, {}),
    # refused: these go on to the Flask app
    "foreign origin": (JSON, json.dumps({"html": PAGE}), {"Origin": "https://evil.example"}, {}),
    "foreign host": (JSON, json.dumps({"html": PAGE}), {"Host": "evil.example"}, {}),
    "cross-site no origin": (JSON, json.dumps({"html": PAGE}), {"Sec-Fetch-Site": "cross-site"}, {}),
    "token missing": (JSON, json.dumps({"html": PAGE}), {}, {"QUIETPAGE_TOKEN": "s3cret"}),
    "token wrong": (JSON, json.dumps({"html": PAGE}), {"Authorization": "Bearer nope"}, {"QUIETPAGE_TOKEN": "s3cret"}),
    "wrong content type": ("application/octet-stream", b"\x00\x01", {}, {}),
    "over the body limit": (JSON, json.dumps({"html": PAGE * 3}), {}, {"MAX_CONTENT_LENGTH": 1000}),
}
FAST = {"json html", "json text", "json non-ascii", "extension origin", "own page origin", "raw html latin-1",
        "raw xhtml", "text/plain", "token bearer", "token header", "malformed json",
        "unknown field", "empty page", "not html", "bad option", "input over max_bytes"}


def _send(make_app, fast: bool, case):
    ctype, body, headers, cfg = case
    app = make_app(QUIETPAGE_FAST_PATH=fast, **cfg)
    flask_calls = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: flask_calls.append(1))
    r = app.test_client().post("/api/v1/clean", data=body, content_type=ctype, headers=headers)
    return r, bool(flask_calls)


@pytest.mark.parametrize("name", sorted(CASES))
def test_fast_path_answers_as_flask(make_app, name):
    fast, through_flask = _send(make_app, True, CASES[name])
    slow, _ = _send(make_app, False, CASES[name])
    assert through_flask == (name not in FAST)   # the fast path took exactly the plain cases
    assert (fast.status, fast.status_code) == (slow.status, slow.status_code)
    hf, hs = dict(fast.headers), dict(slow.headers)
    if "Server-Timing" in hs:   # the engine's time differs from run to run; the header's form does not
        assert hf.pop("Server-Timing").startswith("clean;dur=") and hs.pop("Server-Timing").startswith("clean;dur=")
    assert hf == hs
    if fast.mimetype == JSON:
        assert fast.get_json() == slow.get_json()
    else:
        assert fast.data == slow.data


def test_fast_path_503_and_bug(make_app, monkeypatch, caplog):
    """What the dispatcher raises is rendered by the fast path as the Flask route renders it."""
    from quietpage.web.pool import Overloaded
    answers = {}
    for fast in (True, False):
        app = make_app(QUIETPAGE_FAST_PATH=fast)
        d = app.extensions["quietpage.dispatcher"]
        monkeypatch.setattr(d, "run", lambda spec: (_ for _ in ()).throw(Overloaded("busy", 2, "worker_restarted")))
        r = app.test_client().post("/api/v1/clean", json={"html": PAGE}, headers={"Origin": EXT})
        answers[fast] = (r.status, dict(r.headers), r.get_json(force=True))
    assert answers[True] == answers[False]
    assert answers[True][0].startswith("503") and answers[True][1]["Retry-After"] == "2"
    assert answers[True][2]["code"] == "worker_restarted"

    def broken(spec):
        raise ZeroDivisionError("a bug")
    monkeypatch.setattr(work, "handle", broken)
    r = make_app().test_client().post("/api/v1/clean", json={"html": PAGE})
    assert r.status_code == 500 and r.get_json(force=True)["code"] == "internal_error"
    assert "ZeroDivisionError" in caplog.text


def test_fast_path_logs_like_flask(make_app, caplog):
    caplog.set_level("INFO", logger="quietpage.web.access")
    make_app().test_client().post("/api/v1/clean", json={"html": PAGE, "url": "https://example.com/secret?q=1"})
    lines = [r.getMessage() for r in caplog.records if r.name == "quietpage.web.access"]
    assert len(lines) == 1 and lines[0].startswith("POST /api/v1/clean 200 ") and lines[0].endswith("ms")
    assert "secret" not in caplog.text and "herons" not in caplog.text
