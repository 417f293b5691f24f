"""One pass over the page's elements that carry a class or an id, for the two stages that judge an element by
those names alone: prune (which DOM rule names it) and readability (an unlikely candidate). Pages repeat the
same class lists hundreds of times, so each distinct (class, id) pair is judged once per rule index."""
from __future__ import annotations

from .extract import unlikely_each
from .rules import TokenIndex


def classify(named: list, index: TokenIndex) -> tuple[list, list]:
    """(element, rule) for each element a DOM rule names, and the elements readability would drop as
    unlikely candidates; both in document order."""
    hits, unlikely = [], []
    judged = index.pairs
    if len(judged) > 50_000:
        judged.clear()  # before the page is read: every pair it holds must be in the table after
    pairs = [(el.get("class"), el.get("id")) for el in named]
    new = [p for p in dict.fromkeys(pairs) if p not in judged]
    if new:
        # the page's new pairs' unlikely test in one pass (see extract.unlikely_each)
        for p, is_unlikely in zip(new, unlikely_each(new)):
            judged[p] = (index.match_names(*p), is_unlikely)
    for el, p in zip(named, pairs):
        verdict = judged[p]
        if verdict[0] is not None:
            hits.append((el, verdict[0]))
        if verdict[1]:
            unlikely.append(el)
    return hits, unlikely
