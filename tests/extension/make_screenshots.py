"""Screenshots of the extension for the docs, taken in headless Chromium against the real service.

    .venv/bin/python tests/extension/make_screenshots.py      # writes docs/screenshots/*.png
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import qp_ext_harness as H  # noqa: E402

OUT = H.ROOT / "docs" / "screenshots"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    h = H.Harness(viewport={"width": 1180, "height": 900})
    h.start_browser()
    try:
        def prefs(**kw):
            h.sw.evaluate("p => Quietpage.setReaderPrefs(p)", kw)

        prefs(theme="light", font="serif", fontSize=19, width="medium")
        _, r, _ = h.open_reader("seed.html")
        r.screenshot(path=str(OUT / "reader-light.png"))

        prefs(theme="dark")
        _, r, _ = h.open_reader("rich.html")
        r.evaluate("() => window.scrollTo(0, 0)")
        r.wait_for_function("() => [...document.images].every(i => i.complete)")
        r.screenshot(path=str(OUT / "reader-dark.png"))

        prefs(theme="sepia")
        _, r, _ = h.open_reader("seed.html")
        r.click("#qp-removed-toggle")
        r.check("#qp-show-inline")
        r.screenshot(path=str(OUT / "reader-removed.png"), full_page=True)

        prefs(theme="light")
        _, r, _ = h.open_reader("rich.html")
        r.click("#qp-settings-toggle")
        r.screenshot(path=str(OUT / "reader-settings.png"))

        h.settings(serviceUrl=f"http://127.0.0.1:{H.free_port()}")
        _, r, _ = h.open_reader("seed.html", expect="service_down")
        r.screenshot(path=str(OUT / "reader-service-down.png"))
        h.settings()

        p = h.ctx.new_page()
        p.set_viewport_size({"width": 900, "height": 1000})
        p.goto(f"{h.ext_origin}/options.html")
        p.click("#op-test")
        p.wait_for_function("() => document.getElementById('op-test-result').dataset.result === 'ok'")
        p.screenshot(path=str(OUT / "options.png"), full_page=True)
    finally:
        h.stop()
    for f in sorted(OUT.glob("*.png")):
        print("wrote", f.relative_to(H.ROOT), f.stat().st_size // 1024, "KB")


if __name__ == "__main__":
    main()
