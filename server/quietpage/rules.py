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
import regex
from cssselect import GenericTranslator, SelectorError

from .errors import RuleError
from .options import CATEGORIES
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
    strength: str = "block"      # block: removes a block alone; run: only inside a run of furniture;
    #                              signal: never removes, only feeds the paywall verdict
    max_words: int = 40          # text rules judge blocks up to this length only
    gate: bool = False           # a hit marks the point where the article stops and the gate begins
    signal: str | None = None    # paywall kind this evidences (detect stage)
    matches: list[str] = field(default_factory=list)
    keeps: list[str] = field(default_factory=list)
    compiled: object = field(default=None, repr=False, compare=False)
    xpath: object = field(default=None, repr=False, compare=False)

    @property
    def is_dom(self) -> bool:
        return self.selector is not None

    def search(self, folded: str, timeout: float = 0.05):
        """Match on folded text; a rule that times out counts as no match (it can never hang us)."""
        try:
            return self.compiled.search(folded, timeout=timeout)
        except TimeoutError:
            return None

    def judges(self, text: str, timeout: float = 0.05) -> bool:
        """Would this rule, standing alone, flag this block? (What the examples test.)"""
        if self.is_dom:
            doc = lxml.html.fromstring(f"<div>{text}</div>")
            return bool(self.xpath(doc))
        return word_count(text) <= self.max_words and self.search(fold(text), timeout) is not None

    def to_dict(self) -> dict:
        return {"id": self.id, "category": self.category, "lang": self.lang, "source": self.source,
                "type": "dom" if self.is_dom else "text", "strength": self.strength,
                "pattern": self.pattern, "selector": self.selector, "signal": self.signal,
                "description": self.description}


_FIELDS = {"id", "category", "pattern", "selector", "strength", "max_words", "gate", "signal",
           "matches", "keeps", "description", "lang"}


def _compile(rule: Rule) -> Rule:
    if (rule.pattern is None) == (rule.selector is None):
        raise RuleError(f"{rule.source}: rule {rule.id!r} needs exactly one of pattern or selector")
    if rule.category not in CATEGORIES and rule.category != "signal":
        raise RuleError(f"{rule.source}: rule {rule.id!r} has unknown category {rule.category!r}")
    if rule.strength not in STRENGTHS:
        raise RuleError(f"{rule.source}: rule {rule.id!r} strength must be one of {STRENGTHS}")
    if rule.signal is not None and rule.signal not in KINDS:
        raise RuleError(f"{rule.source}: rule {rule.id!r} signal must be one of {KINDS}")
    if rule.pattern is not None:
        try:
            rule.compiled = regex.compile(rule.pattern, regex.V1 if "(?V1)" in rule.pattern else 0)
        except regex.error as e:
            raise RuleError(f"{rule.source}: rule {rule.id!r} pattern does not compile: {e}") from None
    else:
        try:
            rule.xpath = lxml.etree.XPath(_translator.css_to_xpath(rule.selector))
        except (SelectorError, lxml.etree.XPathError) as e:
            raise RuleError(f"{rule.source}: rule {rule.id!r} selector does not compile: {e}") from None
    return rule


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


@dataclass
class RuleSet:
    rules: list[Rule]

    def __post_init__(self):
        self.text = [r for r in self.rules if not r.is_dom]
        self.dom_remove = [r for r in self.rules if r.is_dom and r.strength != "signal"]
        self.dom_signal = [r for r in self.rules if r.is_dom and (r.strength == "signal" or r.signal)]

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
