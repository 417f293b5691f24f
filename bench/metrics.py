"""The benchmark metrics, as defined in the project's design notes (the public article-extraction
benchmark's definition): \\w+ tokens, 4-token shingles as multisets, per-page tp/fp/fn normalised to sum 1,
precision and recall averaged over pages, F1 from the two averages."""
import re
import unicodedata
from collections import Counter

_TOKEN = re.compile(r"\w+")


def shingles(text, n=4):
    toks = _TOKEN.findall(text or "")
    return Counter(tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1)) if toks[i:i + n])


def tp_fp_fn(true, pred):
    t, p = shingles(true), shingles(pred)
    tp, fp, fn = sum((t & p).values()), sum((p - t).values()), sum((t - p).values())
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def prf(triples):
    def prec(tp, fp, fn):
        return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)

    def rec(tp, fp, fn):
        return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)
    ps = [prec(*x) for x in triples if x[0] + x[1] > 0]
    rs = [rec(*x) for x in triples if x[0] + x[2] > 0]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def norm(s):
    return " ".join((s or "").split())


def nfc(s):
    return unicodedata.normalize("NFC", s or "")


def leaked(label, lines, text):
    """A short label (< 30 chars) leaks only where it stands (nearly) alone on a line."""
    lab = norm(label)
    if len(lab) >= 30:
        return lab in text
    return any(lab in ln and len(ln) <= 2 * len(lab) + 20 for ln in lines)
