"""A real browser extension (a minimal MV3 one made here, not the project's) calls the service from its
service worker, as the Quietpage extension does: the Origin, Sec-Fetch-* and CORS handling that the
security checks rely on are those of real Chromium, not of our guesses."""
from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser

MANIFEST = {
    "manifest_version": 3, "name": "quietpage-service-test", "version": "1.0",
    "background": {"service_worker": "sw.js"},
    "host_permissions": ["http://127.0.0.1/*", "http://localhost/*"],
}


@pytest.fixture(scope="module")
def worker(tmp_path_factory, chromium):
    exe = chromium
    from playwright.sync_api import sync_playwright
    ext = tmp_path_factory.mktemp("ext")
    (ext / "manifest.json").write_text(json.dumps(MANIFEST))
    (ext / "sw.js").write_text("self.addEventListener('install', () => self.skipWaiting());\n")
    profile = tmp_path_factory.mktemp("profile")
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(profile), executable_path=exe, headless=True,
            args=[f"--disable-extensions-except={ext}", f"--load-extension={ext}", "--no-sandbox"])
        sw = ctx.service_workers[0] if ctx.service_workers else ctx.wait_for_event("serviceworker", timeout=20000)
        yield sw
        ctx.close()


FETCH = """async ([url, init]) => {
  const r = await fetch(url, init);
  return {status: r.status, body: await r.text(), acao: r.headers.get('access-control-allow-origin')};
}"""


def test_extension_can_clean(worker, server):
    ext_origin = worker.url.split("/sw.js")[0]
    base = f"http://127.0.0.1:{server.port}"
    h = worker.evaluate(FETCH, [f"{base}/api/v1/health", {}])
    assert h["status"] == 200 and json.loads(h["body"])["status"] == "ok"
    r = worker.evaluate(FETCH, [f"{base}/api/v1/clean", {
        "method": "POST", "headers": {"Content-Type": "application/json", "X-Quietpage-Token": "unused"},
        "body": json.dumps({"text": "A paragraph about the river, long enough to be an article."})}])
    assert r["status"] == 200, r
    assert json.loads(r["body"])["input_kind"] == "text"
    assert r["acao"] in (ext_origin, None)   # None: Chrome grants host_permissions without CORS


def test_extension_errors_are_readable(worker, server):
    base = f"http://127.0.0.1:{server.port}"
    r = worker.evaluate(FETCH, [f"{base}/api/v1/clean", {
        "method": "POST", "headers": {"Content-Type": "application/json"}, "body": "{oops"}])
    assert r["status"] == 400 and json.loads(r["body"])["code"] == "malformed_json"
