"""classnames: one pass judges each element's class and id for prune's token rules and readability's
unlikely-candidate test; it must agree with both tests run element by element."""
import gzip

import lxml.html

from quietpage import classnames, extract, parse, rules


def _doc(body: str):
    return lxml.html.document_fromstring(f"<html><body>{body}</body></html>")


def test_agrees_with_the_per_element_tests_on_real_pages(corpus):
    index = rules.load().token_index(frozenset())
    for path in sorted((corpus / "scrapinghub" / "html").glob("*.html.gz"))[:40]:
        doc = parse.parse(parse.to_text(gzip.open(path).read(), 10**8)[0])
        named = doc.xpath("//body//*[@class or @id]")
        for _ in range(2):  # the second pass answers from the cache
            hits, unlikely = classnames.classify(named, index)
            assert hits == [(el, index.match(el)) for el in named if index.match(el) is not None]
            assert unlikely == [el for el in named if extract._unlikely(
                "{} {}".format(el.get("class", ""), el.get("id", "")))]


def test_finds_rule_names_and_unlikely_names_in_document_order():
    doc = _doc("<div class='share-bar'>Share</div><div id='sidebar'>s</div><div class='sidebar main'>m</div>"
               "<p class='lead'>text</p><div class='comments-area'>c</div>")
    named = doc.xpath("//body//*[@class or @id]")
    hits, unlikely = classnames.classify(named, rules.load().token_index(frozenset()))
    assert [el.get("class") for el, _rule in hits][:1] == ["share-bar"]
    assert all(rule.category == "social" for el, rule in hits if el.get("class") == "share-bar")
    # 'main' is readability's maybe-a-candidate word: a sidebar called main stays
    assert [el.get("id") or el.get("class") for el in unlikely] == ["sidebar", "comments-area"]


def test_a_renamed_node_is_judged_by_its_name_when_readability_runs():
    """prepare renames embedded posts ('twitter-tweet' reads as unlikely); readability re-checks the names
    of listed nodes, so a node renamed after the pass is not dropped for its old name."""
    doc = _doc("<div id='story'>" + "<p>" + "Researchers described the method in a paper, they said. " * 4
               + "</p>" * 1 + "<blockquote class='twitter-tweet'><p>" + "A quoted post about the method. " * 3
               + "</p></blockquote>" + "<p>" + "More of the article follows here, with detail. " * 4 + "</p></div>")
    named = doc.xpath("//body//*[@class or @id]")
    _hits, unlikely = classnames.classify(named, rules.load().token_index(frozenset()))
    assert [el.tag for el in unlikely] == ["blockquote"]
    extract.prepare(doc)  # renames the post: class 'embedded-post'
    article = extract.extract(doc, unlikely=unlikely)
    assert "A quoted post about the method." in article.text_content()


def test_full_caches_are_emptied_before_a_page_not_in_the_middle_of_it():
    """The verdict tables are bounded; a page read just as they overflow still gets every verdict."""
    import lxml.html
    from quietpage import extract
    from quietpage.classnames import classify
    from quietpage.rules import load
    index = load().token_index()
    doc = lxml.html.fromstring("<div><div class='share-bar'>x</div><div class='comment'>y</div>"
                               "<div id='sidebar'>z</div><div class='body'>w</div></div>")
    named = doc.xpath("//*[@class or @id]")
    classify(named, index)
    index.pairs.update({(f"c{i}", None): (None, False) for i in range(50_001)})
    extract._UNLIKELY_SEEN.update({(f"c{i}", None): False for i in range(1 << 16 + 1)})
    hits, unlikely = classify(named, index)
    assert [e.get("id") or e.get("class") for e in unlikely] == ["comment", "sidebar"]
    assert extract.unlikely_each([("comment", None), ("body", None)]) == [True, False]
