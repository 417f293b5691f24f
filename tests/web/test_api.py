"""Flask test-client tests: every route, every error, with the engine in the request thread."""
from __future__ import annotations

import json
import threading

import pytest

import quietpage
from quietpage.web import work

SEED_URL = "https://www.business-standard.com/article/international/us-asks-iraq.html"
PAGE = ("<html><head><title>A day at the lake</title></head><body><article><h1>A day at the lake</h1>"
        + "<p>We walked around the lake for most of the morning and counted the herons on the far shore. "
          "The water was still and the light was soft.</p>" * 6
        + "<p>Subscribe now for unlimited access.</p></article></body></html>")


def problem(resp, status, code):
    assert resp.status_code == status, resp.get_data(as_text=True)[:500]
    assert resp.mimetype == "application/problem+json"
    body = resp.get_json(force=True)
    assert body["status"] == status and body["code"] == code
    assert body["type"].endswith(code) and body["title"] and "detail" in body
    return body


# ---- POST /api/v1/clean ----------------------------------------------------------------------

def test_clean_json_html(client):
    r = client.post("/api/v1/clean", json={"html": PAGE, "url": "https://example.com/lake"})
    assert r.status_code == 200 and r.mimetype == "application/json"
    d = r.get_json()
    assert d["input_kind"] == "html" and "herons" in d["text"]
    assert d["url"] == "https://example.com/lake"
    assert set(d) >= {"title", "content_html", "text", "paywall", "removed", "word_count"}
    assert r.headers["Server-Timing"].startswith("clean;dur=")


def test_clean_matches_engine(client, seed_inputs):
    html = seed_inputs["seed-page.html"]["html"].decode("utf-8")
    r = client.post("/api/v1/clean", json={"html": html, "url": SEED_URL})
    assert r.status_code == 200
    assert r.get_json() == quietpage.clean(html, url=SEED_URL).to_dict()


def test_clean_text(client, seed_inputs):
    r = client.post("/api/v1/clean", json={"text": seed_inputs["seed.txt"]["text"]})
    assert r.status_code == 200
    d = r.get_json()
    assert d["input_kind"] == "text" and d["removed"]
    assert all({"rule", "category", "stage", "text"} <= set(x) for x in d["removed"])


def test_clean_raw_html_with_url(client, seed_inputs):
    body = seed_inputs["seed-page.html"]["html"]
    r = client.post(f"/api/v1/clean?url={SEED_URL}", data=body, content_type="text/html; charset=utf-8")
    assert r.status_code == 200
    d = r.get_json()
    assert d["url"] == SEED_URL and d["input_kind"] == "html"


def test_clean_raw_html_declared_charset(client):
    page = PAGE.replace("herons", "hérons").encode("latin-1")
    r = client.post("/api/v1/clean", data=page, content_type="text/html; charset=iso-8859-1")
    assert r.status_code == 200 and "hérons" in r.get_json()["text"]


def test_clean_raw_text_plain_and_keep(client):
    text = "A long enough paragraph about herons on the lake, written for this test.\n" \
           "Subscribe now for unlimited access.\n"
    r = client.post("/api/v1/clean?keep=paywall&keep=meter", data=text.encode(), content_type="text/plain")
    assert r.status_code == 200 and r.get_json()["input_kind"] == "text"


def test_clean_options(client):
    r = client.post("/api/v1/clean", json={"html": PAGE, "options": {"scrub": False, "prune": False}})
    assert r.status_code == 200 and r.get_json()["removed"] == []


def test_clean_null_url_and_options(client):
    r = client.post("/api/v1/clean", json={"html": PAGE, "url": None, "options": None})
    assert r.status_code == 200


def test_clean_lone_surrogate(client):
    body = '{"html": "<p>odd \\ud800 text</p>", "url": "https://x.example/\\udfff"}'
    r = client.post("/api/v1/clean", data=body, content_type="application/json")
    assert r.status_code in (200, 422)
    r.get_data().decode("utf-8")   # valid UTF-8 whatever happened


# ---- errors of /clean ---------------------------------------------------------------------------

@pytest.mark.parametrize("body", ["{not json", "", "[1, 2", '{"html": "x"', "\xff\xfe garbage"])
def test_malformed_json(client, body):
    r = client.post("/api/v1/clean", data=body.encode("latin-1"), content_type="application/json")
    problem(r, 400, "malformed_json")


def test_deeply_nested_json(client):
    r = client.post("/api/v1/clean", data=b"[" * 100_000, content_type="application/json")
    problem(r, 400, "malformed_json")


@pytest.mark.parametrize("payload,code", [
    ({}, "missing_field"),
    ({"nothing": 1}, "invalid_request"),
    ({"url": "https://x.example"}, "missing_field"),
    ([1, 2, 3], "invalid_request"),
    ("just a string", "invalid_request"),
    ({"html": 42}, "invalid_request"),
    ({"text": ["a"]}, "invalid_request"),
    ({"html": "<p>x</p>", "text": "x"}, "invalid_request"),
    ({"html": "<p>x</p>", "url": 5}, "invalid_request"),
    ({"html": "<p>x</p>", "extra": True}, "invalid_request"),
    ({"html": "<p>x</p>", "options": []}, "invalid_options"),
    ({"html": "<p>x</p>", "options": {"bogus": 1}}, "invalid_options"),
    ({"html": "<p>x</p>", "options": {"keep_categories": ["nope"]}}, "invalid_options"),
    ({"html": "<p>x</p>", "options": {"max_bytes": -1}}, "invalid_options"),
    ({"html": "<p>x</p>", "options": {"rule_files": ["/etc/passwd"]}}, "invalid_options"),
])
def test_invalid_requests(client, payload, code):
    problem(client.post("/api/v1/clean", json=payload), 400, code)


def test_rule_files_are_a_server_setting(client):
    body = problem(client.post("/api/v1/clean", json={"html": "<p>x</p>", "options": {"rule_files": []}}),
                   400, "invalid_options")
    assert "--rules" in body["detail"]


@pytest.mark.parametrize("payload,code", [
    ({"html": ""}, "empty_input"),
    ({"html": "   \n "}, "empty_input"),
    ({"text": ""}, "empty_input"),
])
def test_engine_rejects(client, payload, code):
    r = client.post("/api/v1/clean", json=payload)
    if r.status_code == 200:   # the engine may accept an empty text as an empty article
        assert payload.get("text") == ""
        return
    problem(r, 422, code)


def test_engine_input_too_large(client):
    problem(client.post("/api/v1/clean", json={"html": PAGE, "options": {"max_bytes": 100}}),
            413, "input_too_large")


def test_binary_body_as_html(client):
    blob = bytes(range(256)) * 64
    problem(client.post("/api/v1/clean", data=blob, content_type="text/html"), 422, "not_html")


@pytest.mark.parametrize("ctype", ["application/octet-stream", "multipart/form-data; boundary=x",
                                   "application/x-www-form-urlencoded", "image/png", None])
def test_unsupported_media_type(client, ctype):
    kw = {"content_type": ctype} if ctype else {}
    problem(client.post("/api/v1/clean", data=b"<p>x</p>", **kw), 415, "unsupported_media_type")


def test_body_over_limit(make_app):
    c = make_app(MAX_CONTENT_LENGTH=1000).test_client()
    body = problem(c.post("/api/v1/clean", json={"html": "<p>" + "x" * 2000 + "</p>"}), 413, "payload_too_large")
    assert "1,000" in body["detail"]
    assert c.post("/api/v1/clean", json={"html": PAGE[:900]}).status_code in (200, 422)


def test_overloaded_503(make_app, monkeypatch):
    """One slot, no queue: a second request while the first is with the engine gets 503 at once."""
    app = make_app(QUIETPAGE_SLOTS=1, QUIETPAGE_MAX_WAITING=0)
    entered, release = threading.Event(), threading.Event()
    real = work.handle

    def slow(spec):
        entered.set()
        release.wait(10)
        return real(spec)
    monkeypatch.setattr(work, "handle", slow)
    results = {}
    t = threading.Thread(target=lambda: results.setdefault(
        "first", app.test_client().post("/api/v1/clean", json={"html": PAGE})))
    t.start()
    assert entered.wait(10)
    try:
        r = app.test_client().post("/api/v1/clean", json={"html": PAGE})
        problem(r, 503, "overloaded")
        assert r.headers["Retry-After"] == "1"
    finally:
        release.set()
        t.join(10)
    assert results["first"].status_code == 200


def test_queue_timeout_503(make_app, monkeypatch):
    app = make_app(QUIETPAGE_SLOTS=1, QUIETPAGE_MAX_WAITING=1, QUIETPAGE_QUEUE_TIMEOUT=0.2)
    entered, release = threading.Event(), threading.Event()
    real = work.handle
    monkeypatch.setattr(work, "handle", lambda spec: (entered.set(), release.wait(10), real(spec))[2])
    t = threading.Thread(target=lambda: app.test_client().post("/api/v1/clean", json={"html": PAGE}))
    t.start()
    assert entered.wait(10)
    try:
        body = problem(app.test_client().post("/api/v1/clean", json={"html": PAGE}), 503, "overloaded")
        assert "0.2 s" in body["detail"]
    finally:
        release.set()
        t.join(10)


def test_engine_bug_is_500(client, monkeypatch, caplog):
    def broken(*a, **k):
        raise RuntimeError("boom: " + "quoting the" + " page")
    monkeypatch.setattr(quietpage, "clean", broken)
    body = problem(client.post("/api/v1/clean", json={"html": PAGE}), 500, "internal_error")
    assert "boom" not in json.dumps(body)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged and "quoting the page" not in logged


def test_unexpected_bug_is_500_problem(app):
    @app.get("/boom")
    def boom():
        raise ZeroDivisionError
    problem(app.test_client().get("/boom"), 500, "internal_error")


# ---- other routes -----------------------------------------------------------------------------

def test_health(client):
    r = client.get("/api/v1/health")
    assert r.status_code == 200
    d = r.get_json()
    assert d["status"] == "ok" and d["version"] == quietpage.__version__
    assert d["rules"] == len(quietpage.rules.load(())) > 0
    assert d["auth_required"] is False
    assert r.headers["Cache-Control"] == "no-store"


def test_rules(client):
    r = client.get("/api/v1/rules")
    assert r.status_code == 200
    d = r.get_json()
    assert d["count"] == len(d["rules"]) == len(quietpage.rules.load(()))
    for rule in d["rules"]:
        assert {"id", "category", "lang", "source"} <= set(rule)
        assert rule["source"].endswith(".toml")


def test_openapi_document(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    d = r.get_json()
    assert d["openapi"].startswith("3.")
    assert set(d["paths"]) == {"/api/v1/clean", "/api/v1/health", "/api/v1/rules", "/api/v1/openapi.json"}
    documented = set(d["paths"]["/api/v1/clean"]["post"]["responses"])
    assert documented == {"200", "400", "401", "403", "413", "415", "422", "503"}
    media = set(d["paths"]["/api/v1/clean"]["post"]["requestBody"]["content"])
    from quietpage.web.api import BODY_KINDS
    assert media == set(BODY_KINDS)


def test_index_page(client):
    r = client.get("/")
    assert r.status_code == 200 and r.mimetype == "text/html"
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    html = r.get_data(as_text=True)
    assert "<script src=" in html and "<script>" not in html and " on" not in html.split("<body")[1].split(">")[0]
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/app.css").status_code == 200


def test_not_found_and_method_not_allowed(client):
    problem(client.get("/api/v1/nope"), 404, "not_found")
    r = client.get("/api/v1/clean")
    problem(r, 405, "method_not_allowed")
    assert "POST" in r.headers["Allow"]
    problem(client.delete("/api/v1/health"), 405, "method_not_allowed")
