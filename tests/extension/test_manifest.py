"""The extension's manifests (source, Chrome zip, Firefox zip) and its files, without a browser."""
import json
import re
import struct
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXT = ROOT / "extension"
ICON_SIZES = ("16", "32", "48", "128")
LOOPBACK_HOSTS = ["http://127.0.0.1/*", "http://localhost/*"]


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    r = subprocess.run([sys.executable, str(EXT / "build.py"), "--out", str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    zips = {}
    for name in ("chrome", "firefox"):
        z = zipfile.ZipFile(out / f"quietpage-{name}.zip")
        zips[name] = {"zip": z, "names": set(z.namelist()), "manifest": json.loads(z.read("manifest.json")),
                      "path": out / f"quietpage-{name}.zip"}
    yield zips
    for v in zips.values():
        v["zip"].close()


@pytest.fixture(scope="module")
def source_manifest():
    return json.loads((EXT / "manifest.json").read_text(encoding="utf-8"))


def csp_directives(csp: str) -> dict:
    out = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def referenced_files(m: dict) -> list[str]:
    refs = list(m["icons"].values()) + list(m["action"]["default_icon"].values())
    bg = m["background"]
    refs += [bg["service_worker"]] if "service_worker" in bg else []
    refs += bg.get("scripts", [])
    refs.append(m["options_ui"]["page"])
    return refs


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


class Refs(HTMLParser):
    """Scripts, styles and images an HTML page loads, plus any inline script or handler."""

    def __init__(self):
        super().__init__()
        self.refs, self.inline_scripts, self.handlers, self._in_script = [], [], [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in a:
            if k.startswith("on"):
                self.handlers.append((tag, k))
        if tag == "script":
            self._in_script = True
            if a.get("src"):
                self.refs.append(a["src"])
        elif tag == "link" and a.get("href"):
            self.refs.append(a["href"])
        elif tag == "img" and a.get("src"):
            self.refs.append(a["src"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts.append(data.strip()[:60])


@pytest.mark.parametrize("browser", ["chrome", "firefox"])
def test_required_keys_permissions_and_csp(builds, browser):
    m = builds[browser]["manifest"]
    for key in ("manifest_version", "name", "version", "description", "icons", "action", "background",
                "permissions", "host_permissions", "content_security_policy", "options_ui", "commands"):
        assert key in m, key
    assert m["manifest_version"] == 3
    assert re.fullmatch(r"\d+(\.\d+){0,3}", m["version"])
    assert len(m["description"]) <= 132                    # Chrome Web Store limit
    assert sorted(m["permissions"]) == ["activeTab", "scripting", "storage"]
    assert sorted(m["host_permissions"]) == sorted(LOOPBACK_HOSTS)
    assert "content_scripts" not in m and "web_accessible_resources" not in m
    assert "externally_connectable" not in m
    csp = m["content_security_policy"]["extension_pages"]
    d = csp_directives(csp)
    assert d["script-src"] == ["'self'"]
    assert d["object-src"] == ["'none'"]
    assert d["default-src"] == ["'self'"]
    assert d["base-uri"] == ["'none'"]
    assert sorted(d["connect-src"]) == ["http://127.0.0.1:*", "http://localhost:*"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp and "upgrade-insecure-requests" not in csp
    assert d["style-src"] == ["'self'"]
    cmd = m["commands"]["_execute_action"]
    assert cmd["suggested_key"]["default"] == "Alt+Shift+Q"
    assert m["options_ui"] == {"page": "options.html", "open_in_tab": True}


@pytest.mark.parametrize("browser", ["chrome", "firefox"])
def test_every_referenced_file_exists_and_icons_are_pngs(builds, browser):
    b = builds[browser]
    m = b["manifest"]
    for ref in referenced_files(m):
        assert ref in b["names"], ref
    for size in ICON_SIZES:
        assert m["icons"][size] == f"icons/icon-{size}.png"
        assert png_size(b["zip"].read(m["icons"][size])) == (int(size), int(size))
    for page in ("reader.html", "options.html"):
        parser = Refs()
        parser.feed(b["zip"].read(page).decode("utf-8"))
        assert parser.refs, page
        for ref in parser.refs:
            assert ref in b["names"], f"{page} loads {ref}"
        assert parser.inline_scripts == [], f"{page} has inline script"
        assert parser.handlers == [], f"{page} has inline event handlers"


def test_chrome_package_is_the_unpacked_folder(builds, source_manifest):
    b = builds["chrome"]
    assert b["manifest"] == source_manifest
    assert source_manifest["background"] == {"service_worker": "background.js"}
    for name in b["names"]:
        assert (EXT / name).read_bytes() == b["zip"].read(name) or name == "manifest.json"
    assert not any(n.endswith(".py") or n.startswith("tools/") for n in b["names"])


def test_firefox_manifest(builds):
    m = builds["firefox"]["manifest"]
    assert "service_worker" not in m["background"]
    assert m["background"]["scripts"] == ["shared.js", "background.js"]
    gecko = m["browser_specific_settings"]["gecko"]
    assert re.fullmatch(r"[\w.+-]+@[\w.-]+", gecko["id"])
    assert float(gecko["strict_min_version"].split(".")[0]) >= 140     # storage.session; data_collection_permissions
    assert gecko["data_collection_permissions"] == {"required": ["none"]}
    assert "minimum_chrome_version" not in m
    # Firefox upgrades http to https under its default MV3 CSP: ours must be explicit
    assert "extension_pages" in m["content_security_policy"]


def test_build_is_reproducible(builds, tmp_path):
    r = subprocess.run([sys.executable, str(EXT / "build.py"), "--out", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for name in ("chrome", "firefox"):
        assert (tmp_path / f"quietpage-{name}.zip").read_bytes() == builds[name]["path"].read_bytes()


def test_folder_loads_unpacked():
    # Chromium refuses to load a folder holding names that start with "_" (a stray __pycache__).
    bad = [p for p in EXT.rglob("*") if p.name.startswith("_")]
    assert bad == [], f"Chromium will not load extension/ with {bad}"


def test_no_remote_code_eval_or_analytics():
    js = {p.name: p.read_text(encoding="utf-8") for p in EXT.glob("*.js")}
    assert set(js) == {"background.js", "shared.js", "reader.js", "options.js", "markdown.js"}
    for name, src in js.items():
        assert "eval(" not in src and "new Function" not in src, name
        assert ".innerHTML" not in src and "outerHTML =" not in src and "insertAdjacentHTML" not in src, name
        assert "document.write" not in src, name
        assert "importScripts(\"http" not in src and "import(" not in src, name
        for url in re.findall(r"https?://[^\s\"'`)<>]+", src):
            assert re.match(r"https?://(127\.0\.0\.1|localhost|example\.invalid)\b", url), f"{name}: {url}"
    for page in EXT.glob("*.html"):
        for url in re.findall(r"(?:src|href)=\"(https?://[^\"]+)\"", page.read_text(encoding="utf-8")):
            pytest.fail(f"{page.name} loads {url}")


def test_default_service_address_is_make_runs():
    src = (EXT / "shared.js").read_text(encoding="utf-8")
    assert 'const DEFAULT_SERVICE = "http://127.0.0.1:8765";' in src
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "PORT ?= 8765" in makefile


def test_content_is_read_only_from_the_worker():
    # The page's HTML is taken with scripting.executeScript and sent from the worker; no content
    # script ever talks to the service (pages' CORS would apply, and pages could see it).
    bg = (EXT / "background.js").read_text(encoding="utf-8")
    assert "scripting.executeScript" in bg and "document.documentElement.outerHTML" in bg
    assert "self.openReader = openReader" in bg
    reader = (EXT / "reader.js").read_text(encoding="utf-8")
    assert "fetch(" not in reader
