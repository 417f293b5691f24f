"""readability-lxml on our already decoded, parsed and pruned tree.

Stock `Document` re-decodes the input and runs lxml_html_clean's Cleaner on every parse (about half of
its time); we hand it a tree and do only what its scoring needs: hidden nodes, scripts and styles out.
It mutates the tree and re-parses on its lenient retry, so the retry gets a pristine copy."""
from __future__ import annotations

import copy
import logging

import lxml.html
from readability import Document
from readability.readability import REGEXES, Unparseable

logging.getLogger("readability.readability").setLevel(logging.CRITICAL)

_STRIP = "//script | //style | //noscript | //template | //link | //iframe[not(@src)] | //svg | //object | //embed"


def prepare(doc) -> None:
    """Remove what no reader shows: hidden nodes, scripts, styles, templates."""
    for el in doc.xpath("//*[@hidden] | //*[@aria-hidden='true'][not(.//img)] | " + _STRIP):
        if el.getparent() is not None:
            el.drop_tree()
    dn = REGEXES["displayNoneRe"]
    for el in doc.xpath("//*[@style]"):
        if dn.search(el.get("style") or "") and el.getparent() is not None:
            el.drop_tree()


class TreeDocument(Document):
    """A `Document` that starts from a prepared tree instead of a string."""

    def __init__(self, tree, **kw):
        super().__init__("", **kw)
        self._pristine = tree
        self._parses = 0

    def _parse(self, _input):
        self._parses += 1
        self.encoding = "utf-8"
        if self._parses == 1:
            # keep a copy only if a retry will need it; readability retries at most once
            self._backup = copy.deepcopy(self._pristine)
            return self._pristine
        return copy.deepcopy(self._backup)


def extract(doc, url: str | None = None) -> lxml.html.HtmlElement | None:
    """Return the article element (a <div>) or None when readability finds nothing."""
    try:
        html = TreeDocument(doc, url=url).summary(html_partial=True)
    except (Unparseable, RecursionError, ValueError, TypeError):
        return None
    if not html or not html.strip():
        return None
    try:
        return lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:
        return None
