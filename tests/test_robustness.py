"""Bad input never crashes, hangs or escapes as an untyped exception."""
import os

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import quietpage
from quietpage import QuietpageError

BAD = [
    "", b"", "   \n\t  ", os.urandom(20_000), b"\x89PNG\r\n\x1a\n" + os.urandom(500), "just words",
    '{"a": [1, 2, 3]}', "<div>" * 10_000 + "deep" + "</div>" * 10_000, "<span>" * 100_000 + "x",
    '<meta charset="utf-16"><p>caf\xe9</p>'.encode("latin-1"), b'<meta charset="x-nonsense-42"><p>hi</p>',
    b"<p>" + b"\xff\xfe\xfd" * 1000 + b"</p>", "<p>a\x00b\x00c</p>" * 100,
    "<html><body><table><tr><td><p><b><i>" * 500, '<p class="' + "a" * 1_000_000 + '">x</p>',
    "<script>" + "var a=1;" * 10000 + "</script>", "<p>" + "a" * 100_000 + "!</p><p>" + "Subscribe " * 20_000 + "</p>",
]


@pytest.mark.parametrize("data", BAD, ids=range(len(BAD)))
def test_bad_input_gives_result_or_typed_error(data):
    try:
        r = quietpage.clean(data)
        r.to_dict()
    except QuietpageError as e:
        assert e.code and e.message


@pytest.mark.parametrize("url", ["http://[::1", "http://[broken/x", "https://ex.com:99999/a", "http://a b/", "\x00",
                                 "javascript:alert(1)", "//cdn.example.com/x", "ftp://x", "a" * 10_000])
def test_odd_urls_give_result_or_typed_error(url):
    page = ("<html><body><article><p>" + "Walking after a heavy meal helps digestion, doctors say. " * 4 + "</p>"
            "<p><a href='http://[x/y'>How walking can even help you lose weight</a></p><h4>More</h4><p>"
            + "It also lifts the mood of the whole family on long winter evenings. " * 4 + "</p></article></body></html>")
    try:
        quietpage.clean(page, url=url).to_dict()
    except QuietpageError as e:
        assert "url" in e.message


def test_too_large_is_typed():
    with pytest.raises(quietpage.InputTooLarge):
        quietpage.clean("<p>x</p>" * 100, options={"max_bytes": 100})


def test_bad_options_are_typed():
    with pytest.raises(quietpage.OptionsError):
        quietpage.clean("<p>x</p>", options={"keep_categories": ["nope"]})
    with pytest.raises(quietpage.OptionsError):
        quietpage.clean("<p>x</p>", options={"colour": 1})


TAGS = st.sampled_from(["p", "div", "span", "a", "li", "ul", "table", "td", "script", "style", "h1", "article",
                        "figure", "img", "br", "section", "b", "iframe", "form", "svg", "template"])
ATTRS = st.sampled_from(['', ' class="paywall"', ' class="share-bar"', ' hidden', ' style="display:none"',
                         ' id="related"', ' data-src="x.jpg"', ' href="javascript:x"', ' class="tp-modal"'])
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)


@st.composite
def html_soup(draw):
    parts = []
    for _ in range(draw(st.integers(0, 60))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            parts.append(f"<{draw(TAGS)}{draw(ATTRS)}>")
        elif kind == 1:
            parts.append(f"</{draw(TAGS)}>")
        else:
            parts.append(draw(TEXT))
    return "".join(parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_soup())
def test_random_html(html):
    try:
        quietpage.clean(html).to_dict()
    except QuietpageError:
        pass


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes(data):
    try:
        quietpage.clean(data)
    except QuietpageError:
        pass


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_mutated_seed(seed_bytes, data):
    b = bytearray(seed_bytes)
    for _ in range(data.draw(st.integers(1, 20))):
        i = data.draw(st.integers(0, len(b) - 1))
        b[i] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(b)))
    try:
        quietpage.clean(bytes(b[:cut]))
    except QuietpageError:
        pass


@settings(max_examples=100, deadline=None)
@given(TEXT)
def test_random_text_input(text):
    quietpage.clean(text=text).to_dict()


@pytest.fixture(scope="module")
def seed_bytes(corpus):
    return (corpus / "seed" / "seed-page.html").read_bytes()


def test_option_types_from_json_are_checked():
    for bad in (None, False, {}, {"newsletter": 1}, "newsletter"):
        with pytest.raises(quietpage.OptionsError):
            quietpage.clean("<p>x</p>", options={"keep_categories": bad})
        with pytest.raises(quietpage.OptionsError):
            quietpage.clean("<p>x</p>", options={"rule_files": bad})
    r = quietpage.clean("<p>" + "word " * 50 + "</p>", options={"max_bytes": 6603.0})
    assert r.word_count > 0
