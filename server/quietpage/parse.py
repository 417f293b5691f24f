"""Bytes or text in, one lxml tree out: decode first (lxml mis-guesses undeclared UTF-8), enforce limits."""
from __future__ import annotations

import codecs
import re

import lxml.etree
import lxml.html

from .errors import EmptyInput, InputTooLarge, NotHTML

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# C0 controls other than tab/newline/carriage return are not allowed in lxml text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20)])
_MARKUP = re.compile(r"<\s*[A-Za-z!/?]")
_XML_DECL = re.compile(r"^<\?xml[^>]*\?>")
_tostring = lxml.etree.tostring


class Element(lxml.html.HtmlElement):
    """An HtmlElement whose `text_content` serialises the text in C: the same string in two thirds of the
    time of lxml.html's XPath `string()` (a new evaluation context per call), and every stage (readability
    included) asks for hundreds of texts a page."""

    def text_content(self):
        return _tostring(self, method="text", encoding="unicode", with_tail=False)


_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False, collect_ids=False)
_PARSER_UTF8 = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False, collect_ids=False,
                                    encoding="utf-8")  # for bytes known to be UTF-8: any <meta charset> is wrong
# Every element one class, chosen in C: lxml.html's own lookup is a Python call per element proxy
# (~1 ms a page) that only picks form-element subclasses we never use.
for _p in (_PARSER, _PARSER_UTF8):
    _p.set_element_class_lookup(lxml.etree.ElementDefaultClassLookup(
        element=Element, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity))


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip().lower()).name
    except (LookupError, ValueError):
        return None


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding). BOM wins; a strict UTF-8 decode comes next because a declaration is
    often wrong while valid multi-byte UTF-8 by accident is rare; then the declaration; then detection."""
    text, enc, _exact = _decode(data, declared)
    return text, enc


def _decode(data: bytes, declared: str | None = None) -> tuple[str, str, bool]:
    """`decode`, and whether the text is the bytes exactly (valid UTF-8 without a BOM)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, "replace"), enc, False
    try:
        return data.decode("utf-8"), "utf-8", True
    except UnicodeDecodeError:
        pass
    text, enc = _decode_other(data, declared)
    return text, enc, False


def _decode_other(data: bytes, declared: str | None) -> tuple[str, str]:
    # Mostly valid UTF-8 with a few broken bytes (a truncated ad snippet) is still UTF-8.
    lossy = data.decode("utf-8", "replace")
    bad = lossy.count("\ufffd")
    multibyte = sum(1 for ch in lossy if ord(ch) > 0x7F) - bad
    if multibyte >= 20 and bad <= max(3, multibyte // 50):
        return lossy, "utf-8"
    candidates = []
    if declared:
        candidates.append(declared)
    m = _META_CHARSET.search(data[:8192])
    if m:
        candidates.append(m.group(1).decode("ascii", "ignore"))
    for name in candidates:
        enc = _codec(name)
        # A page that says UTF-16/32 without a BOM is lying (HTML treats it as UTF-8).
        if enc and not enc.startswith(("utf-16", "utf-32", "utf_16", "utf_32")) and enc != "utf-8":
            try:
                return data.decode(enc), enc
            except (UnicodeDecodeError, LookupError):
                continue
    try:
        from charset_normalizer import from_bytes
        best = from_bytes(data[:200_000]).best()
        if best is not None and best.encoding:
            enc = _codec(best.encoding) or "utf-8"
            if not enc.startswith(("utf-16", "utf-32", "utf_16", "utf_32")):
                return data.decode(enc, "replace"), enc
    except Exception:  # detection is a best effort; fall through to a lossy but safe decode
        pass
    return data.decode("cp1252", "replace"), "cp1252"


def to_text(html: str | bytes, max_bytes: int, declared: str | None = None) -> tuple[str, str]:
    """Decode and check the input; raise typed errors for what cannot be an HTML page."""
    text, enc, _raw = to_source(html, max_bytes, declared)
    return text, enc


def to_source(html: str | bytes, max_bytes: int, declared: str | None = None) -> tuple[str, str, bytes | None]:
    """`to_text`, and the input bytes when the text is exactly their UTF-8 decoding: libxml2 parses those
    bytes in nine tenths of the time it takes for the text (which it would encode again)."""
    if html is None:
        raise EmptyInput("no input: pass html or text")
    if not isinstance(html, (str, bytes, bytearray, memoryview)):
        raise NotHTML(f"html must be str or bytes, not {type(html).__name__}")
    size = len(html) if isinstance(html, (bytes, bytearray, memoryview)) else len(html.encode("utf-8", "surrogatepass")) if len(html) * 4 > max_bytes else len(html)
    if size > max_bytes:
        raise InputTooLarge(f"input is {size:,} bytes; the limit is {max_bytes:,}")
    if isinstance(html, (bytes, bytearray, memoryview)):
        data = bytes(html)
        if not data or data.isspace():
            raise EmptyInput("input is empty")
        _reject_binary(data)
        text, enc, exact = _decode(data, declared)
    else:
        # text as its own UTF-8 bytes: libxml2 parses bytes sooner than text (it would encode them itself);
        # lone surrogates cannot be encoded and take the text path
        text, enc = html, "unicode"
        try:
            data, exact = html.encode("utf-8"), True
        except UnicodeEncodeError:
            data, exact = b"", False
    # UTF-8 keeps control characters as single bytes: a byte-table pass (and a search for the two
    # non-characters, as their UTF-8 bytes) finds them sooner than a regex over the text
    controls = not exact or _has_control_bytes(data)
    raw = None if controls else data
    if controls and ("\x00" in text or _CONTROL.search(text[:100_000])):
        text = _CONTROL.sub("", text)
    if not text or text.isspace():
        raise EmptyInput("input is empty or whitespace")
    if text.count("\ufffd") > max(32, len(text) // 20):
        raise NotHTML("input does not decode as text (binary data?)")
    return text, enc, raw


def _has_control_bytes(data: bytes) -> bool:
    return len(data.translate(None, _CONTROL_BYTES)) != len(data) or b"\xef\xbf\xbe" in data \
        or b"\xef\xbf\xbf" in data


_BINARY_MAGIC = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"BZh", b"\x7fELF",
                 b"RIFF", b"OggS", b"\x00\x00\x01\x00", b"wOF")


def _reject_binary(data: bytes) -> None:
    if data.startswith(_BINARY_MAGIC):
        raise NotHTML("input is a binary file (image, archive or document), not HTML")
    head = data[:4096]
    if b"\x00" in head and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        controls = sum(b < 9 or 13 < b < 32 for b in head)
        if controls > len(head) // 10:
            raise NotHTML("input looks like binary data, not HTML")


def parse(text: str, raw: bytes | None = None):
    """Parse decoded text into an lxml document; raise NotHTML when nothing parseable remains. `raw`: the
    text's own UTF-8 bytes (see to_source), parsed instead when given."""
    if not _MARKUP.search(text[:200_000]) and len(text) < 200_000 and text.lstrip()[:1] in "{[":
        raise NotHTML("input looks like JSON, not HTML; send it as text or as a page")
    head = text[:300].lstrip()
    if head.startswith("<?xml"):
        text = _XML_DECL.sub("", text.lstrip(), count=1)
        raw = None
    try:
        if raw is not None:
            doc = lxml.html.document_fromstring(raw, parser=_PARSER_UTF8)
        else:
            doc = lxml.html.document_fromstring(text, parser=_PARSER)
    except (lxml.etree.ParserError, ValueError) as e:
        raise NotHTML(f"input could not be parsed as HTML: {e}") from None
    if doc is None:
        raise NotHTML("input could not be parsed as HTML")
    return doc
