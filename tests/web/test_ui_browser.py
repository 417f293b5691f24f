"""The / page in headless Chromium (Debian's chromium through Playwright for Python), against a real
`quietpage serve`: paste the seed, see the cleaned article, the verdict and every removed piece
highlighted and labelled. Skips (with the reason) when Chromium is missing, but fails when CI=true."""
from __future__ import annotations

import json
import os

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(chromium):
    exe = chromium
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as e:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: playwright is not installed: {e}")
        pytest.skip(f"playwright is not installed: {e}")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, headless=True, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    ctx = browser.new_context()
    pg = ctx.new_page()
    pg.problems = []
    pg.on("pageerror", lambda e: pg.problems.append(f"pageerror: {e}"))
    pg.on("console", lambda m: pg.problems.append(f"console.{m.type}: {m.text} at {m.location}") if m.type == "error" else None)
    pg.goto(f"http://127.0.0.1:{server.port}/")
    pg.wait_for_selector("#health:has-text('rules')")
    yield pg
    ctx.close()


def _expected(server, body: dict) -> dict:
    st, _, data = server.request("POST", "/api/v1/clean", json.dumps(body), {"Content-Type": "application/json"})
    assert st == 200
    return json.loads(data)


def _check_result(page, expected: dict) -> None:
    page.wait_for_selector("#results:not([hidden])")
    cleaned = page.inner_text("#cleaned")
    first_para = expected["text"].split("\n\n")[0]
    assert first_para[:60] in " ".join(cleaned.split())
    verdict = page.inner_text("#verdict")
    pw = expected["paywall"]
    assert (f"Paywall: {pw['kind']}" if pw["detected"] else "No paywall detected") in verdict
    items = page.locator("#removed li")
    assert items.count() == len(expected["removed"])
    for i, r in enumerate(expected["removed"]):
        li = items.nth(i)
        assert li.get_attribute("data-rule") == r["rule"] and li.get_attribute("data-category") == r["category"]
    if expected["removed"]:
        marked = page.locator("#original p.removed")
        assert marked.count() >= 1
        first = marked.first
        label = first.locator(".label").inner_text()
        assert first.get_attribute("data-rule") in label and first.get_attribute("data-category") in label
    assert not page.problems, page.problems
    assert page.locator("#token-row").is_hidden()


def test_paste_seed_text(page, server, seed_inputs):
    text = seed_inputs["seed.txt"]["text"]
    expected = _expected(server, {"text": text})
    assert expected["removed"], "the engine removes at least the meter nag from the seed"
    page.fill("#input", text)
    page.click("#clean")
    _check_result(page, expected)
    # the removed pieces of a text input are all located in the original pane
    assert page.locator("#original p.removed").count() >= len({r["text"] for r in expected["removed"]}) - 1
    # the article text stays unmarked
    assert page.locator("#original p:not(.removed)").first.inner_text().startswith("The United States")


def test_paste_seed_html(page, server, seed_inputs):
    html = seed_inputs["seed-page.html"]["html"].decode("utf-8")
    expected = _expected(server, {"html": html})
    page.fill("#input", html)
    page.click("#clean")
    _check_result(page, expected)
    assert page.locator("#cleaned script").count() == 0


def test_drop_file(page, server, seed_inputs):
    text = seed_inputs["seed.txt"]["text"]
    dt = page.evaluate_handle(
        "(t) => { const d = new DataTransfer(); d.items.add(new File([t], 'seed.txt', {type: 'text/plain'})); return d; }",
        text)
    page.dispatch_event("#input", "drop", {"dataTransfer": dt})
    page.wait_for_function("() => document.getElementById('input').value.length > 100")
    assert page.input_value("#kind") == "text"
    page.click("#clean")
    _check_result(page, _expected(server, {"text": text}))


def test_error_is_shown(page):
    page.fill("#input", "   ")
    page.click("#clean")
    assert "Paste some" in page.inner_text("#error")
    page.select_option("#kind", "html")
    page.fill("#input", "\u0001\u0002")
    page.click("#clean")
    page.wait_for_selector("#error:not([hidden])")
    page.wait_for_function("() => document.getElementById('error').textContent.includes('(')")
    assert "empty_input" in page.inner_text("#error") or "not_html" in page.inner_text("#error")
