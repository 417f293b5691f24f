"""Which languages' text rules to run on a page: the article's own words decide (a page's lang attribute
is often a template default), English always (furniture in English is everywhere)."""
from __future__ import annotations

from collections import Counter

import re

STOPWORDS = {
    "en": "the and of to in is that for with was on are as by this be at from have it not or",
    "de": "der die und das ist nicht mit den von zu sich auf für dem ein eine auch es im wird",
    "fr": "le la les et des est une dans que pour qui sur pas du au par avec il ce sont",
    "es": "el la los las que del por una con para es se como más pero sus fue le",
    "it": "il di che della per una sono con del non gli le alla nel si anche è più",
    "pt": "o os da do das dos que em para uma com não se por mais foi ao como é",
    "nl": "de het een van en is dat op te zijn voor met niet aan er ook als bij",
}
_SETS = {k: frozenset(v.split()) for k, v in STOPWORDS.items()}
_WORD = re.compile(r"\w+")  # stdlib re: same words as `regex` here, and faster
_ASCII_WORDS = str.maketrans({chr(c): chr(c) if chr(c).isalnum() or c == 0x5F else " " for c in range(128)})


def detect(texts, declared: str = "", limit: int = 4000) -> frozenset | None:
    """Languages whose stopwords make up a real share of the text; None means "run every rule"."""
    words: list[str] = []
    for t in texts:
        t = t.lower()
        # ASCII text: word characters kept, the rest made spaces, then split (a third of findall's time)
        words.extend(t.translate(_ASCII_WORDS).split() if t.isascii() else _WORD.findall(t))
        if len(words) >= limit:
            break
    if len(words) < 40:
        return None  # too little text to tell: judge with every rule
    freq = Counter(words[:limit])
    counts = {k: sum(freq[w] for w in s) for k, s in _SETS.items()}
    top = max(counts.values())
    if top < 8:
        return None
    langs = {k for k, c in counts.items() if c >= 0.25 * top}
    langs.add("en")
    base = (declared or "").split("-")[0].lower()
    if base in _SETS:
        langs.add(base)
    return frozenset(langs)
