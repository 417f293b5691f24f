"""Packages the extension for both browsers from the one source tree in extension/.

    .venv/bin/python extension/build.py [--out DIR]     (make extension)

writes DIR/quietpage-chrome.zip (extension/ as it loads unpacked) and DIR/quietpage-firefox.zip (the
same files with a Firefox manifest: background.scripts instead of a service worker, and
browser_specific_settings.gecko). DIR defaults to dist/ at the project root. The zips are
reproducible: sorted entries, fixed timestamps.
"""
from __future__ import annotations

import argparse
import copy
import json
import sys
import zipfile
from pathlib import Path

sys.dont_write_bytecode = True   # a __pycache__ in extension/ would stop Chromium loading it unpacked

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GECKO_ID = "quietpage@quietpage.local"
# storage.session, scripting and MV3 are all there by 115, but the data_collection_permissions key
# (required of new add-ons) arrived in 140 (142 on Android): 140 is also the current ESR.
FIREFOX_MIN = "140.0"
FIREFOX_ANDROID_MIN = "142.0"
EXCLUDE_DIRS = {"tools", "__pycache__", "node_modules"}
EXCLUDE_SUFFIXES = {".py", ".pyc", ".md", ".zip"}
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def package_files(src: Path = HERE) -> list[Path]:
    """Every file the extension ships, relative to src, sorted."""
    out = []
    for p in sorted(src.rglob("*")):
        rel = p.relative_to(src)
        if not p.is_file():
            continue
        if any(part.startswith(".") or part in EXCLUDE_DIRS for part in rel.parts):
            continue
        if p.suffix in EXCLUDE_SUFFIXES:
            continue
        out.append(rel)
    return out


def chrome_manifest(m: dict) -> dict:
    return copy.deepcopy(m)


def firefox_manifest(m: dict) -> dict:
    f = copy.deepcopy(m)
    bg = f.pop("background", {})
    worker = bg.get("service_worker", "background.js")
    # Firefox has no extension service workers: an event page running shared.js then the worker file.
    f["background"] = {"scripts": ["shared.js", worker]}
    f.pop("minimum_chrome_version", None)
    f["browser_specific_settings"] = {
        "gecko": {
            "id": GECKO_ID,
            "strict_min_version": FIREFOX_MIN,
            # Firefox's required declaration of data collection: none.
            "data_collection_permissions": {"required": ["none"]},
        },
        "gecko_android": {"strict_min_version": FIREFOX_ANDROID_MIN},
    }
    return f


def write_zip(dest: Path, src: Path, files: list[Path], manifest: dict) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        def add(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
        add("manifest.json", (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        for rel in files:
            if rel.as_posix() == "manifest.json":
                continue
            add(rel.as_posix(), (src / rel).read_bytes())
    tmp.replace(dest)


def check_references(manifest: dict, names: set[str]) -> list[str]:
    """Files the manifest names that the package lacks."""
    refs = list(manifest.get("icons", {}).values())
    action = manifest.get("action", {})
    refs += list((action.get("default_icon") or {}).values()) if isinstance(action.get("default_icon"), dict) else []
    bg = manifest.get("background", {})
    refs += [bg["service_worker"]] if "service_worker" in bg else []
    refs += bg.get("scripts", [])
    if "options_ui" in manifest:
        refs.append(manifest["options_ui"]["page"])
    return [r for r in refs if r not in names]


def build(out: Path) -> list[Path]:
    manifest = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    files = package_files()
    names = {f.as_posix() for f in files}
    made = []
    for name, m in (("chrome", chrome_manifest(manifest)), ("firefox", firefox_manifest(manifest))):
        missing = check_references(m, names)
        if missing:
            raise SystemExit(f"{name} manifest names missing files: {missing}")
        dest = out / f"quietpage-{name}.zip"
        write_zip(dest, HERE, files, m)
        made.append(dest)
    return made


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    args = ap.parse_args(argv)
    for p in build(args.out):
        with zipfile.ZipFile(p) as z:
            n = len(z.namelist())
        print(f"wrote {p} ({n} files, {p.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
