"""Text normalisation shared by every stage: NFC, collapsed whitespace, look-alike letters folded."""
from __future__ import annotations

import re
import unicodedata

# Cyrillic and Greek letters that look like Latin ones ("Аdvеrtіѕе"); folded only for matching.
_CONFUSABLES = str.maketrans({
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "Х": "X", "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "ɡ": "g", "һ": "h", "ӏ": "l", "І": "I", "Ј": "J", "Ѕ": "S", "ԛ": "q", "ԝ": "w",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ν": "v",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "",
    "\u00ad": "", "’": "'", "‘": "'", "ʼ": "'", "`": "'",
})
_PUNCT_ONLY = {k: v for k, v in _CONFUSABLES.items() if k < 0x370 or k >= 0x2000}
_PUNCT_PAIRS = tuple((chr(k), v) for k, v in _PUNCT_ONLY.items())
_BULLETS = "✓✔✅☑✗✘•▪►▸■●◆★"
_BULLET = re.compile("^[" + _BULLETS + r"]+\s*")  # list marks before a line: "✓ Unlimited access" reads as its words
_WORD = re.compile(r"\w+")
_CYR = re.compile("[\u0400-\u04ff]")
_LAT = re.compile("[A-Za-z]")


def squash(s: str) -> str:
    return " ".join(s.split()) if s else ""  # str.split() and re's \s agree on whitespace; split is faster


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s or "")


def punct_fold(s: str) -> str:
    """Apostrophes, odd spaces and invisible characters as the rules write them. A few `replace` calls
    cost a tenth of `translate` with a dict, which looks up every character."""
    if s.isascii():  # of the characters folded only the backtick is ASCII
        return s.replace("`", "'") if "`" in s else s
    for a, b in _PUNCT_PAIRS:
        if a in s:
            s = s.replace(a, b)
    return s


_INVISIBLE = tuple(k for k, v in _PUNCT_PAIRS if v == "")  # folded away: may leave two spaces side by side


def fold(s: str, squashed: bool = False) -> str:
    """The form rules see: NFC, look-alikes folded (only in mostly-Latin text), whitespace collapsed, a
    leading check mark or bullet dropped. `squashed`: `s` is already `squash`ed (a block's text), so it
    needs collapsing again only where an invisible character went."""
    if s.isascii():  # already NFC, no look-alikes, no bullets
        s = punct_fold(s)
        return s if squashed else squash(s)
    s = nfc(s)
    if squashed:
        squashed = not any(c in s for c in _INVISIBLE)
    if _CYR.search(s) and len(_LAT.findall(s)) >= len(_CYR.findall(s)):
        s = s.translate(_CONFUSABLES)
    else:
        s = punct_fold(s)
    if not squashed:
        s = squash(s)
    return _BULLET.sub("", s, count=1) if s and s[0] in _BULLETS else s


# ASCII word characters to "a", everything else to a space: then words are what split() finds
_ASCII_WORDS = str.maketrans({chr(c): "a" if chr(c).isalnum() or c == 0x5F else " " for c in range(128)})


def word_count(s: str) -> int:
    """Runs of word characters (\\w+). ASCII text, most of it, is counted by a translate and a split:
    a third of the time of the regex, which the other texts still use."""
    if not s:
        return 0
    if s.isascii():
        return len(s.translate(_ASCII_WORDS).split())
    return len(_WORD.findall(s))
