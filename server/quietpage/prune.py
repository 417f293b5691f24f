"""DOM rules before extraction: drop overlays, meters, subscribe boxes, consent banners, share bars.
Pruning early makes readability both more accurate and faster."""
from __future__ import annotations

from .result import Removal
from .rules import RuleSet
from .textnorm import squash, word_count

_NEVER = {"html", "body", "main", "article"}


def _removable(el, rule, protected: set) -> str | None:
    """The element's text when the rule may remove it; None when it must stay."""
    if el.getparent() is None or el.tag in _NEVER:
        return None
    if protected and (el in protected or any(p in protected for p in el.iterdescendants())):
        return None
    text = squash(el.text_content())
    if word_count(text) > rule.max_words:
        return None  # a mis-classed article container ("newsletter-article") is not furniture
    return text


def prune(doc, ruleset: RuleSet, keep: frozenset, protected: set, removals: list[Removal],
          with_text: bool = True) -> list:
    """Remove every node a DOM rule selects, except nodes that hold protected article text
    (hasPart.cssSelector) and nodes bigger than the rule allows. Returns the removed nodes, whose text
    still counts as paywall evidence."""
    body = doc.find("body")
    gone = []
    if body is None:
        return gone
    index = ruleset.token_index(keep)
    # one walk for all token rules; a removed node's subtree is not visited
    stack = [body]
    while stack:
        el = stack.pop()
        keep_walking = []
        for child in list(el):
            if not isinstance(child.tag, str):
                continue
            rule = index.match(child) if (child.get("class") or child.get("id")) else None
            if rule is not None:
                text = _removable(child, rule, protected)
                if text is not None:
                    removals.append(Removal(rule.id, rule.category, "prune", text[:2000] if with_text else ""))
                    child.drop_tree()
                    gone.append(child)
                    continue
            keep_walking.append(child)
        stack.extend(reversed(keep_walking))
    for rule in ruleset.dom_remove:
        if rule.category in keep:
            continue
        try:
            found = rule.xpath(doc)
        except Exception:  # an odd selector on an odd page must not break the page
            continue
        for el in found:
            text = _removable(el, rule, protected)
            if text is not None:
                removals.append(Removal(rule.id, rule.category, "prune", text[:2000] if with_text else ""))
                el.drop_tree()
                gone.append(el)
    return gone
