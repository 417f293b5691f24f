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
_PUNCT_ONLY = PUNCT_FOLD = {k: v for k, v in _CONFUSABLES.items() if k < 0x370 or k >= 0x2000}
PUNCT_CHARS = _PUNCT_CHARS = re.compile("[" + re.escape("".join(map(chr, _PUNCT_ONLY))) + "]")
_WORD = re.compile(r"\w+")
_CYR = re.compile("[\u0400-\u04ff]")
_LAT = re.compile("[A-Za-z]")


def squash(s: str) -> str:
    return " ".join(s.split()) if s else ""  # str.split() and re's \s agree on whitespace; split is faster


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s or "")


def fold(s: str) -> str:
    """The form rules see: NFC, look-alikes folded (only in mostly-Latin text), whitespace collapsed."""
    s = nfc(s)
    if _CYR.search(s) and len(_LAT.findall(s)) >= len(_CYR.findall(s)):
        s = s.translate(_CONFUSABLES)
    elif _PUNCT_CHARS.search(s):  # translate() with a dict costs a lookup per character: only when needed
        s = s.translate(_PUNCT_ONLY)
    return squash(s)


def word_count(s: str) -> int:
    return len(_WORD.findall(s or ""))
