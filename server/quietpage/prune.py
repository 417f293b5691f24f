"""DOM rules before extraction: drop overlays, meters, subscribe boxes, consent banners, share bars.
Pruning early makes readability both more accurate and faster."""
from __future__ import annotations

from .result import Removal
from .rules import RuleSet
from .textnorm import squash, word_count


def prune(doc, ruleset: RuleSet, keep: frozenset, protected: set, removals: list[Removal],
          with_text: bool = True) -> None:
    """Remove every node a DOM rule selects, except nodes that hold protected article text
    (hasPart.cssSelector) and nodes bigger than the rule allows (a mis-classed article container)."""
    root = doc.getroottree().getroot()
    body = doc.find("body")
    for rule in ruleset.dom_remove:
        if rule.category in keep:
            continue
        try:
            found = rule.xpath(doc)
        except Exception:  # an odd selector on an odd page must not break the page
            continue
        for el in found:
            if el is root or el is body or el.getparent() is None or not isinstance(el.tag, str):
                continue
            if protected and (el in protected or any(p in protected for p in el.iterdescendants())):
                continue
            text = squash(el.text_content())
            if word_count(text) > rule.max_words:
                continue
            if text or with_text:
                removals.append(Removal(rule.id, rule.category, "prune", text[:2000] if with_text else ""))
            el.drop_tree()
