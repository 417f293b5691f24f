"""The extension in headless Chromium, driven the way the toolbar button drives it (self.openReader),
against the real `quietpage serve`. Misbehaving services (HTTP 500, a hang) are stubs."""
import json
import re
from urllib.parse import urlsplit

import pytest

from . import qp_ext_harness as H
from .qp_ext_harness import norm, reader_text

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def seed_expected():
    return json.loads((H.CORPUS / "seed" / "expected.json").read_text(encoding="utf-8"))


def leaked_lines(text, expected):
    return [x for x in expected["remove"] if len(x) > 12 and norm(x) in text]


# ----------------------------------------------------------------------------- articles

def test_seed_page_opens_with_the_article_and_a_metered_banner(qp, seed_expected):
    tab, reader, answer = qp.open_reader("seed.html")
    assert reader.url == answer["readerUrl"]
    assert reader.url.startswith(f"{qp.ext_origin}/reader.html?id=")
    assert answer["paywall"] == "metered"
    assert reader.inner_text("#qp-title").startswith("US asks Iraq to take actions")
    assert "Business Standard".upper() in reader.inner_text(".qp-kicker").upper()
    body = reader_text(reader)
    kept = [k for k in seed_expected["keep"] if norm(k) in body]
    assert len(kept) == len(seed_expected["keep"]) == 10
    banner = reader.inner_text("#qp-banner")
    assert "Metered paywall" in banner
    assert re.search(r"\d+ items? removed", banner)
    assert reader.title().startswith("US asks Iraq")


def test_seed_page_shows_none_of_the_removed_lines(qp, seed_expected):
    # Engine quality, seen through the extension: a failure here with the test above passing means
    # the service let boilerplate through, not that the reader mis-rendered it.
    _, reader, _ = qp.open_reader("seed.html")
    article = norm(reader.inner_text("#qp-content"))
    assert leaked_lines(article, seed_expected) == []


def test_rich_article_keeps_figures_tables_code_and_lists(qp):
    _, reader, answer = qp.open_reader("rich.html")
    c = "#qp-content"
    assert reader.inner_text("#qp-title") == "How the river town rebuilt its bridges"
    assert reader.inner_text("#qp-byline") == "Maren Okafor"
    assert "THE VALLEY LEDGER" in reader.inner_text(".qp-kicker").upper()
    assert reader.text_content("#qp-date") == "March 9, 2024"        # the publisher's own date
    # the title is shown once (the engine's copy of the <h1> is folded into the header)
    assert reader.locator(f"{c} h1").count() == 0
    img = reader.locator(f"{c} figure img")
    assert img.count() == 1
    img.scroll_into_view_if_needed()
    reader.wait_for_function("() => document.querySelector('#qp-content figure img').complete")
    assert img.evaluate("i => i.naturalWidth") == 640
    assert img.get_attribute("src") == qp.page_url("images/bridge.png")
    assert "Photo: Ledger staff" in reader.inner_text(f"{c} figcaption")
    assert reader.locator(f"{c} table th").count() == 4 and reader.locator(f"{c} table tbody tr").count() == 3
    code = reader.inner_text(f"{c} pre")
    assert "    for r in readings:\n        peaks[r.bridge]" in code
    assert reader.evaluate("() => getComputedStyle(document.querySelector('#qp-content pre')).whiteSpace") == "pre"
    assert reader.locator(f"{c} ol > li").count() == 3
    assert reader.locator(f"{c} ul ul > li").count() == 2
    assert "grandchildren" in reader.inner_text(f"{c} blockquote")
    # links and images never carry script, and open outside the reader
    assert reader.evaluate("() => [...document.querySelectorAll('#qp-content *')].every(e => "
                           "[...e.attributes].every(a => !a.name.startsWith('on') && a.name !== 'style'))")
    # the newsletter box is gone by default
    assert "Sign up for our free newsletter" not in reader_text(reader)


def test_scrapinghub_page_renders_with_its_images(qp):
    _, reader, answer = qp.open_reader("scrapinghub.html")
    assert "Hibernating astronauts" in reader.inner_text("#qp-title")
    text = norm(reader.inner_text("#qp-content"))
    gt = json.loads((H.CORPUS / "scrapinghub" / "ground-truth.json").read_text(encoding="utf-8"))[H.SCRAPINGHUB_PAGE]
    paras = [norm(p) for p in gt["articleBody"].split("\n") if len(p.split()) > 12]
    assert paras and sum(p[:80] in text for p in paras) >= 0.8 * len(paras)
    imgs = reader.locator("#qp-content img")
    assert imgs.count() >= 3
    srcs = imgs.evaluate_all("l => l.map(i => i.getAttribute('src'))")
    assert all(s.startswith("https://scx1.b-cdn.net/") for s in srcs), srcs
    assert reader.locator("#qp-content figure figcaption").count() >= 3
    first = imgs.first
    first.scroll_into_view_if_needed()
    reader.wait_for_function("() => { const i = document.querySelector('#qp-content img'); return i.complete && i.naturalWidth > 0; }")
    # the pictures came from their own host (answered offline by the test's stub), not via the service
    assert any(u.startswith("https://scx1.b-cdn.net/") for u in qp.blocked)


def test_right_to_left_page_reads_right_to_left(qp):
    _, reader, answer = qp.open_reader("rtl.html")
    assert reader.get_attribute("#qp-content", "dir") == "rtl"
    assert reader.get_attribute("#qp-head", "dir") == "rtl"
    assert reader.evaluate("() => getComputedStyle(document.querySelector('#qp-content p:not(.qp-removed p)')).direction") == "rtl"
    # paragraphs are laid out from the right edge of the column
    box = reader.evaluate("""() => { const p = document.querySelector('#qp-content p:not(.qp-removed p)'); const r = document.createRange();
        r.selectNodeContents(p); const rects = [...r.getClientRects()].filter(x => x.width > 0);
        const col = p.getBoundingClientRect();
        return {lineRight: Math.max(...rects.map(x => x.right)), colRight: col.right,
                lineLeft: Math.min(...rects.map(x => x.left)), colLeft: col.left}; }""")
    assert abs(box["lineRight"] - box["colRight"]) < 2 and box["lineLeft"] - box["colLeft"] > 20
    assert "Lorem ipsum dolor sit amet" in reader.inner_text("#qp-content")


# ----------------------------------------------------------------------------- controls

def test_theme_and_font_changes_persist_across_reader_tabs(qp):
    _, first, _ = qp.open_reader("seed.html")
    assert first.get_attribute("html", "data-theme") == "system"
    first.click("#qp-settings-toggle")
    first.click("[data-theme-choice=dark]")
    first.click("[data-font-choice=sans]")
    first.click("#qp-size-up")
    first.click("#qp-size-up")
    first.click("[data-width-choice=wide]")
    assert first.inner_text("#qp-size-value") == "22 px"
    first.wait_for_function("() => true")
    stored = qp.sw.evaluate("() => chrome.storage.local.get('reader').then(r => r.reader)")
    assert stored == {"theme": "dark", "font": "sans", "fontSize": 22, "width": "wide"}

    _, second, _ = qp.open_reader("rich.html")
    assert second.get_attribute("html", "data-theme") == "dark"
    assert second.get_attribute("html", "data-font") == "sans"
    assert second.get_attribute("html", "data-width") == "wide"
    style = second.evaluate("""() => { const p = document.querySelector('#qp-content p:not(.qp-removed p)'); const s = getComputedStyle(p);
        return {bg: getComputedStyle(document.body).backgroundColor, size: s.fontSize, family: s.fontFamily}; }""")
    assert style["bg"] == "rgb(23, 24, 27)"
    assert style["size"] == "22px"
    assert "serif" not in style["family"].replace("sans-serif", "")
    # a change in one tab reaches the tabs already open
    second.click("#qp-settings-toggle")
    second.click("[data-theme-choice=sepia]")
    first.wait_for_function("() => document.documentElement.dataset.theme === 'sepia'")
    assert first.evaluate("() => getComputedStyle(document.body).backgroundColor") == "rgb(245, 236, 217)"


def test_removed_items_list_expands_and_shows_pieces_in_place(qp):
    _, reader, answer = qp.open_reader("seed.html")
    n = answer["removed"]
    assert n >= 1
    toggle = reader.locator("#qp-removed-toggle")
    assert toggle.inner_text() == f"{n} item{'s' if n != 1 else ''} removed"
    assert reader.locator("#qp-removed-panel").is_hidden()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    items = reader.locator("#qp-removed-list > li")
    assert items.count() == n
    first = items.first
    assert first.locator(".qp-cat").inner_text().strip() in {
        "meter", "paywall", "login", "pricing", "plan-benefits", "placeholder", "newsletter", "social",
        "support", "ad", "consent", "related", "legal", "repeated"}
    assert re.match(r"^[\w.-]+$", first.locator(".qp-rule").inner_text())
    assert first.locator(".qp-removed-text").inner_text().strip()
    # inline: hidden until asked for, then marked and placed after the paragraph that precedes them
    assert reader.locator("#qp-content .qp-removed").first.is_hidden()
    reader.check("#qp-show-inline")
    shown = reader.locator("#qp-content .qp-removed")
    assert shown.first.is_visible()
    assert shown.first.text_content().startswith("Removed · ")
    order = reader.evaluate("""() => [...document.querySelectorAll('#qp-content > *, #qp-content .qp-removed')]
        .map(e => e.classList.contains('qp-removed') ? 'R' : 'A').join('')""")
    assert "R" in order
    # in the seed page every removed piece comes after the last paragraph of the story
    last_para = reader.evaluate("""() => { const ps = [...document.querySelectorAll('#qp-content p:not(.qp-removed p)')];
        const last = ps[ps.length - 1]; const r = document.querySelector('#qp-content .qp-removed');
        return !!(last.compareDocumentPosition(r) & Node.DOCUMENT_POSITION_FOLLOWING); }""")
    assert last_para
    reader.uncheck("#qp-show-inline")
    assert shown.first.is_hidden()


def test_copy_as_markdown_and_as_text(qp, seed_expected):
    qp.ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    _, reader, _ = qp.open_reader("rich.html")
    reader.click("#qp-copy-md")
    reader.wait_for_function("() => window.quietpageLastCopy && window.quietpageLastCopy.kind === 'markdown'")
    md = reader.evaluate("() => window.quietpageLastCopy.text")
    assert reader.evaluate("() => navigator.clipboard.readText()") == md
    assert "Copied as Markdown" in reader.inner_text("#qp-status")
    assert md.startswith("# How the river town rebuilt its bridges\n")
    assert "*Maren Okafor · The Valley Ledger · March 9, 2024*" in md
    assert f"Source: <{qp.page_url('rich.html')}>" in md
    assert f"![The new Mill Street bridge at dusk]({qp.page_url('images/bridge.png')})" in md
    assert "## What it cost" in md
    assert "| Bridge | Span (m) | Cost (€ million) | Reopened |" in md
    assert "| Mill Street | 42 | 6.1 | March 2024 |" in md
    assert "```python\ndef daily_peak(readings):\n" in md and "        peaks[r.bridge] = max(" in md
    assert "1. A regional reconstruction grant" in md and "3. Insurance on the old bridges" in md
    assert re.search(r"^- Wider footpaths on every span\n  - at least two metres on Mill Street$", md, re.M)
    assert "> We could have had new bridges in a year." in md
    assert "Removed ·" not in md and "newsletter" not in md.lower()

    reader.click("#qp-copy-text")
    reader.wait_for_function("() => window.quietpageLastCopy.kind === 'text'")
    txt = reader.evaluate("() => navigator.clipboard.readText()")
    assert txt.startswith("How the river town rebuilt its bridges\n")
    assert "When the spring flood of 2022" in txt and "**" not in txt and "<p>" not in txt

    # the seed story, as Markdown, is the whole article
    _, seed_reader, _ = qp.open_reader("seed.html")
    seed_reader.click("#qp-copy-md")
    seed_reader.wait_for_function("() => window.quietpageLastCopy && window.quietpageLastCopy.kind === 'markdown'")
    copied = seed_reader.evaluate("() => window.quietpageLastCopy")
    assert "error" not in copied, (copied, [c for c in qp.console if c[0] in ("error", "pageerror")])
    seed_md = norm(copied["text"])
    assert all(norm(k) in seed_md for k in seed_expected["keep"])


def test_keep_categories_reach_the_service(qp):
    qp.settings(keepCategories=["newsletter"])
    qp.requests.clear()
    _, reader, _ = qp.open_reader("rich.html")
    assert "Sign up for our free newsletter" in reader_text(reader)
    posts = [r for r in qp.requests if r["method"] == "POST" and r["url"].endswith("/api/v1/clean")]
    assert posts and json.loads(posts[-1]["post"])["options"] == {"keep_categories": ["newsletter"]}


# ----------------------------------------------------------------------------- failures

def test_service_not_running_says_how_to_start_it_and_retry_works(qp):
    qp.settings(serviceUrl=f"http://127.0.0.1:{H.free_port()}")
    _, reader, answer = qp.open_reader("seed.html", expect="service_down")
    assert reader.inner_text("#qp-state-title") == "The Quietpage service isn’t running"
    body = reader.inner_text("#qp-state-body")
    assert "make run" in body and reader.locator("#qp-state-body code").inner_text() == "make run"
    assert reader.locator("#qp-retry").is_visible()
    assert reader.locator("#qp-state-options").is_visible()
    # start "the service" (point the settings at the running one) and press Try again
    qp.settings()
    reader.click("#qp-retry")
    reader.wait_for_selector("body[data-ready=true]")
    assert reader.inner_text("#qp-title").startswith("US asks Iraq")


def test_wrong_token_is_explained(qp):
    qp.settings(serviceUrl=f"http://127.0.0.1:{qp.guard_port}", token="not-the-token")
    _, reader, answer = qp.open_reader("seed.html", expect="unauthorized")
    assert reader.inner_text("#qp-state-title") == "The service rejected the token"
    assert "HTTP 401" in reader.inner_text("#qp-state-code")
    assert "Options" in reader.inner_text("#qp-state-body")
    # no token at all: same state; the right token: the article
    qp.settings(serviceUrl=f"http://127.0.0.1:{qp.guard_port}", token="")
    qp.open_reader("seed.html", expect="unauthorized")
    qp.settings(serviceUrl=f"http://127.0.0.1:{qp.guard_port}", token=H.GUARD_TOKEN)
    qp.open_reader("seed.html", expect="done")


def test_service_error_is_shown_with_its_detail(qp):
    port = qp.stub("error500")
    qp.settings(serviceUrl=f"http://127.0.0.1:{port}")
    _, reader, answer = qp.open_reader("seed.html", expect="service_error")
    assert reader.inner_text("#qp-state-title") == "The service hit an error"
    body = reader.inner_text("#qp-state-body")
    assert "500" in body and "the engine crashed (stub)" in body
    assert "HTTP 500" in reader.inner_text("#qp-state-code")
    assert reader.locator("#qp-retry").is_visible()


def test_timeout_is_shown(qp):
    port = qp.stub("slow")
    qp.settings(serviceUrl=f"http://127.0.0.1:{port}", timeoutSeconds=1)
    _, reader, _ = qp.open_reader("seed.html", expect="timeout")
    assert reader.inner_text("#qp-state-title") == "The service took too long"
    assert "after 1 seconds" in reader.inner_text("#qp-state-body")


def test_page_too_large_is_shown(qp):
    qp.settings(serviceUrl=f"http://127.0.0.1:{qp.guard_port}", token=H.GUARD_TOKEN)
    _, reader, _ = qp.open_reader("big.html", expect="too_large")
    assert reader.inner_text("#qp-state-title") == "This page is too large to clean"
    assert "HTTP 413" in reader.inner_text("#qp-state-code")
    assert reader.locator("#qp-retry").is_hidden()


def test_page_without_an_article_says_so(qp):
    _, reader, answer = qp.open_reader("empty.html", expect=None)
    assert answer["status"] == "error" and answer["code"] in ("no_article", "empty_input", "not_html"), answer
    assert reader.inner_text("#qp-state-title") == "No article found on this page"
    assert reader.locator("#qp-state-original").get_attribute("href") == qp.page_url("empty.html")


def test_browser_pages_cannot_be_read_and_say_why(qp):
    page = qp.ctx.new_page()
    page.goto(f"{qp.ext_origin}/options.html")    # another extension page: scripting is not allowed there
    with qp.ctx.expect_page() as newp:
        answer = qp.sw.evaluate("""async (u) => { const [t] = await chrome.tabs.query({url: u}); return self.openReader(t); }""",
                                f"{qp.ext_origin}/options.html")
    reader = newp.value
    reader.wait_for_function("() => document.getElementById('qp-state').dataset.state === 'error'")
    assert answer["code"] == "cannot_read_page"
    assert reader.inner_text("#qp-state-title") == "Quietpage can’t read this page"


def test_results_too_big_for_session_storage_still_open(qp):
    # storage.session holds 10 MB in Chromium: bigger results stay in the worker's memory and the
    # reader asks the worker for them; a big page text (used only for inline placement) is dropped.
    made = qp.sw.evaluate("""async () => {
      const words = (n) => 'lorem ipsum dolor sit amet '.repeat(n);
      const base = {status: 'done', url: 'http://127.0.0.1/big', title: 'Big', created: Date.now(), removed: []};
      const result = (html) => ({title: 'A big article', content_html: html, text: 'x', dir: 'ltr', lang: 'en',
                                  paywall: {detected: false, kind: 'none', signals: []}, removed: []});
      await self.quietpageJobs.save(Object.assign({}, base, {id: 'bigtext', pageText: words(450000),
                                    result: result('<p>' + words(40) + '</p>')}));
      await self.quietpageJobs.save(Object.assign({}, base, {id: 'bightml', pageText: '',
                                    result: result('<p>' + words(40) + '</p><p>' + words(420000) + '</p>')}));
      const s = await chrome.storage.session.get(['job:bigtext', 'job:bightml']);
      return {leanText: s['job:bigtext'].pageText, inMemory: s['job:bightml'].inMemory === true};
    }""")
    assert made == {"leanText": "", "inMemory": True}
    for job_id in ("bigtext", "bightml"):
        page = qp.ctx.new_page()
        page.goto(f"{qp.ext_origin}/reader.html?id={job_id}")
        page.wait_for_selector("body[data-ready=true]")
        assert page.inner_text("#qp-title") == "A big article"
        page.close()


def test_expired_or_unknown_reader_id(qp):
    page = qp.ctx.new_page()
    page.goto(f"{qp.ext_origin}/reader.html?id=doesnotexist")
    page.wait_for_function("() => document.getElementById('qp-state').dataset.state === 'error'", timeout=8000)
    assert page.inner_text("#qp-state-title") == "This reader view has expired"


# ----------------------------------------------------------------------------- options

def test_options_page_tests_the_connection_and_saves(qp):
    page = qp.ctx.new_page()
    page.goto(f"{qp.ext_origin}/options.html")
    assert page.input_value("#op-service") == qp.service_url
    page.fill("#op-service", "https://example.com:8765")
    page.click("#op-test")
    assert "this computer" in page.inner_text("#op-service-error")
    page.fill("#op-service", qp.service_url)
    page.click("#op-test")
    page.wait_for_function("() => ['ok', 'error'].includes(document.getElementById('op-test-result').dataset.result)")
    assert page.get_attribute("#op-test-result", "data-result") == "ok"
    assert re.search(r"Connected to Quietpage \d+\.\d+\.\d+, \d+ rules", page.inner_text("#op-test-result"))
    # a token-protected service with the wrong token
    page.fill("#op-service", f"127.0.0.1:{qp.guard_port}")
    page.fill("#op-token", "wrong")
    page.click("#op-test")
    page.wait_for_function("() => ['ok', 'error'].includes(document.getElementById('op-test-result').dataset.result)")
    assert "rejected the token" in page.inner_text("#op-test-result")
    page.fill("#op-token", H.GUARD_TOKEN)
    page.click("#op-test")
    page.wait_for_function("() => document.getElementById('op-test-result').dataset.result === 'ok'")
    assert "token was accepted" in page.inner_text("#op-test-result")
    # nothing listening
    page.fill("#op-service", f"http://localhost:{H.free_port()}")
    page.fill("#op-token", "")
    page.click("#op-test")
    page.wait_for_function("() => document.getElementById('op-test-result').dataset.result === 'error'")
    assert "make run" in page.inner_text("#op-test-result")
    # save: address normalised, categories kept
    page.fill("#op-service", f"127.0.0.1:{qp.service_port}/")
    page.check("input[name=keep][value=newsletter]")
    page.click("#op-save")
    page.wait_for_function("() => document.getElementById('op-saved').textContent === 'Saved'")
    stored = qp.sw.evaluate("() => Quietpage.getSettings()")
    assert stored["serviceUrl"] == qp.service_url and stored["keepCategories"] == ["newsletter"]


def test_keyboard_shortcut_is_registered(qp):
    commands = qp.sw.evaluate("() => chrome.commands.getAll()")
    action = [c for c in commands if c["name"] == "_execute_action"]
    assert action and action[0]["shortcut"].replace(" ", "") in ("Alt+Shift+Q", "⌥⇧Q")


# ----------------------------------------------------------------------------- privacy

def test_no_request_leaves_for_any_host_but_the_loopback_service(qp):
    qp.requests.clear()
    blocked_before = len(qp.blocked)
    qp.open_reader("seed.html")
    qp.open_reader("rich.html")
    page = qp.ctx.new_page()
    page.goto(f"{qp.ext_origin}/options.html")
    page.click("#op-test")
    page.wait_for_function("() => document.getElementById('op-test-result').dataset.result === 'ok'")
    allowed_ports = {qp.site_port, qp.service_port}
    outside = []
    for r in qp.requests:
        u = urlsplit(r["url"])
        if u.scheme == "chrome-extension" and u.netloc == qp.ext_id:
            continue
        if u.scheme in ("http", "https") and u.hostname == "127.0.0.1" and u.port in allowed_ports:
            continue
        if u.scheme == "data":
            continue
        outside.append((r["url"], r["source"]))
    assert outside == []
    assert len(qp.blocked) == blocked_before
    # the worker's and the options page's own traffic went to the service only (the reader page
    # loads nothing but the article's pictures, from where the article has them)
    own = [r for r in qp.requests if r["source"].startswith((f"{qp.ext_origin}/background.js", f"{qp.ext_origin}/options.html"))
           and not r["url"].startswith(qp.ext_origin)]
    assert own and all(r["url"].startswith(qp.service_url + "/api/v1/") for r in own), own
    reader = [r for r in qp.requests if r["source"].startswith(f"{qp.ext_origin}/reader.html") and not r["url"].startswith(qp.ext_origin)]
    assert all(r["type"] == "image" and r["url"].startswith(qp.page_url("images/")) for r in reader), reader


def test_extension_pages_run_without_errors_or_csp_violations(qp):
    qp.console.clear()
    _, reader, _ = qp.open_reader("rich.html")
    reader.click("#qp-settings-toggle")
    reader.click("[data-theme-choice=sepia]")
    reader.click("#qp-removed-toggle")
    page = qp.ctx.new_page()
    page.goto(f"{qp.ext_origin}/options.html")
    page.click("#op-test")
    page.wait_for_function("() => document.getElementById('op-test-result').dataset.result === 'ok'")
    problems = [c for c in qp.console if c[0] in ("error", "pageerror", "warning") and c[2].startswith(qp.ext_origin)]
    assert problems == []


def test_print_styles_hide_the_controls(qp):
    _, reader, _ = qp.open_reader("seed.html")
    reader.click("#qp-settings-toggle")
    reader.click("[data-theme-choice=dark]")
    reader.emulate_media(media="print")
    assert reader.locator("#qp-toolbar").is_hidden()
    assert reader.locator("#qp-removed-toggle").is_hidden()
    colours = reader.evaluate("""() => ({bg: getComputedStyle(document.body).backgroundColor,
        fg: getComputedStyle(document.querySelector('#qp-content p:not(.qp-removed p)')).color})""")
    assert colours == {"bg": "rgb(255, 255, 255)", "fg": "rgb(0, 0, 0)"}
    assert "Metered paywall" in reader.inner_text("#qp-banner")     # the verdict stays on paper
    reader.emulate_media(media="screen")
    assert reader.locator("#qp-toolbar").is_visible()


def test_reader_csp_blocks_inline_script_and_other_hosts(qp):
    _, reader, _ = qp.open_reader("seed.html")
    reader.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';
        document.body.appendChild(s); }""")
    assert reader.evaluate("() => window.injected") is None
    outcome = reader.evaluate("""() => fetch('https://example.com/collect').then(() => 'sent', e => 'blocked')""")
    assert outcome == "blocked"
    assert not any("example.com" in u for u in qp.blocked)    # stopped by the CSP, not by the test's offline guard


def test_markdown_converter_edge_cases(qp):
    page = qp.ctx.new_page()
    page.goto(f"{qp.ext_origin}/reader.html")      # any extension page that loads markdown.js
    def md(html):
        return page.evaluate("""h => { const d = document.createElement('div'); d.append(...new DOMParser()
            .parseFromString(h, 'text/html').body.childNodes); return QuietpageMarkdown.htmlToMarkdown(d); }""", html)
    assert md("<p>snake_case, *stars* and [brackets]</p>") == "snake_case, \\*stars\\* and \\[brackets\\]\n"
    assert md("<p>1. not a list</p><p># not a heading</p>") == "1\\. not a list\n\n\\# not a heading\n"
    assert md("<p><code>a`b</code> and <em>it</em> and <strong>bold</strong></p>") == "``a`b`` and *it* and **bold**\n"
    assert md('<p><img src="https://x.test/placeholder.svg" srcset="https://x.test/s.jpg 320w, https://x.test/l.jpg 650w" alt="A [pic]"></p>') \
        == "![A \\[pic\\]](https://x.test/l.jpg)\n"
    assert md('<p><a href="https://x.test/a(b)">see</a> <a href="javascript:alert(1)">bad</a></p>') == "[see](<https://x.test/a(b)>) bad\n"
    assert md("<table><tr><th>a|b</th><th>c</th></tr><tr><td>1</td><td>2</td></tr></table>") == "| a\\|b | c |\n| --- | --- |\n| 1 | 2 |\n"
    assert md("<ol start='3'><li><p>three</p><p>more</p></li><li>four</li></ol>") == "3. three\n\n   more\n\n4. four\n"
    assert md("<pre>```\ninner\n```</pre>") == "````\n```\ninner\n```\n````\n"
    assert md("<blockquote><p>one</p><p>two</p></blockquote>") == "> one\n>\n> two\n"
