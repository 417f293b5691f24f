"""Every rule's own examples, and the rule-file format's error handling."""
import subprocess
import sys
from pathlib import Path

import pytest

from quietpage import rules
from quietpage.errors import RuleError

ALL = [r for f in rules.builtin_files() for r in rules.load_file(f)]


@pytest.mark.parametrize("rule", ALL, ids=[r.id for r in ALL])
def test_rule_examples(rule):
    assert rule.matches, "every rule needs examples that must match"
    assert rules.check_examples([rule]) == []


def test_ids_unique_and_categories_known():
    rs = rules.load()
    assert len({r.id for r in rs.rules}) == len(rs.rules)
    assert {r.category for r in rs.rules} >= {"meter", "paywall", "login", "pricing", "plan-benefits",
                                               "placeholder", "newsletter", "social", "ad", "consent",
                                               "related", "legal", "support"}


def _write(tmp_path, body):
    p = tmp_path / "mine.toml"
    p.write_text(body, encoding="utf-8")
    return p


@pytest.mark.parametrize("body,message", [
    ("[[rule]]\nid='x'\ncategory='meter'\npattern='('\nmatches=['a']\n", "does not compile"),
    ("[[rule]]\nid='x'\ncategory='nonsense'\npattern='a'\nmatches=['a']\n", "unknown category"),
    ("[[rule]]\nid='x'\ncategory='ad'\npattern='a'\n", "no examples"),
    ("[[rule]]\nid='x'\ncategory='ad'\npattern='a'\nselector='p'\nmatches=['a']\n", "exactly one"),
    ("[[rule]\n", "not valid TOML"),
    ("[[rule]]\nid='x'\ncategory='ad'\npattern='a'\nmatches=['a']\ncolour='red'\n", "unknown fields"),
])
def test_bad_rule_files_are_clear_errors(tmp_path, body, message):
    with pytest.raises(RuleError, match=message):
        rules.load_file(_write(tmp_path, body))


def test_user_rule_file_is_used_and_tested(tmp_path):
    import quietpage
    p = _write(tmp_path, "language='en'\n[[rule]]\nid='user.ad.acme'\ncategory='ad'\n"
                         "pattern='''(?i)^buy acme widgets$'''\nmatches=['Buy ACME widgets']\nkeeps=['ACME widgets sold well']\n")
    text = "A long enough article paragraph about the harbour and its boats, which are many.\nBuy ACME widgets"
    r = quietpage.clean(text=text, options={"rule_files": [str(p)]})
    assert "ACME" not in r.text and any(x.rule == "user.ad.acme" for x in r.removed)
    exe = Path(sys.executable).parent / "quietpage"
    out = subprocess.run([str(exe), "rules", "test", str(p)], capture_output=True, text=True)
    assert out.returncode == 0 and "2 passed, 0 failed" in out.stdout


def test_cli_rules_test_fails_on_broken_example(tmp_path):
    p = _write(tmp_path, "[[rule]]\nid='x.ad'\ncategory='ad'\npattern='^Ad$'\nmatches=['Advert']\n")
    exe = Path(sys.executable).parent / "quietpage"
    out = subprocess.run([str(exe), "rules", "test", str(p)], capture_output=True, text=True)
    assert out.returncode == 1 and "must match but does not" in out.stdout


def test_token_names_split_into_words():
    assert rules.split_name("article-shareBar_top") == ["article", "share", "bar", "top"]
    idx = rules.TokenIndex([r for r in rules.load().token_rules if r.id == "dom.social.share"])
    import lxml.html
    assert idx.match(lxml.html.fromstring('<div class="share-bar">x</div>'))
    assert not idx.match(lxml.html.fromstring('<div class="shared-ownership">x</div>'))


def test_regex_timeout_counts_as_no_match():
    r = rules.Rule(id="t", category="ad", source="t", pattern=r"(a+)+$", matches=["a"])
    rules._compile(r)
    assert r.search("a" * 40 + "!", timeout=0.01) is None


def test_a_selector_under_one_tag_finds_what_the_plain_xpath_finds():
    from cssselect import GenericTranslator
    import lxml.etree
    import lxml.html
    sel = "figure > cite, figure > span > cite, figure > div > cite, figure > small"
    doc = lxml.html.document_fromstring(
        "<html><body><figure><img src=a><cite>A</cite><small>B</small><span><cite>C</cite></span>"
        "<p><cite>not a child</cite></p></figure><div><cite>outside</cite></div>"
        "<figure><div><cite>D</cite><div><cite>too deep</cite></div></div><figure><small>E</small></figure></figure>"
        "</body></html>")
    fast = rules._selector_xpath(sel)
    assert isinstance(fast, rules._UnderTag)
    plain = lxml.etree.XPath(GenericTranslator().css_to_xpath(sel))
    assert [e.text for e in fast(doc)] == [e.text for e in plain(doc)] == ["A", "B", "C", "D", "E"]
    assert not isinstance(rules._selector_xpath(".tp-modal, figure > cite"), rules._UnderTag)
