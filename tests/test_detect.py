"""Paywall verdicts read values, not the presence of words."""
import json

import pytest

import quietpage

BODY = "".join(f"<p>Paragraph {i} of a long and complete article about the river and the town, with detail.</p>"
               for i in range(30))


def page(ld=None, extra_head="", extra_body="", body=BODY):
    script = f'<script type="application/ld+json">{json.dumps(ld)}</script>' if ld else ""
    return f"<html><head>{script}{extra_head}</head><body><article>{body}{extra_body}</article></body></html>"


@pytest.mark.parametrize("value", [False, "false", "False"])
def test_is_accessible_for_free_false_with_full_text_is_metered(value):
    r = quietpage.clean(page({"@type": "NewsArticle", "isAccessibleForFree": value}))
    assert r.paywall.kind == "metered" and any(s.source == "json-ld" for s in r.paywall.signals)


def test_free_page_with_piano_script_is_none():
    r = quietpage.clean(page(extra_head='<script src="https://cdn.tinypass.com/api/tinypass.min.js"></script>'))
    assert r.paywall.kind == "none"


def test_content_tier_locked_is_hard():
    r = quietpage.clean(page(extra_head='<meta name="article:content_tier" content="locked">'))
    assert r.paywall.kind == "hard"


def test_has_part_nodes_are_never_pruned():
    ld = {"@type": "NewsArticle", "isAccessibleForFree": False,
          "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False, "cssSelector": ".paywall"}}
    html = page(ld, body=f'<div class="paywall">{BODY}</div>')
    r = quietpage.clean(html)
    assert "Paragraph 29" in r.text and r.paywall.detected


def test_registration_wall_from_selector_name():
    ld = {"@type": "NewsArticle", "isAccessibleForFree": "False",
          "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": "False", "cssSelector": ".regwalled"}}
    r = quietpage.clean(page(ld, body=f'<div class="regwalled">{BODY}</div>'))
    assert r.paywall.kind == "registration"


def test_teaser_cut_at_a_gate_is_hard_and_truncated():
    body = ("<p>The first paragraph of the story is here and it tells you a little about the report that "
            "follows, but not very much at all…</p><p>To view the full story, please subscribe</p>")
    r = quietpage.clean(page(body=body))
    assert r.paywall.kind == "hard" and r.paywall.truncated


MODAL = ("<div class='modal' aria-hidden='true'><p>Create a free account to keep reading this story and every other "
         "story on the site.</p><a href='/register'>Register for free</a></div>")


def test_gate_sentence_in_a_hidden_modal_tells_the_kind():
    r = quietpage.clean(page(extra_body=MODAL))
    assert r.paywall.kind == "registration"
    assert any(s.source == "hidden" for s in r.paywall.signals)
    assert "Create a free account" not in r.text


def test_hidden_buttons_alone_are_no_evidence():
    r = quietpage.clean(page(extra_body="<div hidden><a href='/register'>Register for free</a></div>"))
    assert r.paywall.kind == "none"


def test_a_page_that_declares_itself_free_overrules_hidden_gate_text():
    r = quietpage.clean(page(extra_head='<meta property="article:content_tier" content="free">', extra_body=MODAL))
    assert r.paywall.kind == "none"


def test_a_hard_wall_is_truncated_unless_its_protected_part_is_served_in_full():
    from quietpage import detect
    from quietpage.result import Signal
    hard = [Signal("vendor", "vendor.laterpay.overlay", "hard", "x")]
    # a vendor overlay, 272 words that end in a full stop: still only a teaser for the reader
    assert detect.verdict(hard, 272, False).truncated
    # the hasPart section is in the page in full: nothing is cut off
    assert not detect.verdict(hard, 900, False, protected_words=700).truncated
    # a registration wall over a long, whole text is not a cut
    reg = [Signal("text", "en.registration.register-to-read", "registration", "x")]
    assert not detect.verdict(reg, 600, False).truncated and detect.verdict(reg, 600, True).truncated


def test_a_page_that_says_it_is_free_is_not_walled_by_a_badge_on_another_storys_teaser():
    from quietpage import detect
    from quietpage.result import Signal
    free = Signal("json-ld", "isAccessibleForFree", "free", "NewsArticle: true")
    badge = Signal("text", "pt.paywall.exclusive-subscribers", "hard", "Exclusivo para assinantes")
    gate = Signal("text", "en.paywall.subscribe-to-read", "hard", "Subscribe now to continue reading this story today")
    assert detect.verdict([free, badge], 600, False).kind == "none"
    assert detect.verdict([badge], 600, False).kind == "hard"          # no claim of being free: the badge counts
    assert detect.verdict([free, gate], 600, False).kind == "hard"     # a gate's sentence outweighs the claim
