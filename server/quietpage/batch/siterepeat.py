"""Site-level repetition: furniture repeats across a site's pages, article text does not.

Pass 1 is the ordinary batch run (into a spool file), each record tagged with its site (registered
domain). The count pass reads the spool and counts, per site, on how many pages each normalised text
block occurs. The apply pass removes, from every page of a site with at least `min_pages` pages, the
blocks that occur on at least `share` of them, and records each as a removal of category "repeated"
with the count. The page title and byline never go, nor the text inside the nodes that schema.org
`hasPart.cssSelector` marks as the article's (the markup the engine's rules never prune), and a
page is never emptied (a page made only of
site-wide blocks is a template, and is left as the engine cleaned it).

Blocks are the engine's: paragraphs of `result.text` (one per line pair) and the leaf blocks of
`content_html` (quietpage.blocks.from_tree), matched by their normalised text."""
from __future__ import annotations

import hashlib
import ipaddress
import json
import math
import re
from collections import Counter
from urllib.parse import urlsplit

from ..textnorm import fold
from ..blocks import drop_empty

_DIGITS = re.compile(r"\d+")
_NONWORD = re.compile(r"[\W_]+")
_CANONICAL = (
    re.compile(rb"""<link\b[^>]*\brel\s*=\s*["']?canonical\b[^>]*>""", re.I),
    re.compile(rb"""<meta\b[^>]*\bproperty\s*=\s*["']?og:url\b[^>]*>""", re.I),
)
_HREF = re.compile(rb"""\b(?:href|content)\s*=\s*["']?\s*(https?://[^"'\s>]+)""", re.I)
# second-level labels under which country-code registries sell names (example.co.uk, example.com.au)
_SLD = {"ac", "co", "com", "edu", "gov", "govt", "gob", "go", "mil", "ne", "net", "nic", "nom", "or", "org",
        "ltd", "plc", "sch", "nhs", "police", "gen", "info", "biz", "firm", "web", "lg", "ed", "gv", "av",
        "res", "asn", "id", "me", "tv"}


def registered_domain(host: str) -> str:
    """example.com for news.example.com; bbc.co.uk for www.bbc.co.uk. A heuristic (no public suffix
    list: none can be downloaded at run time), right for .com/.org/ccTLDs and the common
    co.uk-style second levels."""
    host = (host or "").strip().lower().rstrip(".")
    if not host:
        return ""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    labels = [x for x in host.split(".") if x]
    if len(labels) <= 2:
        return ".".join(labels)
    if len(labels[-1]) == 2 and labels[-2] in _SLD:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def site_of(url: str | None, html=None) -> str | None:
    """The site of a record: its URL's registered domain, else the page's canonical/og:url."""
    if not url and html is not None:
        head = html[:200_000]
        if isinstance(head, str):
            head = head.encode("utf-8", "replace")
        for pat in _CANONICAL:
            m = pat.search(head)
            if m:
                h = _HREF.search(m.group(0))
                if h:
                    url = h.group(1).decode("ascii", "replace")
                    break
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return registered_domain(host or "") or None


_LD = re.compile(rb"""<script\b[^>]*type\s*=\s*["']?application/ld\+json[^>]*>(.*?)</script>""", re.I | re.S)


def _ld_objects(data):
    if isinstance(data, list):
        for x in data:
            yield from _ld_objects(x)
    elif isinstance(data, dict):
        yield data
        for k in ("@graph", "mainEntity", "mainEntityOfPage"):
            if isinstance(data.get(k), (list, dict)):
                yield from _ld_objects(data[k])


def protected_hashes(html) -> list[int]:
    """Digests of the blocks inside the nodes that schema.org `hasPart.cssSelector` marks as the
    article's (paywalled) text: the same markup the engine never prunes. Site repeats never removes
    them. Cheap for the usual page: nothing is parsed unless the page names a cssSelector."""
    if html is None:
        return []
    data = html if isinstance(html, bytes) else html.encode("utf-8", "replace")
    if b"cssSelector" not in data:
        return []
    selectors = []
    for m in _LD.finditer(data):
        try:
            obj = json.loads(m.group(1).decode("utf-8", "replace"))
        except ValueError:
            continue
        for o in _ld_objects(obj):
            parts = o.get("hasPart")
            for part in (parts if isinstance(parts, list) else [parts]):
                if isinstance(part, dict) and isinstance(part.get("cssSelector"), str):
                    if str(part.get("isAccessibleForFree", "")).strip().lower() in ("false", "0", "no"):
                        selectors.append(part["cssSelector"].strip()[:200])
    if not selectors:
        return []
    import lxml.html
    from cssselect import GenericTranslator, SelectorError
    from .. import blocks as blk
    try:
        doc = lxml.html.document_fromstring(data)
    except Exception:
        return []
    out = set()
    for sel in selectors:
        try:
            nodes = doc.xpath(GenericTranslator().css_to_xpath(sel))
        except (SelectorError, Exception):
            continue
        for node in nodes:
            for b in blk.from_tree(node):
                n = norm(b.text)
                if n:
                    out.add(block_hash(n))
    return sorted(out)


def norm(text: str) -> str:
    """The form blocks are compared in: folded, lower case, digits as 0, punctuation as spaces."""
    s = fold(text).lower()
    s = _DIGITS.sub("0", s)
    return _NONWORD.sub(" ", s).strip()


def block_hash(n: str) -> int:
    """A 64-bit digest, stable across processes and machines (unlike hash())."""
    return int.from_bytes(hashlib.blake2b(n.encode("utf-8"), digest_size=8).digest(), "big")


def page_blocks(result: dict) -> list[str]:
    text = result.get("text") or ""
    return [b for b in text.split("\n\n") if b.strip()]


def page_hashes(result: dict) -> set[int]:
    return {block_hash(n) for n in (norm(b) for b in page_blocks(result)) if n}


# ---------------------------------------------------------------- count pass

def count_lines(lines) -> dict:
    """Per site: [pages, Counter(block hash -> pages)] for spool lines (bytes)."""
    out: dict = {}
    for line in lines:
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        site, res = rec.get("_site"), rec.get("result")
        if not site or not isinstance(res, dict):
            continue
        entry = out.get(site)
        if entry is None:
            entry = out[site] = [0, Counter()]
        entry[0] += 1
        entry[1].update(page_hashes(res))
    return out


def merge_counts(total: dict, part: dict) -> None:
    for site, (pages, c) in part.items():
        entry = total.get(site)
        if entry is None:
            total[site] = [pages, c]
        else:
            entry[0] += pages
            entry[1].update(c)


def repeated_table(counts: dict, share: float, min_pages: int) -> dict:
    """site -> (pages, {hash: count}) for the blocks that count as site furniture."""
    table = {}
    for site, (pages, c) in counts.items():
        if pages < min_pages:
            continue
        need = max(2, math.ceil(share * pages - 1e-9))
        rep = {h: n for h, n in c.items() if n >= need}
        if rep:
            table[site] = (pages, rep)
    return table


# ---------------------------------------------------------------- apply pass

_CONTAINERS = ("ul", "ol", "dl", "div", "section", "li", "p", "blockquote", "figure", "span", "a", "strong",
               "b", "em", "i", "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "aside", "table",
               "tbody", "thead", "tr", "td", "th", "figcaption", "dt", "dd", "small", "time")


def _drop_empty(root) -> None:
    drop_empty(root, _CONTAINERS)


def _strip_html(content_html: str, drop: set[int]) -> str:
    import lxml.html
    from .. import blocks as blk
    try:
        root = lxml.html.fragment_fromstring(content_html, create_parent="div")
    except Exception:
        return content_html
    hit = False
    for b in blk.from_tree(root):
        n = norm(b.text)
        if n and block_hash(n) in drop:
            blk.remove(b)
            hit = True
    if not hit:
        return content_html
    _drop_empty(root)
    parts = [root.text or ""] + [lxml.html.tostring(c, encoding="unicode", method="html") for c in root]
    return "".join(parts).strip()


def apply(rec: dict, table: dict, with_text: bool = True) -> int:
    """Remove a record's site-wide blocks in place; returns how many blocks went."""
    site = rec.pop("_site", None)
    res = rec.get("result")
    if not site or site not in table:
        rec.pop("_protect", None)
    if not site or not isinstance(res, dict) or site not in table:
        return 0
    pages, rep = table[site]
    protected = set(rec.pop("_protect", None) or ())
    blocks = page_blocks(res)
    keep_norms = {norm(res.get("title") or ""), norm(res.get("byline") or "")} - {""}
    kept, gone = [], []
    for b in blocks:
        n = norm(b)
        h = block_hash(n) if n else None
        if h is not None and h in rep and n not in keep_norms and h not in protected:
            gone.append((b, h))
        else:
            kept.append(b)
    if not gone or not kept:
        return 0
    from ..engine import WORDS_PER_MINUTE
    from ..textnorm import word_count
    res["content_html"] = _strip_html(res.get("content_html") or "", {h for _, h in gone})
    res["text"] = "\n\n".join(kept)
    res["word_count"] = word_count(res["text"])
    res["reading_time_minutes"] = math.ceil(res["word_count"] / WORDS_PER_MINUTE) if res["word_count"] else 0
    removed = res.setdefault("removed", [])
    for b, h in gone:
        removed.append({"rule": "site.repeated", "category": "repeated", "stage": "site",
                        "text": b[:2000] if with_text else "", "count": rep[h], "pages": pages})
    return len(gone)
