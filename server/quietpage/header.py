"""Blocks that repeat what the reader view already shows: the title at the top of the article, and the
byline and dateline under it. Category "metadata": a user who wants them can keep them."""
from __future__ import annotations

import regex

from .blocks import Block
from .rules import Rule
from .textnorm import fold

TITLE = Rule(id="structure.title", category="metadata", source="header.py",
             description="the headline again at the top of the article", matches=["(structural)"])
REPEAT = Rule(id="structure.repeat", category="metadata", source="header.py",
              description="a long block repeated verbatim right after itself (slideshow and responsive copies)",
              matches=["(structural)"])
BYLINE = Rule(id="structure.byline", category="metadata", source="header.py",
              description="byline or dateline above the first paragraph", matches=["(structural)"])

_MONTHS = (r"jan(?:uary|uar|vier|eiro)?|feb(?:ruary|ruar)?|febrero|fevereiro|f[ée]vrier|mar(?:ch|s|zo|ço)?|märz|"
           r"apr(?:il)?|abril|avril|aprile|may|mai|mayo|maio|maggio|june?|juni|juin|junio|junho|giugno|july?|juli|"
           r"juillet|julio|julho|luglio|aug(?:ust)?|ao[uû]t|agosto|sep(?:t|tember)?|septembre|septiembre|setembro|"
           r"settembre|oct(?:ober)?|oktober|octobre|octubre|outubro|ottobre|nov(?:ember)?|novembre|noviembre|"
           r"novembro|dec(?:ember)?|dezember|d[ée]cembre|diciembre|dezembro|dicembre")
_DATE = regex.compile(rf"(?i)\b(?:\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|(?:{_MONTHS})\.?\s+\d{{1,2}}"
                      rf"|\d{{1,2}}\.?\s+(?:de\s+)?(?:{_MONTHS})|\d{{1,2}}:\d{{2}}\s*(?:[ap]\.?m\.?|uhr|h)?|\b(?:19|20)\d\d\b)")
_DATELINE = regex.compile(
    r"(?i)^(?:(?:last\s+)?(?:updated|published|posted|modified|created|aktualisiert|ver[öo]ffentlicht|"
    r"stand|publi[ée]|mis\s+[àa]\s+jour|publicado|actualizado|atualizado|pubblicato|aggiornato|"
    r"bijgewerkt|gepubliceerd|geplaatst)\b\s*(?:on|at|am|le|el|em|il|op)?\s*:?\s*)?[^.!?]{0,80}$")
_BYLINE = regex.compile(r"(?i)^(?:by|von|par|por|di|door|de|text|texto|written\s+by|reporting\s+by)\s*:?\s+"
                        r"[^.!?]{2,100}$")
_LONG = 20
MAX_TITLE_POS = 15
MIN_REPEAT_WORDS = 12
MIN_BLOCKS_FOR_REPEATS = 10
MAX_REPEAT_RUN = 3   # a run of up to this many long blocks repeated right after itself
_TITLE_TAGS = {"h1", "h2", "h3", "p", "div", "#text"}
_HEADER_LABELS = {"paywall": 5, "social": 2}  # run-only labels taken in the header zone, up to this many words


_EDGES = " .:|-–—"


def _key(s: str) -> str:
    """What two lines are compared by: folded, case-free, without edge punctuation."""
    return fold(s).casefold().strip(_EDGES)


def _block_key(b: Block) -> str:
    return b.folded.casefold().strip(_EDGES)  # `_key(b.text)`, from the fold the block already made


def _same_key(a: str, b: str) -> bool:
    """The same line, or one that holds most of the other (a headline with the site's name after it)."""
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 20 and short in long_ and len(short) >= 0.8 * len(long_)


def _is_byline(b: Block, byline_keys: tuple = ()) -> bool:
    """`byline_keys`: the page's byline, and with "by", as `_key` gives them (none when it has no byline)."""
    return b.words <= 14 and (
        any(_same_key(_block_key(b), k) for k in byline_keys)
        or bool(_BYLINE.search(b.folded))
        or (bool(_DATE.search(b.folded)) and bool(_DATELINE.search(b.folded)) and b.words <= 12))


def decide(blocks: list[Block], title: str, byline: str, keep: frozenset) -> dict[int, Rule]:
    if "metadata" in keep:
        return {}
    out: dict[int, Rule] = {}
    title_key = _key(title) if title else ""
    by_keys = (_key(byline), _key("by " + byline)) if byline else ()
    # the header zone: the blocks before the first real paragraph (at most 8)
    for i, b in enumerate(blocks[:8]):
        if b.words >= _LONG and b.link_density < 0.5:
            break
        if title and b.tag in ("h1", "h2", "h3", "p", "div", "#text") and _same_key(_block_key(b), title_key):
            out[i] = TITLE
        elif _is_byline(b, by_keys):
            out[i] = BYLINE
        else:
            # a paywall brand over the headline ("WZ+ Kellbach", "SZ Plus") or a widget word by the byline
            # ("Kommentare", a link to the comments): such labels are judged only in company of other
            # furniture, and the header zone is that company
            label = next((r for r in b.hits if r.strength == "run" and r.category in _HEADER_LABELS
                          and r.category not in keep), None)
            if label is not None and b.words <= _HEADER_LABELS[label.category]:
                out[i] = label
    # a headline set below a lead image and its caption starts a header of its own: the byline and
    # dateline lines right under it go too
    for i, b in enumerate(blocks[:MAX_TITLE_POS]):
        if i in out or not title or b.tag not in _TITLE_TAGS or not _same_key(_block_key(b), title_key):
            continue
        out[i] = TITLE
        for k in range(i + 1, min(i + 4, len(blocks))):
            if _is_byline(blocks[k], by_keys):
                out[k] = BYLINE
            else:
                break
    # the same long block twice in a row is a rendering artifact (one caption per slide, mobile and
    # desktop copies); a short text that repeats itself on purpose is left alone
    # (or the same few long blocks twice in a row: a slideshow's captions, then the lead image's again)
    if len(blocks) >= MIN_BLOCKS_FOR_REPEATS:
        n = len(blocks)
        for i in range(1, n):
            if i in out:
                continue
            for k in range(1, MAX_REPEAT_RUN + 1):
                if i - k < 0 or i + k > n:
                    break
                first, again = blocks[i - k:i], blocks[i:i + k]
                if all(a.words >= MIN_REPEAT_WORDS and a.folded == b.folded for a, b in zip(first, again)):
                    for m in range(i, i + k):
                        out.setdefault(m, REPEAT)
                    break
    return out
