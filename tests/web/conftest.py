"""Fixtures for the service tests: the Flask app in-process, and a real `quietpage serve` process."""
from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quietpage.web import create_app

QUIETPAGE = Path(sys.executable).parent / "quietpage"


@pytest.fixture
def make_app():
    """create_app with test settings (the engine in the request thread unless told otherwise)."""
    apps = []

    def make(**cfg):
        cfg.setdefault("QUIETPAGE_WORKERS", 0)
        cfg.setdefault("TESTING", True)
        app = create_app(cfg)
        apps.append(app)
        return app
    yield make
    for app in apps:
        app.extensions["quietpage.dispatcher"].close()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """`quietpage serve` in a child process (its own session, so its workers stop with it)."""

    def __init__(self, *args: str, tmp: Path):
        self.port = free_port()
        self.out = tmp / f"serve-{self.port}.out"
        self.err = tmp / f"serve-{self.port}.err"
        self.proc = subprocess.Popen([str(QUIETPAGE), "serve", "--port", str(self.port), *args],
                                     stdout=self.out.open("wb"), stderr=self.err.open("wb"),
                                     start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"quietpage serve exited: {self.err.read_text()[-2000:]}")
            try:
                if self.request("GET", "/api/v1/health", timeout=2)[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("quietpage serve did not answer within 60 s")

    def request(self, method, path, body=None, headers=None, timeout=60):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = {"Host": f"127.0.0.1:{self.port}"}
        h.update(headers or {})
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            c.close()

    def stop(self, sig=signal.SIGTERM) -> int | None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
            except ProcessLookupError:
                pass
        return self.proc.returncode


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    s = Server(tmp=tmp_path_factory.mktemp("serve"))
    yield s
    s.stop()


@pytest.fixture
def start_server(tmp_path):
    started = []

    def start(*args):
        s = Server(*args, tmp=tmp_path)
        started.append(s)
        return s
    yield start
    for s in started:
        s.stop()


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium for the browser tests: skip with the reason when it is missing, fail when CI=true."""
    path = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(path):
        path = shutil.which("chromium") or ""
    if not path:
        reason = "headless Chromium not found at /usr/bin/chromium (apt-get install chromium; `make browser`)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {reason}")
        pytest.skip(reason)
    return path
