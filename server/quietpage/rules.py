"""Rule files are data: TOML with one `[[rule]]` per entry, each carrying examples that must and must
not match. This module loads, validates, compiles and self-tests them."""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import lxml.html
import re

import regex
from cssselect import GenericTranslator, SelectorError

from .errors import RuleError
from .options import CATEGORIES
from .prefilter import LiteralIndex, Scanner, all_literals, alternatives, first_chars, requirements
from .textnorm import fold, word_count

BUILTIN_DIR = Path(__file__).with_name("rules")
KINDS = ("metered", "hard", "registration", "any", "free")
STRENGTHS = ("block", "run", "signal")
_translator = GenericTranslator()


@dataclass
class Rule:
    id: str
    category: str
    source: str
    lang: str = ""
    description: str = ""
    pattern: str | None = None
    selector: str | None = None
    tokens: list[str] = field(default_factory=list)  # class/id word phrases, e.g. "share bar", "paywall"
    unless: list[str] = field(default_factory=list)  # phrases that veto a token match ("credit card")
    alone: bool = False          # DOM rules: remove only when the node is all the text of its block
    #                              (a bare credit line goes; a caption that ends in a credit stays).
    #                              Text rules: the hit is a complete item, not a label heading a list
    strength: str = "block"      # block: removes a block alone; run: only inside a run of furniture;
    #                              signal: never removes, only feeds the paywall verdict
    max_words: int = 40          # text rules judge blocks up to this length only
    gate: bool = False           # a hit marks the point where the article stops and the gate begins
    signal: str | None = None    # paywall kind this evidences (detect stage)
    matches: list[str] = field(default_factory=list)
    keeps: list[str] = field(default_factory=list)
    compiled: object = field(default=None, repr=False, compare=False)
    phrases: list = field(default_factory=list, repr=False, compare=False)
    vetoes: list = field(default_factory=list, repr=False, compare=False)
    lits: tuple | None = field(default=None, repr=False, compare=False)  # the most selective of reqs
    reqs: tuple | None = field(default=None, repr=False, compare=False)  # prefilter: one of each set
    alts: tuple | None = field(default=None, repr=False, compare=False)  # or: the sets of one alternative
    first: frozenset | None = field(default=None, repr=False, compare=False)  # what a match can begin with
    xpath: object = field(default=None, repr=False, compare=False)

    @property
    def is_dom(self) -> bool:
        return self.selector is not None or bool(self.tokens)

    def search(self, folded: str, timeout: float = 0.05):
        """Match on folded text; a rule that times out counts as no match (it can never hang us)."""
        try:
            return self.compiled.search(folded, timeout=timeout)
        except TimeoutError:
            return None

    def judges(self, text: str, timeout: float = 0.05) -> bool:
        """Would this rule, standing alone, flag this block? (What the examples test.)"""
        if self.is_dom:
            from .prune import _removable  # the same test prune applies
            doc = lxml.html.document_fromstring(f"<html><body><div>{text}</div></body></html>")
            if self.tokens:
                index = TokenIndex([self])
                found = [el for el in doc.iter() if isinstance(el.tag, str) and index.match(el)]
            else:
                found = self.xpath(doc)
            if self.strength == "signal":  # evidence rules: the same test detect applies
                return any(self.compiled is None or self.search(signal_text(el), timeout) for el in found)
            return any(_removable(el, self, set()) is not None for el in found)
        return word_count(text) <= self.max_words and self.search(fold(text), timeout) is not None

    def to_dict(self) -> dict:
        return {"id": self.id, "category": self.category, "lang": self.lang, "source": self.source,
                "type": "dom" if self.is_dom else "text", "strength": self.strength,
                "pattern": self.pattern, "selector": self.selector, "tokens": self.tokens, "signal": self.signal,
                "description": self.description}


_FIELDS = {"id", "category", "pattern", "selector", "tokens", "unless", "alone", "strength", "max_words", "gate", "signal",
           "matches", "keeps", "description", "lang"}


def _compile(rule: Rule) -> Rule:
    kinds = (rule.pattern is not None) + (rule.selector is not None) + bool(rule.tokens)
    paired = (rule.strength == "signal" and rule.selector and rule.pattern and not rule.tokens) or \
        (rule.tokens and rule.pattern and not rule.selector)
    if kinds != 1 and not paired:
        raise RuleError(f"{rule.source}: rule {rule.id!r} needs exactly one of pattern, selector or tokens "
                        "(a signal rule may pair a selector with a pattern; a token rule may name words its "
                        "box's text must hold)")
    if rule.category not in CATEGORIES and rule.category != "signal":
        raise RuleError(f"{rule.source}: rule {rule.id!r} has unknown category {rule.category!r}")
    if rule.strength not in STRENGTHS:
        raise RuleError(f"{rule.source}: rule {rule.id!r} strength must be one of {STRENGTHS}")
    if rule.signal is not None and rule.signal not in KINDS:
        raise RuleError(f"{rule.source}: rule {rule.id!r} signal must be one of {KINDS}")
    if rule.tokens:
        if isinstance(rule.tokens, str) or not all(isinstance(t, str) and split_name(t) for t in rule.tokens):
            raise RuleError(f"{rule.source}: rule {rule.id!r} tokens must be a list of class/id words")
        rule.phrases = [tuple(split_name(t)) for t in rule.tokens]
        rule.vetoes = [tuple(split_name(t)) for t in rule.unless]
    if rule.pattern is not None:
        # a vendor rule's literals are sought in the raw source as written; a text rule's in folded text
        rule.reqs = requirements(rule.pattern, fold=rule.selector is None)
        rule.lits = rule.reqs[0] if rule.reqs else None
        if rule.selector is None:
            rule.alts = alternatives(rule.pattern) or ((rule.reqs,) if rule.reqs else None)
            rule.first = first_chars(rule.pattern)
        try:
            rule.compiled = regex.compile(rule.pattern, regex.V1 if "(?V1)" in rule.pattern else 0)
        except regex.error as e:
            raise RuleError(f"{rule.source}: rule {rule.id!r} pattern does not compile: {e}") from None
    if rule.selector is not None:
        try:
            rule.xpath = _selector_xpath(rule.selector)
        except (SelectorError, lxml.etree.XPathError) as e:
            raise RuleError(f"{rule.source}: rule {rule.id!r} selector does not compile: {e}") from None
    return rule


_CHILD_OF_TAG = re.compile(r"^\s*([a-zA-Z][\w-]*)\s*>\s*(\S.*?)\s*$")


class _UnderTag:
    """A selector whose every part starts "tag > ...": the tag's elements, found by lxml's C iteration, and
    the rest sought among their children. libxml2 walks the whole page once per part of a plain XPath
    translation ("figure > cite, figure > small, ..." cost ~0.14 ms a page; this a tenth)."""

    def __init__(self, tag: str, rests: list[str]):
        self.tag = tag
        self.rest = lxml.etree.XPath(" | ".join(_translator.css_to_xpath(r, prefix="child::") for r in rests))

    def __call__(self, doc):
        out, seen = [], set()
        for el in doc.iter(self.tag):
            for hit in self.rest(el):
                if hit not in seen:
                    seen.add(hit)
                    out.append(hit)
        return out


def _selector_xpath(selector: str):
    parts = [_CHILD_OF_TAG.match(p) for p in selector.split(",")]
    if all(parts) and len({m.group(1).lower() for m in parts}) == 1 and not any("," in m.group(2) for m in parts):
        return _UnderTag(parts[0].group(1).lower(), [m.group(2) for m in parts])
    return lxml.etree.XPath(_translator.css_to_xpath(selector))


def load_file(path: str | os.PathLike) -> list[Rule]:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RuleError(f"rule file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise RuleError(f"{path}: not valid TOML: {e}") from None
    lang = data.get("language", "")
    out, seen = [], set()
    for i, raw in enumerate(data.get("rule", [])):
        if not isinstance(raw, dict) or "id" not in raw or "category" not in raw:
            raise RuleError(f"{path}: rule #{i + 1} needs an id and a category")
        unknown = set(raw) - _FIELDS
        if unknown:
            raise RuleError(f"{path}: rule {raw['id']!r} has unknown fields {sorted(unknown)}")
        if raw["id"] in seen:
            raise RuleError(f"{path}: duplicate rule id {raw['id']!r}")
        seen.add(raw["id"])
        kw = dict(raw)
        kw.setdefault("lang", lang)
        if not kw.get("matches"):
            raise RuleError(f"{path}: rule {raw['id']!r} has no examples that must match")
        out.append(_compile(Rule(source=path.name, **kw)))
    return out


def builtin_files() -> list[Path]:
    return sorted(BUILTIN_DIR.glob("*.toml"))


def signal_text(el) -> str:
    """What a signal rule's pattern reads: an element's own text and its src."""
    return ((el.text or "")[:200_000]) + " " + (el.get("src") or "")


_CAMEL = re.compile(r"([a-z0-9])(?=[A-Z])")  # stdlib re: twice as fast as `regex` on these short names
_NAME_WORD = re.compile(r"[a-z0-9]+")


def split_name(name: str) -> list[str]:
    """'article-shareBar_top' -> ['article', 'share', 'bar', 'top']: class and id names as words."""
    if not name.islower():
        name = _CAMEL.sub(r"\1-", name).lower()
    return _NAME_WORD.findall(name)


class TokenIndex:
    """Matches elements against token rules in one pass: rules indexed by their phrase's first word."""

    def __init__(self, rules: list[Rule]):
        self.first: dict[str, list[tuple[tuple, Rule]]] = {}
        for r in rules:
            for ph in r.phrases:
                self.first.setdefault(ph[0], []).append((ph, r))
        self._cache: dict[str, list[str]] = {}
        self._hits: dict[str, tuple] = {}
        self._by_class: dict[str, Rule | None] = {}
        self.pairs: dict[tuple, tuple] = {}  # classnames.classify's verdicts per (class, id)

    def _words(self, name: str) -> list[str]:
        w = self._cache.get(name)
        if w is None:
            if len(self._cache) > 50_000:
                self._cache.clear()
            w = self._cache[name] = split_name(name) if len(name) < 200 else []
        return w

    def match(self, el) -> Rule | None:
        """The first rule one of the element's class names (then its id) carries; results per class string
        are cached, since pages repeat the same class lists hundreds of times."""
        return self.match_names(el.get("class"), el.get("id"))

    def match_names(self, cls: str | None, ident: str | None) -> Rule | None:
        """`match` on an element's class and id attributes."""
        if cls:
            hit = self._by_class.get(cls, False)
            if hit is False:
                if len(self._by_class) > 50_000:
                    self._by_class.clear()
                hit = self._by_class[cls] = self._match_names(cls.split())
            if hit is not None:
                return hit
        if not ident:
            return None
        key = (cls, ident)
        hit = self._by_class.get(key, False)
        if hit is False:
            hit = self._by_class[key] = self._match_names([ident], (cls or "").split() + [ident])
        return hit

    def _name_rules(self, name: str) -> tuple:
        """The rules whose phrase stands in this one name, in the order its words meet them: worked out
        once per name (a page's new class lists are mostly names seen before, in new combinations)."""
        hits = self._hits.get(name)
        if hits is None:
            seq = self._words(name)
            first = self.first
            if first.keys().isdisjoint(seq):
                hits = ()  # most names hold no rule's first word
            else:
                hits = tuple(r for i, w in enumerate(seq) for ph, r in first.get(w, ())
                             if len(ph) == 1 or tuple(seq[i:i + len(ph)]) == ph)
            if len(self._hits) > 50_000:
                self._hits.clear()
            self._hits[name] = hits
        return hits

    def _match_names(self, names: list[str], veto_names: list[str] | None = None) -> Rule | None:
        veto_names = names if veto_names is None else veto_names
        for name in names[:20]:
            for r in self._name_rules(name):
                if not (r.vetoes and self._veto(r, veto_names)):
                    return r
        return None

    def _veto(self, rule: Rule, names: list[str]) -> bool:
        for name in names:
            seq = self._words(name)
            for v in rule.vetoes:
                if any(tuple(seq[i:i + len(v)]) == v for i in range(len(seq))):
                    return True
        return False


WORD_TIERS = (0, 11, 21, 31, 41, 61, 91)  # block lengths from which scrub reads a smaller literal index


@dataclass
class RuleSet:
    rules: list[Rule]

    def __post_init__(self):
        self.text = [r for r in self.rules if not r.is_dom]
        self.dom_remove = [r for r in self.rules if r.selector and r.strength != "signal"]
        self.token_rules = [r for r in self.rules if r.tokens and r.strength != "signal"]
        self.dom_signal = [r for r in self.rules if r.selector and (r.strength == "signal" or r.signal)]

        self._indexes: dict[frozenset, TokenIndex] = {}
        self.match_plans: dict = {}  # scrub's rule lists per settings
        sig = [r for r in self.text if r.signal]
        # one pass over a text tells which rules could match it (their literals occur in it)
        every = {r.id: r.alts for r in self.text if r.alts}
        scanner = Scanner(all_literals(every))
        self.literal_index = LiteralIndex(every, scanner)
        # a long paragraph can only match the few rules that allow as many words: a smaller index per tier
        self._tiers = [(t, LiteralIndex({r.id: r.alts for r in self.text if r.alts and r.max_words >= t}, scanner))
                       for t in WORD_TIERS[1:]][::-1]
        # the page scan reads the page's texts in one long pass: its own, smaller automaton finds fewer hits
        self.signal_index = None if any(r.alts is None for r in sig) else \
            LiteralIndex({r.id: r.alts for r in sig})

    def literal_index_for(self, words: int) -> LiteralIndex:
        """The literal index of the rules that allow blocks of `words` words (and maybe a few more)."""
        for t, idx in self._tiers:
            if words >= t:
                return idx
        return self.literal_index

    def token_index(self, keep: frozenset = frozenset()) -> "TokenIndex":
        """One index per set of kept categories, reused across pages (its name cache warms up)."""
        idx = self._indexes.get(keep)
        if idx is None:
            if len(self._indexes) > 64:
                self._indexes.clear()
            idx = self._indexes[keep] = TokenIndex([r for r in self.token_rules if r.category not in keep])
        return idx

    def __len__(self):
        return len(self.rules)


@functools.lru_cache(maxsize=32)
def load(extra: tuple[str, ...] = ()) -> RuleSet:
    """Built-in rules plus the user's files; cached, since rule sets are immutable once loaded."""
    rules, ids = [], set()
    for f in [*builtin_files(), *map(Path, extra)]:
        for r in load_file(f):
            if r.id in ids:
                raise RuleError(f"{f}: rule id {r.id!r} is already defined by another file")
            ids.add(r.id)
            rules.append(r)
    return RuleSet(rules)


def check_examples(rules: list[Rule]) -> list[str]:
    """Every `matches` example must be flagged and no `keeps` example may be; returns the failures."""
    fails = []
    for r in rules:
        for ex in r.matches:
            if not r.judges(ex, timeout=1.0):
                fails.append(f"{r.source}:{r.id}: must match but does not: {ex!r}")
        for ex in r.keeps:
            if r.judges(ex, timeout=1.0):
                fails.append(f"{r.source}:{r.id}: must not match but does: {ex!r}")
    return fails
