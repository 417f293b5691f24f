"""DOM rules before extraction: drop overlays, meters, subscribe boxes, consent banners, share bars.
Pruning early makes readability both more accurate and faster."""
from __future__ import annotations

from .blocks import BLOCK_TAGS
from .result import Removal
from .rules import RuleSet
from .textnorm import squash, word_count

_NEVER = {"html", "body", "main", "article"}
_INLINE = {"span", "small", "em", "i", "b", "strong", "cite", "a", "font", "sup", "sub", "time", "abbr", "u"}


def _removable(el, rule, protected: set) -> str | None:
    """The element's text when the rule may remove it; None when it must stay."""
    if el.getparent() is None or el.tag in _NEVER:
        return None
    if protected and (el in protected or any(p in protected for p in el.iterdescendants())):
        return None
    text = squash(el.text_content())
    if word_count(text) > rule.max_words:
        return None  # a mis-classed article container ("newsletter-article") is not furniture
    if rule.alone and el.tag in _INLINE and _shares_line(el):
        return None
    if rule.compiled is not None and rule.tokens and rule.search(text) is None:
        return None  # the rule's words are not in the box: its class name misled
    if rule.category in _WRAPS_ARTICLES and len(text) > PROSE_PARAGRAPHS * 150 and _holds_article(el):
        return None
    return text


_WRAPS_ARTICLES = {"paywall", "login", "support", "newsletter"}  # wrappers some sites put around the article
PROSE_PARAGRAPHS = 3   # a pitch has one or two paragraphs; an article more
PROSE_WORDS = 25


def _holds_article(el) -> bool:
    """Paragraphs of prose, three or more: the article that a paywall or membership wrapper holds (Steady
    wraps free articles in a `steady-paywall-container`; some sites put the teaser in the paywall box), not
    the box's pitch. The text rules still judge what it holds."""
    n = 0
    for p in el.iter("p"):
        t = p.text_content()
        if len(t) >= PROSE_WORDS * 4 and len(t.split()) >= PROSE_WORDS and t.rstrip()[-1:] in '.!?"»”“…)':
            n += 1
            if n >= PROSE_PARAGRAPHS:
                return True
    return False


def _in_body(el, body, removed: set) -> bool:
    """Still in the page's body, and not inside a node already removed?"""
    for a in el.iterancestors():
        if a is body:
            return True
        if a in removed:
            return False
    return False


def _shares_line(el) -> bool:
    """Does an inline node share its rendered line with other text (a caption before its credit)?"""
    top = el
    while top.getparent() is not None and top.getparent().tag in _INLINE:
        top = top.getparent()
    block = top.getparent()
    if block is None:
        return False
    parts: list[str] = []

    def inline_text(node, own_text=True):
        # text on the same line: skip block-level descendants (their own lines) and the node itself
        if node is el:
            return
        if own_text and node.text:
            parts.append(node.text)
        for c in node:
            if isinstance(c.tag, str) and c.tag not in BLOCK_TAGS:
                inline_text(c)
            if c.tail:
                parts.append(c.tail)

    inline_text(block)
    return len(squash(" ".join(parts))) > 3


def prune(doc, ruleset: RuleSet, keep: frozenset, protected: set, removals: list[Removal],
          with_text: bool = True, hits: list | None = None) -> list:
    """Remove every node a DOM rule selects, except nodes that hold protected article text
    (hasPart.cssSelector) and nodes bigger than the rule allows. Returns (node, category) for each removed
    node: their text still counts as paywall evidence. `hits`: (node, rule) pairs that classnames found
    (token rules, document order), or None to find them here."""
    body = doc.find("body")
    gone = []
    if body is None:
        return gone
    if hits is None:
        index = ruleset.token_index(keep)
        hits = ((el, index.match(el)) for el in body.xpath(".//*[@class or @id]"))
    # the few nodes a rule names are checked for lying inside a node already removed (or outside the body)
    removed = set()
    for child, rule in hits:
        if rule is None:
            continue
        if not _in_body(child, body, removed):
            continue
        text = _removable(child, rule, protected)
        if text is not None:
            removals.append(Removal(rule.id, rule.category, "prune", text[:2000] if with_text else ""))
            child.drop_tree()
            removed.add(child)
            gone.append((child, rule.category))
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
                gone.append((el, rule.category))
    return gone
