"""Cheap prefilter for text rules: from a pattern, sets of literal strings such that any text it can match
contains one literal of every set. A rule is not run on a block that misses a set. Conservative: whatever
the analysis cannot prove (regex-module syntax, classes, optional parts) adds no requirement."""
from __future__ import annotations

try:  # Python 3.11+
    import re._parser as sre_parse
    from re._constants import ASSERT, BRANCH, IN, LITERAL, MAX_REPEAT, MIN_REPEAT, SUBPATTERN
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse
    from sre_constants import ASSERT, BRANCH, IN, LITERAL, MAX_REPEAT, MIN_REPEAT, SUBPATTERN

import re

MIN_LEN = 3
# a single one of these is rare enough in a short block to be a requirement of its own (prices, credits,
# arrows and questions in promos, brackets of tags and template placeholders); letters need MIN_LEN
SYMBOLS = frozenset("?!©®™€£¥₹$%»«›‹→←↗|•@#+*=~^{}[]<>")
_UNICODE_CLASS = re.compile(r"\\[pP]\{[^}]*\}")


def _parse(pattern: str):
    # regex-module classes (\p{Lu}) are unknown to the stdlib parser: any character stands in (weaker,
    # never wrong)
    # a leading "(?-i)" (regex-module syntax: case-sensitive from here) changes no literal
    if pattern.startswith("(?-i)"):
        pattern = pattern[5:]
    try:
        return list(sre_parse.parse(_UNICODE_CLASS.sub(".", pattern)))
    except Exception:
        return None


def _strength(cands) -> int:
    return min(map(len, cands))


def _conj(items) -> list[frozenset]:
    """Sets of literals that must ALL be matched (one literal of each set) by any text the sequence
    matches: every literal run and every required part contributes its own set."""
    out: list[frozenset] = []
    run: list[str] = []

    def flush():
        if len(run) >= MIN_LEN or (run and all(c in SYMBOLS for c in run)):
            out.append(frozenset({"".join(run)}))
        run.clear()

    for op, av in items:
        if op is LITERAL:
            run.append(chr(av))
            continue
        flush()
        if op is IN:
            chars = _symbol_class(av)
            if chars:
                out.append(chars)
        elif op is SUBPATTERN:
            out.extend(_conj(av[-1]))
        elif op is ASSERT:
            # a positive lookahead or lookbehind matches text too: "(?=.*\\bin your inbox\\b)" needs its words
            out.extend(_conj(av[1]))
        elif op in (MAX_REPEAT, MIN_REPEAT):
            lo, _hi, sub = av
            if lo >= 1:
                out.extend(_conj(sub))
        elif op is BRANCH:
            # one of the branches matched: each branch's most selective set, pooled
            per = [_conj(b) for b in av[1]]
            if all(per):
                out.append(frozenset().union(*(max(p, key=_strength) for p in per)))
    flush()
    return out


def _symbol_class(items) -> frozenset | None:
    """A character class made only of listed symbols ([»›→], [€$£]): one of them must be there."""
    chars = set()
    for op, av in items:
        if op is not LITERAL or chr(av) not in SYMBOLS:
            return None
        chars.add(chr(av))
    return frozenset(chars) or None


def requirements(pattern: str, most: int = 3, fold: bool = True) -> tuple[tuple[str, ...], ...] | None:
    """Up to `most` literal sets, each of which must be hit for the pattern to match; None if none.
    Casefolded, or with `fold=False` as the pattern writes them."""
    items = _parse(pattern)
    if items is None:
        return None
    try:
        sets = _conj(items)
    except Exception:
        return None
    uniq = {frozenset(x.casefold() if fold else x for x in s) for s in sets if s}
    if not uniq:
        return None
    best = sorted(uniq, key=lambda s: -_strength(s))[:most]
    return tuple(tuple(sorted(s, key=lambda x: (len(x), x))) for s in best)


class LiteralIndex:
    """Which keys (rules) a text could match, in one pass over it: each key needs one literal from each
    of its literal sets (Aho-Corasick finds them all; a plain loop stands in without the library)."""

    def __init__(self, reqs_by_key: dict):
        self.by_lit: dict[str, list] = {}
        self.need: dict = {}
        for key, reqs in reqs_by_key.items():
            self.need[key] = len(reqs)
            for i, lits in enumerate(reqs):
                for x in lits:
                    self.by_lit.setdefault(x, []).append((key, i))
        # per literal: the keys it completes alone (one literal set) and, for the others, the bit of the set
        # it fills; a key is possible when its bits are all set
        self.single: dict[str, set] = {}
        self.multi: dict[str, list] = {}
        self.full = {key: (1 << n) - 1 for key, n in self.need.items()}
        for x, owners in self.by_lit.items():
            for key, i in owners:
                if self.need[key] == 1:
                    self.single.setdefault(x, set()).add(key)
                else:
                    self.multi.setdefault(x, []).append((key, 1 << i))
        self._auto = None
        try:
            import ahocorasick
        except ImportError:  # pragma: no cover - the dependency is declared; this keeps odd installs working
            return
        if self.by_lit:
            a = ahocorasick.Automaton()
            for x in self.by_lit:
                a.add_word(x, x)
            a.make_automaton()
            self._auto = a

    def _found(self, low: str):
        if self._auto is not None:
            return {x for _end, x in self._auto.iter(low)}
        return {x for x in self.by_lit if x in low}

    def keys(self, low: str) -> set:
        """Keys all of whose literal sets are hit in `low` (casefolded text)."""
        out: set = set()
        bits: dict = {}
        single, multi = self.single, self.multi
        for x in self._found(low):
            keys = single.get(x)
            if keys is not None:
                out |= keys
            owners = multi.get(x)
            if owners is not None:
                for key, bit in owners:
                    bits[key] = bits.get(key, 0) | bit
        if bits:
            full = self.full
            out.update(k for k, b in bits.items() if b == full[k])
        return out

    def any(self, low: str) -> bool:
        """Whether some key's literal sets are all hit; stops at the first such key."""
        if self._auto is None:
            return bool(self.keys(low))
        need, by_lit = self.need, self.by_lit
        hit: dict = {}
        for _end, x in self._auto.iter(low):
            for key, i in by_lit[x]:
                got = hit.get(key)
                if got is None:
                    got = hit[key] = set()
                got.add(i)
                if len(got) == need[key]:
                    return True
        return False
