"""Runs the unpacked extension in headless Chromium against the real `quietpage serve`.

Used by the browser tests (conftest.py) and by make_screenshots.py. Everything it starts (services,
the page server, the browser) is its own and is stopped by process id or handle.
"""
from __future__ import annotations

import contextlib
import gzip
import http.client
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
EXT = ROOT / "extension"
CORPUS = ROOT / "bench" / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHROMIUM = os.environ.get("QUIETPAGE_CHROMIUM", "/usr/bin/chromium")
QUIETPAGE = Path(sys.executable).parent / "quietpage"
STUB = Path(__file__).resolve().parent / "stub_service.py"

SCRAPINGHUB_PAGE = "e1c7023ee2148901b086256fdd30a0893d10b0720b510d5ff07a021109347266"   # phys.org, 4 figures
RTL_PAGE = "rtl-1"
GUARD_TOKEN = "correct-horse-battery-staple"
GUARD_MAX_BODY = 100_000

OPEN_READER_JS = """async (u) => {
  const [t] = await chrome.tabs.query({url: u});
  if (!t) throw new Error('no tab at ' + u);
  return self.openReader(t);
}"""


def browser_missing_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (install Debian's chromium package: `make browser` as root)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed in this environment (`make install`)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(port: int, path: str, secs: float = 20) -> bool:
    end = time.time() + secs
    while time.time() < end:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", path)
            if c.getresponse().status == 200:
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def png_bytes(w: int, h: int) -> bytes:
    """A small picture (sky, river, a bridge) as PNG, stdlib only."""
    rows = []
    for y in range(h):
        row = bytearray([0])
        for x in range(w):
            if y < h * 0.55:
                c = (int(60 + 120 * y / h), int(110 + 90 * y / h), 190)
            else:
                c = (40, 90, 120) if (x // 9 + y // 5) % 3 else (60, 120, 150)
            if abs(y - h * 0.5) < h * 0.03 or (abs(y - h * 0.5) < h * 0.22 and x % (w // 8) < 4):
                c = (70, 60, 55)
            row += bytes(c)
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + chunk(b"IEND", b""))


STUB_IMAGE = png_bytes(64, 36)


def build_site(dest: Path) -> dict[str, str]:
    """The pages the tests open, written to dest; returns {name: path}."""
    (dest / "images").mkdir(parents=True, exist_ok=True)
    shutil.copy(CORPUS / "seed" / "seed-page.html", dest / "seed.html")
    shutil.copy(FIXTURES / "rich-article.html", dest / "rich.html")
    (dest / "images" / "bridge.png").write_bytes(png_bytes(640, 360))
    with gzip.open(CORPUS / "scrapinghub" / "html" / f"{SCRAPINGHUB_PAGE}.html.gz", "rb") as f:
        (dest / "scrapinghub.html").write_bytes(f.read())
    with gzip.open(CORPUS / "readability-js" / "pages" / RTL_PAGE / "source.html.gz", "rb") as f:
        (dest / "rtl.html").write_bytes(f.read())
    (dest / "empty.html").write_text("<!DOCTYPE html><html><head><title>Nothing here</title></head><body>"
                                     "<nav><a href='/'>Home</a></nav></body></html>", encoding="utf-8")
    para = ("<p>This paragraph is here to make the page larger than the service's body limit in the "
            "test, so that the reader shows its page-too-large state. It says the same thing every time.</p>\n")
    (dest / "big.html").write_text("<!DOCTYPE html><html><head><title>A very long page</title></head><body><article>"
                                   "<h1>A very long page</h1>" + para * (GUARD_MAX_BODY // len(para) + 50)
                                   + "</article></body></html>", encoding="utf-8")
    return {p.name: str(p) for p in dest.iterdir()}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


class Process:
    """A child in its own process group, stopped by its id."""

    def __init__(self, args, env=None, cwd=None):
        self.args = args
        self.proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True)

    def stop(self):
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)

    def stderr_tail(self) -> str:
        if self.proc.poll() is None:
            return ""
        return (self.proc.stderr.read() or b"").decode("utf-8", "replace")[-2000:]


def start_service(port: int, token: str | None = None, extra: list[str] | None = None) -> Process:
    env = dict(os.environ)
    env.pop("QUIETPAGE_TOKEN", None)
    if token:
        env["QUIETPAGE_TOKEN"] = token     # the service reads it from the environment: not in `ps`
    p = Process([str(QUIETPAGE), "serve", "--port", str(port), "--workers", "1", "--quiet", *(extra or [])], env=env)
    if not wait_http(port, "/api/v1/health"):
        p.stop()
        raise RuntimeError(f"quietpage serve did not answer on port {port}: {p.stderr_tail()}")
    return p


def start_stub(port: int, mode: str) -> Process:
    p = Process([sys.executable, str(STUB), str(port), mode])
    if not wait_http(port, "/api/v1/health"):
        p.stop()
        raise RuntimeError("stub service did not start")
    return p


def is_loopback(url: str) -> bool:
    return urlsplit(url).hostname in ("127.0.0.1", "localhost")


class Harness:
    """One browser with the extension, the real service, a guarded service (token and a small body
    limit), and a page server. Requests to anything but loopback never leave: they are answered by
    a stub (images) or aborted, and recorded in `blocked`."""

    def __init__(self, viewport=None):
        self.tmp = Path(tempfile.mkdtemp(prefix="qp-ext-"))
        self.site_dir = self.tmp / "site"
        build_site(self.site_dir)
        self.site_port = free_port()
        handler = partial(QuietHandler, directory=str(self.site_dir))
        ThreadingHTTPServer.daemon_threads = True
        self.site = ThreadingHTTPServer(("127.0.0.1", self.site_port), handler)
        threading.Thread(target=self.site.serve_forever, daemon=True).start()
        self.procs: list[Process] = []
        self.service_port = free_port()
        self.procs.append(start_service(self.service_port))
        self._guard_port = None
        self.requests: list[dict] = []
        self.blocked: list[str] = []
        self._pw = None
        self.viewport = viewport or {"width": 1200, "height": 900}

    # -- services
    @property
    def service_url(self) -> str:
        return f"http://127.0.0.1:{self.service_port}"

    @property
    def guard_port(self) -> int:
        if self._guard_port is None:
            port = free_port()
            self.procs.append(start_service(port, token=GUARD_TOKEN, extra=["--max-body", str(GUARD_MAX_BODY)]))
            self._guard_port = port
        return self._guard_port

    def stub(self, mode: str) -> int:
        port = free_port()
        self.procs.append(start_stub(port, mode))
        return port

    def page_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.site_port}/{name}"

    # -- browser
    def start_browser(self):
        from playwright.sync_api import sync_playwright
        self._pw = sync_playwright().start()
        self.ctx = self._pw.chromium.launch_persistent_context(
            str(self.tmp / "profile"), executable_path=CHROMIUM, headless=True, viewport=self.viewport,
            args=[f"--disable-extensions-except={EXT}", f"--load-extension={EXT}", "--no-sandbox"])
        self.ctx.set_default_timeout(20000)
        self.ctx.on("request", self._on_request)
        self.console: list[tuple[str, str, str]] = []
        self.ctx.on("console", lambda m: self.console.append((m.type, m.text, m.page.url if m.page else "")))
        self.ctx.on("weberror", lambda e: self.console.append(("pageerror", str(e.error), e.page.url if e.page else "")))
        self.ctx.route(lambda url: url.startswith(("http:", "https:")) and not is_loopback(url), self._offline)
        sw = self.ctx.service_workers[0] if self.ctx.service_workers else self.ctx.wait_for_event("serviceworker", timeout=20000)
        self.ext_id = sw.url.split("/")[2]
        self.ext_origin = f"chrome-extension://{self.ext_id}"
        self.reset_settings()
        return self

    @property
    def sw(self):
        workers = [w for w in self.ctx.service_workers if w.url.startswith(self.ext_origin if hasattr(self, "ext_origin") else "chrome-extension://")]
        if workers:
            return workers[-1]
        # an idle worker was stopped by the browser: wake it by opening an extension page
        p = self.ctx.new_page()
        p.goto(f"{self.ext_origin}/options.html")
        w = self.ctx.service_workers[-1] if self.ctx.service_workers else self.ctx.wait_for_event("serviceworker")
        p.close()
        return w

    def _on_request(self, req):
        try:
            sw = req.service_worker
        except Exception:
            sw = None
        if sw is not None:
            source = sw.url
        else:
            try:
                source = req.frame.url
            except Exception:
                source = "?"
        self.requests.append({"url": req.url, "method": req.method, "source": source,
                              "type": req.resource_type, "post": req.post_data if req.method == "POST" else None})

    def _offline(self, route):
        self.blocked.append(route.request.url)
        if route.request.resource_type == "image":
            route.fulfill(status=200, content_type="image/png", body=STUB_IMAGE)
        else:
            route.abort()

    def settings(self, **kw):
        base = {"serviceUrl": self.service_url, "token": "", "keepCategories": [], "timeoutSeconds": 30}
        base.update(kw)
        return self.sw.evaluate("s => Quietpage.setSettings(s)", base)

    def reset_settings(self):
        self.settings()
        self.sw.evaluate("() => chrome.storage.local.remove('reader')")

    def open_tab(self, name: str):
        page = self.ctx.new_page()
        page.goto(self.page_url(name), wait_until="domcontentloaded")
        return page

    def open_reader(self, name: str, expect: str | None = "done"):
        """Opens the page in a tab, runs the toolbar path, returns (tab, reader, openReader's answer)."""
        tab = self.open_tab(name)
        with self.ctx.expect_page(timeout=20000) as newp:
            answer = self.sw.evaluate(OPEN_READER_JS, self.page_url(name))
        reader = newp.value
        reader.wait_for_load_state("domcontentloaded")
        reader.wait_for_function(
            "() => document.body.dataset.ready === 'true' || document.getElementById('qp-state').dataset.state === 'error'")
        if expect == "done":
            assert answer["status"] == "done", answer
            assert reader.get_attribute("body", "data-ready") == "true"
        elif expect:
            assert answer["status"] == "error" and answer["code"] == expect, answer
        return tab, reader, answer

    def close_pages(self):
        """Closes every tab but the first (a persistent context keeps one page open)."""
        for p in list(self.ctx.pages)[1:]:
            with contextlib.suppress(Exception):
                p.close()

    def stop(self):
        with contextlib.suppress(Exception):
            self.ctx.close()
        with contextlib.suppress(Exception):
            self._pw.stop()
        for p in self.procs:
            p.stop()
        self.site.shutdown()
        self.site.server_close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def reader_text(reader) -> str:
    return " ".join(reader.inner_text("#qp-main").split())


def norm(s: str) -> str:
    return " ".join(s.split())


if __name__ == "__main__":
    print(json.dumps({"chromium": CHROMIUM, "missing": browser_missing_reason()}))
