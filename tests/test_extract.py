"""extract: readability-lxml on our tree, with the fast passes (same results) and the Readability.js steps we
adopted (each with the article text it used to lose)."""
import random

import lxml.html
import pytest

import quietpage
from quietpage import extract

SENT = "Researchers described the new method in a long paper published this week in the journal, they said. "


def _para(n=3, word="method"):
    return "<p>" + (SENT.replace("method", word)) * n + "</p>"


def test_clean_len_is_the_length_of_readabilitys_clean():
    rnd = random.Random(7)
    from readability.readability import clean as rd_clean
    pieces = ["a", "bc", " ", "  ", "\t", " \t", "\t ", "\t\t", "\n", "\n\n", "\xa0", "\r", "\r\n", ",", " " * 300,
              "\u2009", "\u3000", " \xa0 ", "x y", "\t" * 254, " " * 253]
    for _ in range(30000):
        s = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 40)))
        assert extract._clean_len(s) == len(extract._clean(s)) == len(rd_clean(s)), repr(s)


def test_clean_is_readabilitys_clean():
    from readability.readability import clean as rd_clean
    rnd = random.Random(11)
    pieces = ["a", " ", "  ", "\t", "\n", " \n ", "\xa0", "\r\n", " " * 254, " " * 255, "\t" * 300, "\n" * 3, "b,"]
    for _ in range(20000):
        s = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))
        assert extract._clean(s) == rd_clean(s), repr(s)


def test_prepare_drops_what_no_reader_shows_and_keeps_the_rest():
    doc = lxml.html.document_fromstring(
        "<html><body><p>kept</p><script>x()</script><div hidden>h</div><div style='display: none'>n</div>"
        "<span aria-hidden='true'>a</span><span aria-hidden='true'><img src='i.png'></span>"
        "<iframe src='https://www.youtube.com/embed/x'></iframe><iframe></iframe><p style='color:red'>red</p>"
        "</body></html>")
    extract.prepare(doc)
    body = doc.find("body")
    assert body.text_content() == "keptred"
    assert [e.tag for e in body] == ["p", "span", "iframe", "p"]


def test_article_comes_back_as_a_tree_without_presentational_attributes():
    page = f"<html><body><div id='story'>{_para()}<p style='color:red' width='3' title='t'>{SENT * 2}</p></div></body></html>"
    article = extract.extract(lxml.html.document_fromstring(page))
    assert article.tag == "div"
    styled = article.xpath(".//p[@title]")[0]
    assert styled.get("style") is None and styled.get("width") is None


def test_a_reference_list_dense_with_links_survives():
    """Readability.js keeps a list (or a box that is nearly all list) whatever its link density;
    readability-lxml dropped Wikipedia's references this way."""
    refs = "".join(f"<li><a href='#cite-{i}'>^</a> <a href='https://example.org/{i}'>Source title number {i}</a>. "
                   f"Publisher {i}. Retrieved 2021.</li>" for i in range(12))
    page = (f"<html><body><main><div class='body'>{_para()}{_para(word='result')}{_para(word='study')}"
            f"<div class='reflist'><ol class='references'>{refs}</ol></div></div></main></body></html>")
    text = quietpage.clean(page).text
    assert "Source title number 11" in text and SENT.strip() in text


def test_an_article_split_over_several_boxes_is_taken_whole():
    """Readability.js: when three runners-up score close to the best node, their common ancestor is
    the article (page builders put each section of the text in its own box)."""
    boxes = "".join(f"<section><div class='box'>{_para(4, word=w)}{_para(4, word=w)}</div></section>"
                    for w in ("alpha", "beta", "gamma", "delta"))
    page = f"<html><body><div class='wrap'>{boxes}</div><div class='footer'>Contact us</div></body></html>"
    text = quietpage.clean(page).text
    for w in ("alpha", "beta", "gamma", "delta"):
        assert f"the new {w} in" in text


@pytest.mark.parametrize("href,weight", [("#fn1", 0.3), ("https://example.org/a", 1.0), ("#", 1.0)])
def test_links_within_the_page_weigh_less_in_link_density(href, weight):
    el = lxml.html.fragment_fromstring(f"<p>{'x' * 90}<a href='{href}'>{'y' * 10}</a></p>")
    doc = extract.TreeDocument(el)
    assert doc.get_link_density(el) == pytest.approx(10 * weight / 100)


def _lead_page(lead: str, before_h1: bool = False) -> str:
    body = "".join(f"<p>{SENT * 3} Paragraph {i}.</p>" for i in range(6))
    head = "<h1>Library fines end in March</h1><div class='share'><button>Share</button><button>Print</button></div>"
    return ("<html><body><main><article>" + ((lead + head) if before_h1 else (head + lead))
            + f"<div class='article-body-wrapper'>{body}</div></article></main></body></html>")


def test_lead_figure_before_the_body_is_kept_with_its_caption():
    fig = ("<figure class='b-lead-art'><img src='a.jpg' alt='x'><figcaption><p>Library assistant Tamika Greer sorts "
           "returned books at the Westover branch. (Renata Okafor / The Sentinel)</p></figcaption></figure>")
    r = quietpage.clean(_lead_page(fig))
    assert "Tamika Greer sorts returned books" in r.text
    assert r.text.index("Tamika Greer") < r.text.index("Paragraph 0")
    assert "<img" in r.content_html


@pytest.mark.parametrize("lead,before_h1", [
    # a figure that holds a standfirst, not a caption
    ("<figure><img src='a.jpg'><div><p>The county will stop charging overdue fines, officials said today.</p></div>"
     "</figure>", False),
    # a box with a breadcrumb beside the picture
    ("<div class='hero'><span>Local news desk</span><figure><img src='a.jpg'>"
     "<figcaption>The Westover branch library on Tuesday.</figcaption></figure></div>", False),
    # above the headline: a teaser image of something else, not this article's lead art
    ("<figure><img src='b.jpg'><figcaption>Watch: the county budget hearing in two minutes.</figcaption></figure>", True),
])
def test_only_a_captioned_picture_right_before_the_text_is_lead_art(lead, before_h1):
    r = quietpage.clean(_lead_page(lead, before_h1))
    assert "Paragraph 5" in r.text
    for words in ("stop charging overdue fines", "Local news", "county budget hearing"):
        assert words not in r.text


def test_unlikely_names_agree_with_readabilitys_regexes():
    from readability.readability import REGEXES
    rnd = random.Random(3)
    words = ["sidebar", "Comment", "main", "article", "share", "x", "COMBX", "body", "col-12", "ad-break", "shadow",
             "agegate", "footer-nav", "content", "remark", "Popup", "ok", "-", "_", "menu", "column"]
    for _ in range(5000):
        cls = " ".join(rnd.choice(words) + rnd.choice(["", "", "-x", "Y"]) for _ in range(rnd.randint(0, 4)))
        ident = rnd.choice(["", "main", "disqus_thread", "sidebar-left", "post-1"])
        s = f"{cls} {ident}"
        expected = len(s) >= 2 and bool(REGEXES["unlikelyCandidatesRe"].search(s)) \
            and not REGEXES["okMaybeItsACandidateRe"].search(s)
        assert extract.unlikely_names(cls or None, ident or None) == expected, s
