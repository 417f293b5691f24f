"""Decoding and parsing: charset detection, limits, typed errors."""
import codecs

import pytest

from quietpage import parse
from quietpage.errors import EmptyInput, InputTooLarge, NotHTML


def test_undeclared_utf8_is_utf8():
    text, enc = parse.decode("<p>Förderung — café</p>".encode("utf-8"))
    assert enc == "utf-8" and "Förderung" in text


def test_declared_latin1():
    data = '<meta charset="iso-8859-1"><p>caf\xe9 cr\xe8me</p>'.encode("latin-1")
    text, enc = parse.decode(data)
    assert "café crème" in text


def test_lying_utf16_declaration_is_ignored():
    data = '<meta charset="utf-16"><p>caf\xe9</p>'.encode("latin-1")
    text, _ = parse.decode(data)
    assert "caf" in text and "<p>" in text


def test_bom_wins():
    text, enc = parse.decode(codecs.BOM_UTF16_LE + "<p>hé</p>".encode("utf-16-le"))
    assert "hé" in text


def test_mostly_utf8_with_a_broken_byte_stays_utf8():
    data = ("<p>" + "Grüße aus München. " * 30 + "</p>").encode("utf-8") + b"\xff"
    text, enc = parse.decode(data)
    assert enc == "utf-8" and "München" in text


@pytest.mark.parametrize("data,err", [
    (b"", EmptyInput), ("   \n", EmptyInput), (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, NotHTML),
])
def test_typed_errors(data, err):
    with pytest.raises(err):
        parse.to_text(data, 1_000_000)


def test_size_limit():
    with pytest.raises(InputTooLarge, match="limit"):
        parse.to_text(b"x" * 2000, 1000)


def test_json_is_not_html():
    with pytest.raises(NotHTML, match="JSON"):
        parse.parse('{"a": [1, 2]}')


def test_xml_declaration_is_parsed():
    doc = parse.parse('<?xml version="1.0" encoding="utf-8"?><html><body><p>hi</p></body></html>')
    assert doc.findtext(".//p") == "hi"


@pytest.mark.parametrize("page", [
    '<html><head><meta charset="iso-8859-1"></head><body><p>café — “quoted” 東京</p></body></html>',
    "<p>plain ascii, no head</p>",
    "<!DOCTYPE html><html lang='de'><body><p>Grüße</p><script>var s = '<p>';</script></body></html>",
])
def test_exact_utf8_bytes_parse_to_the_same_tree_as_their_text(page):
    import lxml.html
    data = page.encode("utf-8")
    text, _enc, raw = parse.to_source(data, 1_000_000)
    assert raw == data
    a, b = parse.parse(text), parse.parse(text, raw)
    assert lxml.html.tostring(a, encoding="unicode") == lxml.html.tostring(b, encoding="unicode")
    assert "café" in b.text_content() or "plain" in b.text_content() or "Grüße" in b.text_content()


def test_bytes_that_are_not_exactly_their_text_are_not_parsed_as_bytes():
    assert parse.to_source(codecs.BOM_UTF8 + b"<p>x</p>", 1000)[2] is None          # a BOM
    assert parse.to_source(b"<p>caf\xe9 cr\xe8me</p>" * 5, 1000)[2] is None          # not UTF-8
    assert parse.to_source(b"<p>a\x01b</p>", 1000)[2] is None                         # a control removed


def test_text_input_takes_the_bytes_path_only_when_it_encodes_cleanly():
    page = "<html><body><p>café — “quoted” 東京</p></body></html>"
    text, _enc, raw = parse.to_source(page, 1_000_000)
    assert text == page and raw == page.encode("utf-8")
    assert parse.to_source("<p>a\x01b</p>", 1000)[2] is None            # a control character is removed first
    assert parse.to_source("<p>lone \ud800 surrogate</p>", 1000)[2] is None  # cannot be UTF-8


def test_a_page_cleans_the_same_from_its_text_and_from_its_bytes():
    import quietpage
    page = ("<html><head><meta charset='iso-8859-1'></head><body><article><h1>Grüße</h1>"
            + "<p>Die Gemeinde saniert das Schwimmbad, sagte der Präsident am Montag vor der Versammlung.</p>" * 4
            + "<p>Sie haben noch 2 kostenlose Artikel.</p></article></body></html>")
    a, b = quietpage.clean(page), quietpage.clean(page.encode("utf-8"))
    assert a.text == b.text and a.paywall.kind == b.paywall.kind
