"""A page that lists several <article> elements (a post followed by teasers of others) tells which one is
its story by the headline: the <article> whose heading is the page title. The others are other stories."""
from __future__ import annotations

import lxml.etree
import regex

from .result import Removal
from .textnorm import fold, squash

_SEPARATORS = regex.compile(r"\s+[|–—·•»:-]\s+")
_PUNCT = regex.compile(r"[\p{P}\p{S}\s]+")
MIN_WORDS = 50
MAX_CARD_WORDS = 40   # an <article> inside the story this short, with a link, is a teaser card...
MIN_CARDS = 2         # ...when there are at least this many


_ARTICLES = lxml.etree.XPath("//article")


def _norm(s: str) -> str:
    return _PUNCT.sub(" ", fold(s).casefold().replace("…", " ")).strip()


def _title_forms(title: str) -> set[str]:
    forms = {_norm(title)}
    forms.update(_norm(p) for p in _SEPARATORS.split(title) if len(_norm(p)) >= 10)
    return {f for f in forms if len(f) >= 10}


def _drop(a, removals: list[Removal], with_text: bool) -> None:
    text = squash(a.text_content())
    removals.append(Removal("structure.other-article", "related", "prune", text[:2000] if with_text else ""))
    a.drop_tree()


def _cards(arts: list, removals: list[Removal], with_text: bool) -> None:
    """Teaser cards set inside a story (a "more stories" grid at its end): several short <article>s with
    a link each, inside an <article> that is long on its own."""
    for outer in arts:
        if outer.getparent() is None:
            continue
        inside = [a for a in outer.iterdescendants("article")
                  if a.find(".//a") is not None and len(a.text_content().split()) <= MAX_CARD_WORDS]
        if len(inside) < MIN_CARDS:
            continue
        own = len(outer.text_content().split()) - sum(len(a.text_content().split()) for a in inside)
        if own >= MIN_WORDS:
            for a in inside:
                if a.getparent() is not None:
                    _drop(a, removals, with_text)


def anchor(doc, titles: list[str], removals: list[Removal], with_text: bool = True) -> None:
    arts = _ARTICLES(doc)
    if len(arts) < 2:
        return
    _cards(arts, removals, with_text)
    arts = [a for a in arts if a.getparent() is not None]
    forms = set()
    for t in titles:
        if t:
            forms |= _title_forms(t)
    if not forms:
        return
    matched = []
    for a in arts:
        for h in a.xpath(".//h1 | .//h2"):
            hn = _norm(h.text_content())
            if len(hn) >= 10 and any(hn == f or (hn in f and len(hn) >= 0.6 * len(f)) for f in forms):
                matched.append(a)
                break
    if len(matched) != 1:
        return
    story = matched[0]
    if len(story.text_content().split()) < MIN_WORDS:
        return
    family = set(story.iterancestors()) | set(story.iterdescendants())
    for a in arts:
        if a is story or a in family or a.getparent() is None:
            continue
        if a.find(".//a") is None:  # a teaser links to its story; anything else may be part of ours
            continue
        _drop(a, removals, with_text)
