"""Blocks: how the article's inline flow is cut into the units rules judge."""
import lxml.html

import quietpage
from quietpage import blocks as blk


def frag(html):
    return lxml.html.fragment_fromstring(html, create_parent="div")


def test_loose_text_and_br_make_blocks():
    b = blk.from_tree(frag("<div>Loose text <b>bold</b> tail<br>after break<p>para</p>end</div>"))
    assert [x.text for x in b] == ["Loose text bold tail", "after break", "para", "end"]


def test_buttons_and_punctuated_boxes_read_as_separate_words():
    b = blk.from_tree(frag('<p><a href="#">Subscribe</a><a href="#">Log in</a></p>'
                           '<p><span>A caption.</span><span>© Agency</span></p><p>(<a href="#">Fall 2</a>)</p>'))
    assert [x.text for x in b] == ["Subscribe Log in", "A caption. © Agency", "(Fall 2)"]


def test_link_density_sees_links_inside_wrappers():
    (b,) = blk.from_tree(frag('<p><strong><a href="/x">ALL CAPS HEADLINE ABOUT SOMETHING</a></strong></p>'))
    assert b.link_density > 0.9


def test_code_keeps_its_lines():
    P = "<p>" + "A long sentence of article text that goes on for a while. " * 5 + "</p>"
    r = quietpage.clean(f"<html><body><article>{P}<pre><code>def f(x):\n    return x + 1</code></pre>{P}</article></body></html>")
    assert "def f(x):\n    return x + 1" in r.text


def test_remove_takes_only_the_block():
    root = frag("<p>keep this <a href='#'>and this</a><br>drop me</p>")
    b = blk.from_tree(root)
    blk.remove(b[1])
    assert " ".join(root.text_content().split()) == "keep this and this"


def test_short_blocks_finds_gate_text_outside_the_article():
    doc = lxml.html.document_fromstring("<html><body><div role='dialog'><p>Create a free account to keep "
                                        "reading</p></div><p>" + "word " * 200 + "</p></body></html>")
    texts = [b.text for b in blk.short_blocks(doc.find("body"))]
    assert "Create a free account to keep reading" in texts and not any(t.startswith("word") for t in texts)
