"""A page that lists several <article> elements (a post followed by teasers of others) tells which one is
its story by the headline: the <article> whose heading is the page title. The others are other stories."""
from __future__ import annotations

import regex

from .result import Removal
from .textnorm import fold, squash

_SEPARATORS = regex.compile(r"\s+[|–—·•»:-]\s+")
_PUNCT = regex.compile(r"[\p{P}\p{S}\s]+")
MIN_WORDS = 50


def _norm(s: str) -> str:
    return _PUNCT.sub(" ", fold(s).casefold().replace("…", " ")).strip()


def _title_forms(title: str) -> set[str]:
    forms = {_norm(title)}
    forms.update(_norm(p) for p in _SEPARATORS.split(title) if len(_norm(p)) >= 10)
    return {f for f in forms if len(f) >= 10}


def anchor(doc, titles: list[str], removals: list[Removal], with_text: bool = True) -> None:
    arts = doc.xpath("//article")
    if len(arts) < 2:
        return
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
        text = squash(a.text_content())
        removals.append(Removal("structure.other-article", "related", "prune", text[:2000] if with_text else ""))
        a.drop_tree()
