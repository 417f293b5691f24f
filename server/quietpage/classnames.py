"""One pass over the page's elements that carry a class or an id, for the two stages that judge an element by
those names alone: prune (which DOM rule names it) and readability (an unlikely candidate). Pages repeat the
same class lists hundreds of times, so each distinct (class, id) pair is judged once per rule index."""
from __future__ import annotations

from .extract import unlikely_names
from .rules import TokenIndex


def classify(named: list, index: TokenIndex) -> tuple[list, list]:
    """(element, rule) for each element a DOM rule names, and the elements readability would drop as
    unlikely candidates; both in document order."""
    hits, unlikely = [], []
    judged = index.pairs
    for el in named:
        cls, ident = el.get("class"), el.get("id")
        verdict = judged.get((cls, ident))
        if verdict is None:
            if len(judged) > 50_000:
                judged.clear()
            verdict = judged[(cls, ident)] = (index.match_names(cls, ident), unlikely_names(cls, ident))
        if verdict[0] is not None:
            hits.append((el, verdict[0]))
        if verdict[1]:
            unlikely.append(el)
    return hits, unlikely
