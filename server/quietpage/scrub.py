"""Text rules over blocks and runs of blocks. A single block can be furniture on its own ("Subscribe now
for unlimited access."); short blocks ("Smart Quarterly", "₹900", "3 Months") only in a run of furniture
that strong hits anchor. Article prose breaks a run."""
from __future__ import annotations

from urllib.parse import urlsplit

import regex

from . import header
from .blocks import Block
from .prefilter import lead_keys
from .result import Removal
from .rules import Rule, RuleSet

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_NOT_HEADINGS = {"legal"}  # a credit line is never set as a heading
GATE = {"meter", "paywall", "login", "pricing", "plan-benefits", "support", "newsletter"}
_SENTENCE_END = regex.compile(r"[.!?…:;\"”»)]\s*$")


def _is_short(b: Block) -> bool:
    """Short, non-sentence blocks: plan names, prices, benefit lines, link lists, labels."""
    if b.words == 0:
        return True
    if b.words <= 4:
        return True
    return b.words <= 18 and (not _SENTENCE_END.search(b.text) or b.link_density > 0.5)


SHORT_FLAGGED = 12


def _is_sentence(b: Block) -> bool:
    """Article prose: a real sentence, which a weak (run-only) hit never takes away."""
    return b.words >= 8 and b.link_density < 0.5 and bool(_SENTENCE_END.search(b.text))


def _plan(ruleset: RuleSet, keep: frozenset, signals_only: bool, langs: frozenset | None) -> tuple:
    """The rules that may judge blocks for these settings, longest reach first (long blocks stop early),
    with their order and ids: worked out once per ruleset and settings, not per call."""
    plans = ruleset.match_plans
    key = (keep, signals_only, langs)
    plan = plans.get(key)
    if plan is None:
        rules = [r for r in ruleset.text if (r.category not in keep or r.strength == "signal")
                 and (r.signal or not signals_only) and (langs is None or not r.lang or r.lang in langs)]
        rules.sort(key=lambda r: -r.max_words)
        # per block, only the rules the prefilter leaves (and those it cannot judge), in the rules' order
        plan = (rules, {r.id: i for i, r in enumerate(rules)}, {r.id: r for r in rules},
                [r for r in rules if r.alts is None])
        if len(plans) > 256:
            plans.clear()
        plans[key] = plan
    return plan


def match(blocks: list[Block], ruleset: RuleSet, keep: frozenset, timeout: float, signals_only=False,
          langs: frozenset | None = None) -> None:
    rules, order, by_id, unfiltered = _plan(ruleset, keep, signals_only, langs)
    # signal rules only: their own, smaller index finds the same candidates with fewer literal hits
    index = ruleset.signal_index if signals_only else None
    longest = rules[0].max_words if rules else -1
    for b in blocks:
        if not b.folded:
            continue
        words = b.words
        if words > longest:
            continue
        possible = (index or ruleset.literal_index_for(words)).keys(b.folded.casefold())
        todo = [r for r in unfiltered if words <= r.max_words]
        if possible:
            todo += [by_id[k] for k in possible if k in by_id and words <= by_id[k].max_words]
            todo.sort(key=lambda r: order[r.id])
        if not todo:
            continue
        heading = b.tag in _HEADINGS and not b.text.rstrip().endswith(":")  # "Bildnachweis:" is a label
        lead = lead_keys(b.folded)
        for r in todo:
            if heading and r.category in _NOT_HEADINGS:
                continue  # "Add-ons / Web Extensions" as a heading is a section title, not a credit
            if r.first is not None and r.first.isdisjoint(lead):
                continue  # an anchored rule whose match cannot begin with this block's first letter
            if r.search(b.folded, timeout) is not None:
                b.hits.append(r)


def _strong(b: Block, keep: frozenset) -> Rule | None:
    return next((r for r in b.hits if r.strength == "block" and r.category not in keep), None)


def _weak(b: Block, keep: frozenset) -> Rule | None:
    return next((r for r in b.hits if r.strength == "run" and r.category not in keep), None)


LINK_LIST = Rule(id="structure.link-list", category="related", source="scrub.py", strength="block",
                 description="three or more short blocks in a row that are all links: a list of other stories",
                 matches=["(structural)"])
MIN_LINK_RUN = 3
MAX_RELATED_ITEMS = 8
HEAD_TAGS = {"h1", "h2", "h3"}


CAPS_LINK = Rule(id="structure.caps-link", category="related", source="scrub.py", strength="block",
                description="a headline in capitals that is all link, set between paragraphs: a promo for another story",
                matches=["(structural)"])
_LOWER = regex.compile(r"\p{Ll}")
_UPPER = regex.compile(r"\p{Lu}")


def _caps_link(b: Block) -> bool:
    return (b.link_density >= 0.9 and 4 <= b.words <= 30 and len(_UPPER.findall(b.text)) >= 10
            and not _LOWER.search(b.text))


HEADLINE_LINK = Rule(id="structure.headline-link", category="related", source="scrub.py", strength="block",
                    description="a paragraph that is one link to another page of the same site, worded like a "
                                "headline, set between paragraphs of prose: a pointer to another story",
                    matches=["(structural)"])
_HEADLINE_END = regex.compile(r"[.!:;,\"”»)]\s*$")


def _same_site(href: str, host: str | None) -> bool:
    if not href or href.startswith(("#", "mailto:", "javascript:")):
        return False
    if href.startswith("/") and not href.startswith("//"):
        return True
    if not href.startswith(("http://", "https://", "//")):
        return not regex.match(r"[a-z][a-z0-9+.-]*:", href)  # relative: same site
    if host is None:
        return False
    try:
        h = urlsplit(href if not href.startswith("//") else "https:" + href).hostname or ""
    except ValueError:  # "http://[broken": not a link we can place
        return False
    return bool(h) and (h == host or h.endswith("." + host) or host.endswith("." + h))


def _headline_link(blocks: list[Block], k: int, host: str | None) -> bool:
    """A whole paragraph that is a single same-site link, 4-16 words with no closing punctuation, after a
    paragraph of prose and before more article: an inline promo of another story ("How walking helps you
    lose weight"). Links to other sites (shops, sources) are not taken."""
    b = blocks[k]
    if b.tag != "p" or b.link_density < 0.95 or not 4 <= b.words <= 16 or _HEADLINE_END.search(b.text):
        return False
    if k == 0 or k + 1 >= len(blocks):
        return False
    prev, nxt = blocks[k - 1], blocks[k + 1]
    if prev.tag != "p" or prev.words < 20 or prev.link_density > 0.3 or nxt.link_density > 0.5:
        return False
    links = b.element.findall(".//a") if b.element is not None else []
    if b.element is not None and b.element.tag == "a":
        links = [b.element]
    return len(links) == 1 and _same_site(links[0].get("href") or "", host)


def _linky(b: Block) -> bool:
    """A line that is all link; a run of them is a list of stories when its lines read like headlines
    (buttons such as "Learn more" are too short)."""
    return b.link_density >= 0.8 and 2 <= b.words <= 30 and b.tag not in ("h1", "h2", "pre", "td", "th")


def decide(blocks: list[Block], keep: frozenset, host: str | None = None) -> list[tuple[int, Rule | None, str]]:
    """Return (index, rule, reason) for every block to remove. `host`: the page's, for same-site links."""
    out: dict[int, tuple[Rule | None, str]] = {}
    n = len(blocks)
    for i, b in enumerate(blocks):
        r = _strong(b, keep)
        if r:
            out[i] = (r, "")
    if "related" not in keep:
        for k, b in enumerate(blocks):
            if k not in out and _caps_link(b):
                out[k] = (CAPS_LINK, "")
            elif k not in out and _headline_link(blocks, k, host):
                out[k] = (HEADLINE_LINK, "")
        i = 0
        while i < n:
            j = i
            while j < n and _linky(blocks[j]):
                j += 1
            if j - i >= MIN_LINK_RUN and sum(blocks[k].words for k in range(i, j)) >= 3.5 * (j - i):
                for k in range(i, j):
                    out.setdefault(k, (LINK_LIST, ""))
            i = max(j, i + 1)
    i = 0
    # a short line a rule flags is furniture-shaped even with a full stop ("Then €9.99 a month. Cancel
    # anytime."): it does not break a run (it is only taken between anchors, never as a weak hit alone)
    member = [k in out or _is_short(b) or (bool(b.hits) and (not _is_sentence(b) or b.words <= SHORT_FLAGGED))
              for k, b in enumerate(blocks)]
    while i < n:
        if not member[i]:
            i += 1
            continue
        j = i
        while j < n and member[j]:
            j += 1
        run = range(i, j)
        strong = [k for k in run if k in out]
        if strong:
            weak = [k for k in run if _weak(blocks[k], keep) and not _is_sentence(blocks[k])]
            hits = len(set(strong) | set(weak))
            last = max(strong + weak)
            # only gate furniture carries a run: credits, ad labels and share lines stand alone
            anchors = [k for k in strong if out[k][0].gate or out[k][0].category in GATE]
            if anchors:
                first = anchors[0]
                to_end = j == n
                if hits / len(run) >= 0.3 or to_end:
                    for k in weak:
                        out.setdefault(k, (_weak(blocks[k], keep), ""))
                    end = j if to_end else last
                    for k in range(first + 1, end):
                        if k not in out:
                            out[k] = (None, f"run after {out[first][0].id}")
        i = j
    # a "Related" / "Read also" label takes the link lines that follow it
    for k in sorted(out):
        r = out[k][0]
        if r is None or r.category != "related" or r.category in keep or r.alone:
            continue  # `alone`: a complete item ("Related: <headline>"), not the label of a list
        m = k + 1
        # the teaser titles under it: links, or short title-like lines (bounded: a list, not the article)
        while m < n and m < k + 1 + MAX_RELATED_ITEMS and m not in out and blocks[m].tag not in HEAD_TAGS and (
                (blocks[m].link_density >= 0.5 and blocks[m].words <= 30)
                or (blocks[m].words <= 14 and not _SENTENCE_END.search(blocks[m].text))):
            out[m] = (r, "item after a related label")
            m += 1
    _box_titles(blocks, out)
    return sorted((k, r, why) for k, (r, why) in out.items())


TITLE_WORDS = 12


def _box_titles(blocks: list[Block], out: dict) -> None:
    """A gate box's own title goes with the box: a short line without a full stop ("Het weekend in Zwolle",
    "Jornalismo baiano de verdade") set as a title, right before removed paywall, support or newsletter
    furniture, when the smallest element holding both holds nothing else that stays. An article's
    subheading shares its container with the prose; titles of link lists and credits are left alone (a table
    of contents, a chart's title)."""
    n = len(blocks)
    for k in sorted(out):
        h = k - 1
        rule = out[k][0]
        if h < 0 or h in out or rule is None or rule.category not in GATE:
            continue
        title = blocks[h]
        if title.element is None or blocks[k].element is None or not 0 < title.words <= TITLE_WORDS \
                or _SENTENCE_END.search(title.text) or not _titled(title):
            continue
        box = _common_ancestor(title.element, blocks[k].element)
        if box is None or (_within(blocks[0].element, box) and _within(blocks[-1].element, box)):
            continue  # no shared box, or the article's own container
        lo, hi = h, k
        while lo > 0 and _within(blocks[lo - 1].element, box):
            lo -= 1
        while hi + 1 < n and _within(blocks[hi + 1].element, box):
            hi += 1
        if all(j in out for j in range(lo, hi + 1) if j != h):
            anchor = next((out[j][0] for j in range(k, hi + 1) if out[j][0] is not None), rule)
            out[h] = (anchor, "title of a removed box")


_TITLE_NAME = regex.compile(r"(?i)(?:^|[\s_-])(?:title|titel|titulo|título|titre|titolo|kop|heading|headline|hed|header|head)(?:$|[\s_-])")


def _titled(b: Block) -> bool:
    """Set as a title: a heading, or an element its class names a title ("box-assinatura__titulo")."""
    el = b.element
    return el.tag in _HEADINGS or bool(_TITLE_NAME.search(el.get("class") or ""))


def _common_ancestor(a, b):
    mine = {id(x) for x in a.iterancestors()}
    mine.add(id(a))
    for x in b.iterancestors():
        if id(x) in mine:
            return x
    return None


def _within(el, box) -> bool:
    return el is not None and (el is box or any(x is box for x in el.iterancestors()))


def scrub(blocks: list[Block], ruleset: RuleSet, keep: frozenset, removals: list[Removal], timeout: float,
          with_text: bool = True, langs: frozenset | None = None, title: str = "", byline: str = "",
          url: str | None = None) -> list[Block]:
    """Mark, decide and return the kept blocks; removals are recorded with their rule and category."""
    match(blocks, ruleset, keep, timeout, langs=langs)
    drop = decide(blocks, keep, _host(url))
    taken = {k for k, _r, _w in drop}
    drop += [(k, r, "") for k, r in header.decide(blocks, title, byline, keep).items() if k not in taken]
    drop.sort(key=lambda x: x[0])
    gone = set()
    for k, r, why in drop:
        b = blocks[k]
        if r is None:  # carried by the run: take the category of the nearest strong hit before it
            prev = next((blocks[m] for m in range(k - 1, -1, -1) if _strong(blocks[m], keep)), None)
            rr = _strong(prev, keep) if prev else None
            rid, cat = (f"run:{rr.id}", rr.category) if rr else ("run", "paywall")
        else:
            rid, cat = r.id, r.category
        if cat in keep:
            continue
        gone.add(k)
        removals.append(Removal(rid, cat, "scrub", b.text[:2000] if with_text else ""))
    return [b for k, b in enumerate(blocks) if k not in gone]


def _host(url: str | None) -> str | None:
    try:
        h = urlsplit(url).hostname if url else None
    except ValueError:
        return None
    return h[4:] if h and h.startswith("www.") else h


def text_signals(blocks: list[Block]):
    """(rule, block) pairs whose rule names a paywall kind: the detect stage's text evidence."""
    for b in blocks:
        for r in b.hits:
            if r.signal:
                yield r, b
