"""Security: a web page must not be able to use the service (Host, Origin, CORS, token, limits, logs)."""
from __future__ import annotations

import logging

import pytest

EXT_ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
MOZ_ORIGIN = "moz-extension://0d5e3c1a-7d7b-4c8e-9f8e-2a9f4b1c6d3e"

PAGE = "<html><body><article>" + "<p>Plain article text about the harbour and its boats, long enough.</p>" * 5 \
       + "</article></body></html>"


def code(resp):
    return resp.get_json(force=True).get("code")


# ---- Host (DNS rebinding) -----------------------------------------------------------------------

@pytest.mark.parametrize("host", ["localhost", "localhost:8765", "127.0.0.1", "127.0.0.1:8765", "[::1]",
                                  "[::1]:8765", "LOCALHOST:1", "localhost."])
def test_loopback_hosts_allowed(client, host):
    assert client.get("/api/v1/health", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "127.0.0.1.evil.example",
                                  "localhost.evil.example", "192.168.1.10:8765", "[::2]:8765", "", "0.0.0.0"])
def test_foreign_host_refused(client, host):
    for method, path, kw in (("GET", "/api/v1/health", {}), ("POST", "/api/v1/clean", {"json": {"html": PAGE}}),
                             ("GET", "/", {})):
        r = client.open(path, method=method, headers={"Host": host}, **kw)
        assert r.status_code == 403 and code(r) == "forbidden_host", (host, path)
        assert r.mimetype == "application/problem+json"


def test_missing_host_refused(client):
    r = client.get("/api/v1/health", environ_overrides={"HTTP_HOST": ""})
    assert r.status_code == 403


def test_configured_host(make_app):
    c = make_app(QUIETPAGE_ALLOWED_HOSTS=["quietpage.lan"]).test_client()
    assert c.get("/api/v1/health", headers={"Host": "quietpage.lan:8765"}).status_code == 200
    assert c.get("/api/v1/health", headers={"Host": "other.lan"}).status_code == 403


# ---- Origin and CORS ------------------------------------------------------------------------------

@pytest.mark.parametrize("origin", ["https://evil.example", "http://localhost:3000", "http://127.0.0.1:9999",
                                    "null", "file://", "chrome-extension://", "chrome-extension://abc/x",
                                    "https://chrome-extension.evil.example", "safari-web-extension://abc"])
def test_foreign_origin_refused(client, origin):
    for method, path, kw in (("POST", "/api/v1/clean", {"json": {"html": PAGE}}), ("GET", "/api/v1/rules", {}),
                             ("GET", "/api/v1/health", {})):
        r = client.open(path, method=method, headers={"Origin": origin}, **kw)
        assert r.status_code == 403 and code(r) == "forbidden_origin", (origin, path)
        assert "Access-Control-Allow-Origin" not in r.headers


@pytest.mark.parametrize("origin", [EXT_ORIGIN, MOZ_ORIGIN])
def test_extension_origin_allowed(client, origin):
    r = client.post("/api/v1/clean", json={"html": PAGE}, headers={"Origin": origin})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == origin
    assert "Origin" in r.headers["Vary"]


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_no_cors_requests_from_web_pages_refused(client, site):
    """<img src=http://127.0.0.1:8765/api/v1/health> on a web page sends no Origin, but Sec-Fetch-Site."""
    for mode, path in (("no-cors", "/api/v1/health"), ("no-cors", "/api/v1/rules"), ("cors", "/static/app.js")):
        r = client.get(path, headers={"Sec-Fetch-Site": site, "Sec-Fetch-Mode": mode})
        assert r.status_code == 403 and code(r) == "forbidden_origin"
    r = client.post("/api/v1/clean", data=b"<p>x</p>", content_type="text/plain",
                    headers={"Sec-Fetch-Site": site, "Sec-Fetch-Mode": "navigate"})
    assert r.status_code == 403


def test_following_a_link_to_the_page_is_allowed(client):
    r = client.get("/", headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"})
    assert r.status_code == 200
    for site in ("same-origin", "none"):
        assert client.get("/api/v1/health", headers={"Sec-Fetch-Site": site}).status_code == 200


def test_extension_with_sec_fetch_site_allowed(client):
    r = client.post("/api/v1/clean", json={"html": PAGE},
                    headers={"Origin": EXT_ORIGIN, "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"})
    assert r.status_code == 200


def test_same_origin_page_allowed(client):
    """The service's own page (GET /) posts with Origin http://<host>."""
    r = client.post("/api/v1/clean", json={"html": PAGE},
                    headers={"Host": "127.0.0.1:8765", "Origin": "http://127.0.0.1:8765"})
    assert r.status_code == 200 and "Access-Control-Allow-Origin" not in r.headers


def test_preflight_from_extension(client):
    r = client.options("/api/v1/clean", headers={
        "Origin": EXT_ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, authorization, x-quietpage-token"})
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == EXT_ORIGIN
    allowed = {h.strip().lower() for h in r.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"content-type", "authorization", "x-quietpage-token"} <= allowed
    assert "POST" in r.headers["Access-Control-Allow-Methods"]


def test_preflight_private_network(client):
    r = client.options("/api/v1/clean", headers={"Origin": EXT_ORIGIN, "Access-Control-Request-Method": "POST",
                                                 "Access-Control-Request-Private-Network": "true"})
    assert r.status_code == 204 and r.headers["Access-Control-Allow-Private-Network"] == "true"


def test_preflight_from_web_page_refused(client):
    r = client.options("/api/v1/clean", headers={"Origin": "https://evil.example",
                                                 "Access-Control-Request-Method": "POST",
                                                 "Access-Control-Request-Private-Network": "true"})
    assert r.status_code == 403
    assert "Access-Control-Allow-Origin" not in r.headers
    assert "Access-Control-Allow-Private-Network" not in r.headers


def test_preflight_needs_no_token(make_app):
    c = make_app(QUIETPAGE_TOKEN="s3cret").test_client()
    r = c.options("/api/v1/clean", headers={"Origin": EXT_ORIGIN, "Access-Control-Request-Method": "POST"})
    assert r.status_code == 204


def test_extension_id_allowlist(make_app):
    c = make_app(QUIETPAGE_EXTENSION_IDS=["abcdefghijklmnopabcdefghijklmnop"]).test_client()
    assert c.get("/api/v1/health", headers={"Origin": EXT_ORIGIN}).status_code == 200
    r = c.get("/api/v1/health", headers={"Origin": "chrome-extension://zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"})
    assert r.status_code == 403 and code(r) == "forbidden_origin"
    assert c.get("/api/v1/health", headers={"Origin": MOZ_ORIGIN}).status_code == 403


# ---- token ----------------------------------------------------------------------------------------

def test_token_off(client):
    assert client.get("/api/v1/health").get_json()["auth_required"] is False
    assert client.post("/api/v1/clean", json={"html": PAGE}).status_code == 200


def test_token_on(make_app):
    c = make_app(QUIETPAGE_TOKEN="s3cret").test_client()
    h = c.get("/api/v1/health")
    assert h.status_code == 200
    assert h.get_json()["auth_required"] is True and h.get_json()["authenticated"] is False
    assert c.get("/api/v1/health", headers={"X-Quietpage-Token": "s3cret"}).get_json()["authenticated"] is True
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"X-Quietpage-Token": "wrong"},
                    {"Authorization": "Basic czNjcmV0"}, {"Authorization": "s3cret"}, {"X-Quietpage-Token": ""}):
        r = c.post("/api/v1/clean", json={"html": PAGE}, headers=headers)
        assert r.status_code == 401 and code(r) == "unauthorized", headers
        assert r.mimetype == "application/problem+json"
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
        assert c.get("/api/v1/rules", headers=headers).status_code == 401
    for headers in ({"Authorization": "Bearer s3cret"}, {"Authorization": "bearer  s3cret"},
                    {"X-Quietpage-Token": "s3cret"}):
        assert c.post("/api/v1/clean", json={"html": PAGE}, headers=headers).status_code == 200, headers
        assert c.get("/api/v1/rules", headers=headers).status_code == 200
    # the page, its files and the API description stay readable: they hold no secrets
    assert c.get("/").status_code == 200 and c.get("/api/v1/openapi.json").status_code == 200


def test_token_with_extension_origin_cors_on_401(make_app):
    """A 401 to an extension still carries CORS headers, so the extension can read the reason."""
    c = make_app(QUIETPAGE_TOKEN="s3cret").test_client()
    r = c.post("/api/v1/clean", json={"html": PAGE}, headers={"Origin": EXT_ORIGIN})
    assert r.status_code == 401 and r.headers["Access-Control-Allow-Origin"] == EXT_ORIGIN


def test_host_checked_before_token(make_app):
    c = make_app(QUIETPAGE_TOKEN="s3cret").test_client()
    r = c.post("/api/v1/clean", json={"html": PAGE}, headers={"Host": "evil.example", "X-Quietpage-Token": "s3cret"})
    assert r.status_code == 403


# ---- bodies ---------------------------------------------------------------------------------------

def test_oversized_body(make_app):
    c = make_app(MAX_CONTENT_LENGTH=64 * 1024).test_client()
    r = c.post("/api/v1/clean", data=b"<p>" + b"x" * (65 * 1024), content_type="text/html")
    assert r.status_code == 413 and code(r) == "payload_too_large"


def test_wrong_content_type(client):
    r = client.post("/api/v1/clean", data=b'{"html": "<p>x</p>"}', content_type="application/xml")
    assert r.status_code == 415 and code(r) == "unsupported_media_type"


def test_malformed_json(client):
    r = client.post("/api/v1/clean", data=b'{"html": ', content_type="application/json")
    assert r.status_code == 400 and code(r) == "malformed_json"


@pytest.mark.parametrize("ctype,status", [("application/json", 400), ("text/html", 422), ("text/plain", None),
                                          ("application/octet-stream", 415)])
def test_binary_body(client, ctype, status):
    import random
    blob = random.Random(4).randbytes(8192)
    r = client.post("/api/v1/clean", data=blob, content_type=ctype)
    if status is None:   # as text, binary is decoded with replacement characters: 200 or a 4xx
        assert r.status_code in (200, 422), r.status_code
    else:
        assert r.status_code == status
        assert r.mimetype == "application/problem+json"


# ---- headers and logs ---------------------------------------------------------------------------

def test_security_headers(client):
    r = client.get("/api/v1/health")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    page = client.get("/")
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


def test_logs_have_no_content_or_query(client, caplog):
    secret_text = "UNIQUE-ARTICLE-WORDS-" + "z" * 10
    with caplog.at_level(logging.INFO, logger="quietpage.web"):
        client.post("/api/v1/clean?url=https://private.example/path?token=abc",
                    data=f"<html><body><p>{secret_text}</p></body></html>".encode(), content_type="text/html")
        client.post("/api/v1/clean", json={"html": f"<p>{secret_text}</p>", "url": "https://private.example/q?x=1"})
        client.post("/api/v1/clean", data=b"{broken " + secret_text.encode(), content_type="application/json")
    lines = [r.getMessage() for r in caplog.records]
    access = [line for line in lines if line.startswith("POST /api/v1/clean")]
    assert len(access) == 3
    for line in access:
        method, path, status, size, ms = line.split()
        assert status.isdigit() and (size.isdigit() or size == "-") and ms.endswith("ms")
    text = "\n".join(lines)
    assert secret_text not in text and "private.example" not in text and "token=abc" not in text
