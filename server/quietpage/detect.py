"""Paywall evidence and the verdict. Reads values, not the presence of words: Piano scripts sit on free
pages, `isAccessibleForFree: false` with a metered tier and the full text served is metered."""
from __future__ import annotations

import functools

import lxml.etree
import regex

from .result import Paywall, Signal
from .rules import RuleSet, signal_text
from .textnorm import squash

_FALSE = {"false", "0", "no"}
_TRUE = {"true", "1", "yes"}


def _flag(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        s = v.strip().lower()
        return False if s in _FALSE else True if s in _TRUE else None
    return None


def _parts(obj):
    hp = obj.get("hasPart")
    if isinstance(hp, dict):
        return [hp]
    return [x for x in hp if isinstance(x, dict)] if isinstance(hp, list) else []


def markup_signals(doc, lds: list[dict], ruleset: RuleSet, keep: frozenset,
                   metas: dict | None = None, source: str | None = None,
                   raw: bytes | None = None) -> tuple[list[Signal], list[str]]:
    """Signals from structured data, meta tags and vendor markup; plus the protected selectors.
    `source`: the page's HTML, where a vendor rule's literals must occur before its selector runs; `raw`:
    the same as UTF-8 bytes when the input was exactly that (ASCII literals are found there twice as fast)."""
    sig: list[Signal] = []
    selectors: list[str] = []
    for o in lds:
        free = _flag(o.get("isAccessibleForFree"))
        if free is False:
            sig.append(Signal("json-ld", "isAccessibleForFree", "any", f"{o.get('@type')}: false"))
        elif free is True:
            sig.append(Signal("json-ld", "isAccessibleForFree", "free", f"{o.get('@type')}: true"))
        for part in _parts(o):
            sel = part.get("cssSelector")
            if isinstance(sel, str) and sel.strip() and _flag(part.get("isAccessibleForFree")) is False:
                selectors.append(sel.strip()[:200])
                kind = "registration" if regex.search(r"(?i)reg(?:istration)?[-_]?wall|regwalled", sel) else "any"
                sig.append(Signal("json-ld", "hasPart.cssSelector", kind, sel.strip()[:200]))
    if metas is None:
        from .metadata import meta_index
        metas = meta_index(doc)
    tier = (metas.get("article:content_tier") or "").strip().lower()
    kind = {"metered": "metered", "locked": "hard", "free": "free"}.get(tier)
    if kind:
        sig.append(Signal("meta", "article:content_tier", kind, tier))
    names = _names(doc) if source is not None else None
    for rule in ruleset.dom_signal:
        if source is not None and not _may_match(rule, names, source, raw):
            continue  # none of the rule's names is on the page: no document scan
        try:
            els = rule.xpath(doc)
        except Exception:
            continue
        if rule.compiled is not None:
            els = [e for e in els if rule.search(signal_text(e))]
        if els:
            sig.append(Signal("vendor", rule.id, rule.signal or "any", squash(rule.selector)[:120]))
    return sig, selectors


_NAME = regex.compile(r"([.#]|\[)((?:[\w-]|\\.){3,})")


@functools.lru_cache(maxsize=256)
def _selector_names(selector: str) -> tuple | None:
    """(kind, name) for the class (.), id (#) and attribute ([) names of a selector, read once per
    selector; None when some comma part names nothing (it could match any page)."""
    out = []
    for part in selector.split(","):
        found = _NAME.findall(part)
        if not found:
            return None
        out.extend(found)
    return tuple(out)


# elements' attributes only: `//@class` visits every text node as well
_CLASSES = lxml.etree.XPath("/descendant::*/@class", smart_strings=False)
_IDS = lxml.etree.XPath("/descendant::*/@id", smart_strings=False)


def _names(doc) -> tuple[set, set]:
    """Class names and ids on the page, as plain strings from libxml2 (no element proxies); a page repeats
    its class lists, so each distinct one is split once."""
    return set(" ".join(set(_CLASSES(doc))).split()), set(_IDS(doc))


@functools.lru_cache(maxsize=256)
def _lit_variants(lits: tuple, anycase: bool = True) -> tuple:
    """The fewest strings to look for: a literal that contains another one adds nothing (each search of
    a ~100 kB page costs ~40 µs), and a case-sensitive pattern's literals are sought as written."""
    found = {v for n in lits for v in ((n, n.lower()) if anycase else (n,))}
    return tuple(sorted(v for v in found if not any(o != v and o in v for o in found)))


def _in(lit: str, source: str, raw: bytes | None) -> bool:
    if raw is not None and lit.isascii():
        return lit.encode("ascii") in raw  # UTF-8 bytes never hold an ASCII byte inside another character
    return lit in source


def _may_match(rule, names: tuple[set, set], source: str, raw: bytes | None = None) -> bool:
    """Could the vendor rule find anything? One of its pattern's literals must be in the source (as the
    pattern writes it, or in lower case: vendors' URLs and config keys); its selector's class names and
    ids on an element, an attribute name in the source. Conservative: True whenever it cannot tell.
    (Searching the whole source for every name cost ~1 ms a page.)"""
    if rule.lits:
        anycase = bool(rule.compiled.flags & regex.IGNORECASE)
        return any(_in(v, source, raw) for v in _lit_variants(rule.lits, anycase))
    found = _selector_names(rule.selector)
    if found is None:
        return True
    for kind, name in found:
        if kind == "[":
            if _in(name, source, raw):
                return True
        elif name in (names[0] if kind == "." else names[1]):
            return True
    return False


def protected_nodes(doc, selectors: list[str]) -> set:
    """Nodes that `hasPart.cssSelector` points to hold the (protected) article text: never prune them."""
    from cssselect import GenericTranslator, SelectorError
    out = set()
    for sel in selectors:
        try:
            xp = GenericTranslator().css_to_xpath(sel)
            out.update(doc.xpath(xp))
        except (SelectorError, Exception):
            continue
    return out


BADGE_WORDS = 4


def verdict(signals: list[Signal], words: int, ends_cut: bool, protected_words: int = -1) -> Paywall:
    """Combine evidence into one kind. Text from the gate itself is the strongest evidence of its kind;
    structured data says that a gate exists; vendor scripts alone say little."""
    kinds = {}
    for s in signals:
        kinds.setdefault((s.source, s.kind), []).append(s)
    has = lambda src, kind: (src, kind) in kinds
    says_free = has("json-ld", "free") or has("meta", "free")
    if says_free and not has("json-ld", "any"):
        # the page says it is free: a badge on a teaser for another story ("MEMBERS ONLY", "Exclusivo para
        # assinantes") is no evidence against that; a gate's sentence still is
        for key in [k for k in kinds if k[0] == "text"]:
            kinds[key] = [s for s in kinds[key] if len(s.detail.split()) > BADGE_WORDS]
            if not kinds[key]:
                del kinds[key]
    text_kind = next((k for k in ("metered", "registration", "hard") if has("text", k)), None)
    if text_kind is None and not says_free:
        # gate text hidden until a script shows it tells the kind, unless the page says it is free
        text_kind = next((k for k in ("metered", "registration", "hard") if has("hidden", k)), None)
    meta_kind = next((k for k in ("metered", "hard") if has("meta", k)), None)
    ld_reg = has("json-ld", "registration")
    ld_false = has("json-ld", "any") or ld_reg
    vendor = next((k for k in ("metered", "registration", "hard") if has("vendor", k)), None)
    vendor_any = has("vendor", "any")
    kind = "none"
    if text_kind == "metered" or meta_kind == "metered" or vendor == "metered":
        kind = "metered"
    elif text_kind == "registration" or ld_reg or vendor == "registration":
        kind = "registration"
    elif text_kind == "hard" or meta_kind == "hard" or vendor == "hard":
        kind = "hard"
    elif ld_false or vendor_any:
        # the protected part (hasPart.cssSelector) served in full means a meter let this reader in;
        # missing or a few words of it means the page holds only a teaser
        teaser = 0 <= protected_words < 120
        kind = "hard" if (ends_cut or (ld_false and teaser)) else "metered" if ld_false else "none"
    if kind == "none" and ends_cut and has("text", "any"):
        kind = "hard"
    # behind a hard wall the reader gets a teaser, unless the protected part is in the page in full; a
    # registration wall often lies over the whole text: cut off when it ends in "…" or is short
    served = protected_words >= 120
    truncated = (kind == "hard" and (ends_cut or not served)) or \
        (kind == "registration" and (ends_cut or words < 250))
    return Paywall(detected=kind != "none", kind=kind, truncated=truncated, signals=signals)
