"""The real thing: `quietpage serve` (the command users run) in a child process on a free port."""
from __future__ import annotations

import gzip
import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

EXT = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
CT = {"Content-Type": "application/json"}
needs_proc = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")


def test_banner(server):
    out = server.out.read_text()
    assert f"http://127.0.0.1:{server.port}" in out
    assert "chrome://extensions" in out and "Load unpacked" in out and "extension" in out
    assert "WARNING" not in server.err.read_text()


def test_health_and_rules(server):
    st, h, body = server.request("GET", "/api/v1/health")
    d = json.loads(body)
    assert st == 200 and d["status"] == "ok" and d["rules"] > 0 and d["engine"]["workers"] >= 1
    assert h["server"] == "quietpage"
    st, _, body = server.request("GET", "/api/v1/rules")
    assert st == 200 and json.loads(body)["count"] == d["rules"]


def test_clean_seed(server, corpus, seed_expected):
    seed = (corpus / "seed" / "seed-page.html").read_text(encoding="utf-8")
    st, h, body = server.request("POST", "/api/v1/clean", json.dumps({"html": seed}), CT)
    assert st == 200 and h["content-type"] == "application/json"
    text = " ".join(json.loads(body)["text"].split())
    assert all(" ".join(k.split()) in text for k in seed_expected["keep"])


def test_errors_over_http(server):
    st, h, _ = server.request("POST", "/api/v1/clean", "{oops", CT)
    assert st == 400 and h["content-type"] == "application/problem+json"
    st, _, _ = server.request("POST", "/api/v1/clean", b"\x00\x01", {"Content-Type": "application/octet-stream"})
    assert st == 415
    st, _, body = server.request("POST", "/api/v1/clean", bytes(range(256)) * 16, {"Content-Type": "text/html"})
    assert st == 422 and json.loads(body)["code"] == "not_html"
    st, _, body = server.request("POST", "/api/v1/clean", json.dumps({"html": "", "url": None}), CT)
    assert st == 422 and json.loads(body)["code"] == "empty_input"


def test_security_over_http(server):
    st, _, body = server.request("GET", "/api/v1/health", headers={"Host": "evil.example"})
    assert st == 403 and json.loads(body)["code"] == "forbidden_host"
    st, _, body = server.request("POST", "/api/v1/clean", json.dumps({"text": "x"}),
                                 {**CT, "Origin": "https://evil.example"})
    assert st == 403 and json.loads(body)["code"] == "forbidden_origin"
    st, h, _ = server.request("OPTIONS", "/api/v1/clean", headers={
        "Origin": EXT, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert st == 204 and h["access-control-allow-origin"] == EXT


def test_oversized_body_over_http(server):
    big = json.dumps({"html": "<p>" + "x" * (11 * 1024 * 1024) + "</p>"})
    try:
        st, h, body = server.request("POST", "/api/v1/clean", big, CT)
        assert st == 413 and json.loads(body)["code"] == "payload_too_large"
    except (ConnectionError, OSError):
        pass   # a server may close the connection early; it must stay alive
    assert server.request("GET", "/api/v1/health")[0] == 200


def test_concurrent_real_pages(server, corpus):
    pages = [gzip.open(p, "rt", encoding="utf-8").read()
             for p in sorted((corpus / "scrapinghub" / "html").glob("*.html.gz"))[:24]]
    statuses, lock = [], threading.Lock()

    def client(chunk):
        for p in chunk:
            st, _, _ = server.request("POST", "/api/v1/clean", json.dumps({"html": p}), CT)
            with lock:
                statuses.append(st)
    ts = [threading.Thread(target=client, args=(pages[i::8],)) for i in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    assert statuses == [200] * len(pages)


def test_token_server(start_server):
    s = start_server("--token", "s3cret", "--workers", "1")
    st, _, body = s.request("GET", "/api/v1/health")
    assert st == 200 and json.loads(body)["auth_required"] is True
    st, h, body = s.request("POST", "/api/v1/clean", json.dumps({"text": "hello"}), CT)
    assert st == 401 and json.loads(body)["code"] == "unauthorized"
    st, _, _ = s.request("POST", "/api/v1/clean", json.dumps({"text": "hello"}), {**CT, "Authorization": "Bearer s3cret"})
    assert st == 200
    assert "token required" in s.out.read_text() and "s3cret" not in s.out.read_text() + s.err.read_text()


def test_time_limit_in_worker(start_server, corpus):
    """A page that takes longer than --time-limit is stopped in the worker: 422, and the worker lives on."""
    biggest = max((corpus / "scrapinghub" / "html").glob("*.html.gz"), key=lambda p: p.stat().st_size)
    page = gzip.open(biggest, "rt", encoding="utf-8").read()
    s = start_server("--workers", "1", "--time-limit", "0.001")
    st, _, body = s.request("POST", "/api/v1/clean", json.dumps({"html": page}), CT)
    assert st == 422 and json.loads(body)["code"] == "time_limit_exceeded"
    st, _, body = s.request("POST", "/api/v1/clean", json.dumps({"text": "still working"}), CT)
    assert st in (200, 422)
    assert s.request("GET", "/api/v1/health")[0] == 200


@needs_proc
def test_worker_killed_is_replaced(start_server):
    s = start_server("--workers", "1")
    health = json.loads(s.request("GET", "/api/v1/health")[2])
    assert health["engine"]["workers"] == 1
    pids = _descendants(s.proc.pid)
    victims = [p for p in pids if "quietpage-worker" in _cmdline(p) or _is_worker(p)]
    assert victims, pids
    for p in victims:
        os.kill(p, signal.SIGKILL)
    time.sleep(0.3)
    st, h, body = s.request("POST", "/api/v1/clean", json.dumps({"text": "x y z"}), CT)
    assert st in (200, 503), body   # 503 worker_restarted for the request that met the dead worker
    deadline = time.time() + 30
    while time.time() < deadline:
        st, _, _ = s.request("POST", "/api/v1/clean", json.dumps({"text": "x y z"}), CT)
        if st == 200:
            break
        time.sleep(0.3)
    assert st == 200


@needs_proc
def test_sigterm_stops_server_and_workers(start_server):
    s = start_server("--workers", "2")
    kids = _descendants(s.proc.pid)
    assert kids
    assert s.stop(signal.SIGTERM) == 0
    assert "Quietpage stopped." in s.err.read_text()
    time.sleep(0.5)
    assert not [p for p in kids if Path(f"/proc/{p}").exists() and _state(p) != "Z"]


def test_bind_elsewhere_warns(start_server):
    s = start_server("--host", "0.0.0.0", "--workers", "1", "--allow-host", "quietpage.test")
    err = s.err.read_text()
    assert "WARNING" in err and "0.0.0.0" in err and "token" in err
    assert s.request("GET", "/api/v1/health", headers={"Host": "quietpage.test"})[0] == 200
    assert s.request("GET", "/api/v1/health", headers={"Host": "evil.example"})[0] == 403


# ---- /proc helpers ------------------------------------------------------------------------------

def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                kids = [int(x) for x in Path(f"/proc/{p}/task/{tid}/children").read_text().split()]
                out += kids
                todo += kids
        except OSError:
            pass
    return out


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _is_worker(pid: int) -> bool:
    """A worker is a grandchild (server -> forkserver -> worker) that has no children of its own."""
    try:
        ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        return "forkserver" in _cmdline(ppid) and "resource_tracker" not in _cmdline(pid)
    except (OSError, ValueError, IndexError):
        return False


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"

