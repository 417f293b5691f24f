"""Cheap prefilter for text rules, read from each pattern once: sets of literal strings such that any text it
can match contains one literal of every set (per alternative of its alternations: `alternatives`), and for an
anchored pattern the characters a match can begin with (`first_chars`). A rule is not run on a block that misses
them. Conservative: whatever the analysis cannot prove (regex-module syntax, classes, optional parts) adds no
requirement. `LiteralIndex` answers "which rules could match this text" for all rules in one pass."""
from __future__ import annotations

try:  # Python 3.11+
    import re._parser as sre_parse
    from re._constants import (ASSERT, ASSERT_NOT, AT, AT_BEGINNING, AT_BEGINNING_STRING, BRANCH, CATEGORY,
                               CATEGORY_DIGIT, CATEGORY_SPACE, CATEGORY_WORD, IN, LITERAL, MAX_REPEAT, MIN_REPEAT,
                               RANGE, SUBPATTERN)
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse
    from sre_constants import (ASSERT, ASSERT_NOT, AT, AT_BEGINNING, AT_BEGINNING_STRING, BRANCH, CATEGORY,
                               CATEGORY_DIGIT, CATEGORY_SPACE, CATEGORY_WORD, IN, LITERAL, MAX_REPEAT, MIN_REPEAT,
                               RANGE, SUBPATTERN)

import re
from bisect import bisect_right

import regex

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


def _selective(lits) -> tuple:
    """Sort key: the longest shortest literal first; ties by the literals (the same choice every run,
    whatever the string hashing)."""
    return -_strength(lits), sorted(lits)


def _conj(items) -> list[frozenset]:
    """Sets of literals that must ALL be matched (one literal of each set) by any text the sequence
    matches: every literal run and every required part contributes its own set."""
    return _dnf(items, 1)[0]


def _symbol_class(items) -> frozenset | None:
    """A character class made only of listed symbols ([»›→], [€$£]): one of them must be there."""
    chars = set()
    for op, av in items:
        if op is not LITERAL or chr(av) not in SYMBOLS:
            return None
        chars.add(chr(av))
    return frozenset(chars) or None


def _read(pattern: str, analyse):
    """`analyse` of the pattern's parse, or None where the pattern or the analysis defeats it."""
    items = _parse(pattern)
    if items is None:
        return None
    try:
        return analyse(items)
    except Exception:
        return None


def _best(sets, most: int, fold: bool = True) -> tuple | None:
    """The `most` most selective literal sets, each sorted short to long; None if there is none."""
    uniq = {frozenset(x.casefold() if fold else x for x in s) for s in sets or () if s}
    if not uniq:
        return None
    return tuple(tuple(sorted(s, key=lambda x: (len(x), x))) for s in sorted(uniq, key=_selective)[:most])


def requirements(pattern: str, most: int = 3, fold: bool = True) -> tuple[tuple[str, ...], ...] | None:
    """Up to `most` literal sets, each of which must be hit for the pattern to match; None if none.
    Casefolded, or with `fold=False` as the pattern writes them."""
    return _best(_read(pattern, _conj), most, fold)


def _dnf(items, budget: int) -> list[list[frozenset]]:
    """Alternatives, each a list of literal sets that must all be hit: an alternation is spread out
    ("(subscribe|register) to read" is "subscribe…read" or "register…read") while there are at most
    `budget` alternatives; past that its branches pool their most selective sets into one."""
    alts: list[list[frozenset]] = [[]]
    run: list[str] = []

    def flush():
        if len(run) >= MIN_LEN or (run and all(c in SYMBOLS for c in run)):
            lit = frozenset({"".join(run)})
            for a in alts:
                a.append(lit)
        run.clear()

    def spread(options: list[list[frozenset]], pooled):
        nonlocal alts
        if len(alts) * len(options) <= budget:
            alts = [a + o for a in alts for o in options]
        else:
            for a in alts:
                a.extend(pooled())

    for op, av in items:
        if op is LITERAL:
            run.append(chr(av))
            continue
        flush()
        if op is IN:
            chars = _symbol_class(av)
            if chars:
                for a in alts:
                    a.append(chars)
        elif op is SUBPATTERN or op is ASSERT:
            # a positive lookahead or lookbehind matches text too: "(?=.*\\bin your inbox\\b)" needs its words
            sub = av[-1] if op is SUBPATTERN else av[1]
            spread(_dnf(sub, budget), lambda sub=sub: _conj(sub))
        elif op in (MAX_REPEAT, MIN_REPEAT):
            lo, _hi, sub = av
            if lo >= 1:
                need = _conj(sub)
                for a in alts:
                    a.extend(need)
        elif op is BRANCH:
            options = [o for b in av[1] for o in _dnf(b, budget)]
            if len(alts) * len(options) > budget:
                options = [_conj(b) for b in av[1]]  # each branch as one alternative

            def pooled(branches=av[1]):
                # one of the branches matched: each branch's most selective set, pooled
                per = [_conj(b) for b in branches]
                return [frozenset().union(*(min(p, key=_selective) for p in per))] if all(per) else []
            spread(options, pooled)
    flush()
    return alts


def alternatives(pattern: str, most: int = 3, budget: int = 16) -> tuple | None:
    """`requirements` per alternative: a text can match only if it hits every set of one alternative.
    Casefolded. None if some alternative needs nothing."""
    alts = _read(pattern, lambda items: _dnf(items, budget))
    if alts is None:
        return None
    out = []
    for a in alts:
        cnf = _best(a, most)
        if cnf is None:
            return None
        if cnf not in out:
            out.append(cnf)
    return tuple(out)


_CLASS_KEYS = {CATEGORY_DIGIT: "\\d", CATEGORY_WORD: "\\w"}  # stand-ins: `lead_keys` adds them to a text's
_STAND_INS = frozenset(_CLASS_KEYS.values())
_DIGIT, _WORD = regex.compile(r"\d"), regex.compile(r"\w")  # the rules' own engine decides what they take


def lead_keys(text: str) -> frozenset:
    """What `first_chars` sets are compared with: the text's first character, its case variants, and the
    stand-ins of the classes it belongs to."""
    c = text[:1]
    keys = _cased(c)
    if c and _WORD.match(c):
        keys.add("\\w")
        if _DIGIT.match(c):
            keys.add("\\d")
    return frozenset(keys)


def _cased(chars) -> set:
    """A character and its case variants (a case-free pattern matches any of them)."""
    return {v for c in chars for v in (c, c.lower(), c.upper(), c.casefold()[:1])}


def first_chars(pattern: str) -> frozenset | None:
    """For a pattern anchored at the start (every branch begins with ^): the characters a text it matches
    can begin with, case variants included. The text rules' blocks are squashed (no leading space), so a
    rule whose words have no literals to index ("Ad", "OK", "X") is still skipped for most blocks by one
    set lookup. None when it cannot tell (unanchored, a class such as \\d or ., or a possibly empty match)."""
    found = _read(pattern, _anchored)
    if not found:
        return None
    return frozenset(_cased(c for c in found if c not in _STAND_INS) | (found & _STAND_INS))


def _anchored(items) -> set | None:
    if len(items) == 1 and items[0][0] is BRANCH:
        parts = [_anchored(b) for b in items[0][1][1]]
        return None if any(p is None for p in parts) else set().union(*parts)
    if len(items) == 1 and items[0][0] is SUBPATTERN:
        return _anchored(items[0][1][-1])
    if items and items[0][0] is AT and items[0][1] in (AT_BEGINNING, AT_BEGINNING_STRING):
        chars, nullable = _first(items[1:])
        return None if chars is None or nullable else chars
    return None


def _first(items) -> tuple[set | None, bool]:
    """(characters a match of the sequence can begin with, whether it can match nothing)."""
    out: set = set()
    for op, av in items:
        if op is LITERAL:
            return out | {chr(av)}, False
        if op is IN:
            chars = set()
            for kind, v in av:
                if kind is LITERAL:
                    chars.add(chr(v))
                elif kind is RANGE and v[1] - v[0] <= 256:
                    chars.update(map(chr, range(v[0], v[1] + 1)))
                elif kind is CATEGORY and v in _CLASS_KEYS:
                    chars.add(_CLASS_KEYS[v])
                elif not (kind is CATEGORY and v is CATEGORY_SPACE):  # blocks never begin with a space
                    return None, False
            return out | chars, False
        if op is AT or op is ASSERT or op is ASSERT_NOT:
            continue  # takes no character
        if op is SUBPATTERN or op is BRANCH or op is MAX_REPEAT or op is MIN_REPEAT:
            if op is SUBPATTERN:
                parts, lo = [av[-1]], 1
            elif op is BRANCH:
                parts, lo = av[1], 1
            else:
                parts, lo = [av[2]], av[0]
            nullable = lo == 0
            for part in parts:
                chars, empty = _first(part)
                if chars is None:
                    return None, False
                out |= chars
                nullable = nullable or empty
            if not nullable:
                return out, False
            continue
        return None, False  # any character, a category, a back reference: cannot tell
    return out, True


class Scanner:
    """Finds literals in a text: Aho-Corasick (a DFA), one automaton that several indexes share, so the
    one table stays in the processor's cache between the page's many short texts."""

    def __init__(self, lits):
        self.lits: list[str] = sorted(set(lits))
        self.ids = {x: j for j, x in enumerate(self.lits)}
        self._auto = None
        try:
            import ahocorasick_rs as ac
        except ImportError:  # pragma: no cover - the dependency is declared; this keeps odd installs working
            return
        if self.lits:
            self._auto = ac.AhoCorasick(self.lits, implementation=ac.Implementation.DFA)

    def hits(self, low: str):
        """(literal id, start, end) of every literal in `low`, overlaps included."""
        if self._auto is not None:
            return self._auto.find_matches_as_indexes(low, overlapping=True)
        out = []
        for j, x in enumerate(self.lits):
            i = low.find(x)
            while i >= 0:
                out.append((j, i, i + len(x)))
                i = low.find(x, i + 1)
        return out


def all_literals(alts_by_key: dict) -> set:
    return {x for alts in alts_by_key.values() for reqs in alts for lits in reqs for x in lits}


class LiteralIndex:
    """Which keys (rules) a text could match, in one pass over it. A key has one or more alternatives (see
    `alternatives`); it is possible when every literal set of one of them is hit.

    A `Scanner` finds the literals. Each alternative owns a field of bits in one integer, a bit per
    literal set, with a zero guard bit above it: a text's hits OR their bits in, and adding a one at the
    bottom of every field carries into the guard bit of exactly the complete alternatives."""

    def __init__(self, alts_by_key: dict, scanner: Scanner | None = None):
        self.scanner = scanner if scanner is not None else Scanner(all_literals(alts_by_key))
        ids = self.scanner.ids
        masks = [0] * len(ids)
        self.owner: dict[int, object] = {}  # guard bit -> key
        low = guard = 0
        at = 0
        for key, alts in alts_by_key.items():
            for reqs in alts:
                low |= 1 << at
                for i, lits in enumerate(reqs):
                    for x in lits:
                        masks[ids[x]] |= 1 << (at + i)
                at += len(reqs)
                guard |= 1 << at
                self.owner[at] = key
                at += 1
        self.masks, self._low, self._guard = masks, low, guard
        self._hits = self.scanner.hits

    def _mask(self, low: str) -> int:
        masks, m = self.masks, 0
        for j, _start, _end in self._hits(low):
            m |= masks[j]
        return m

    def keys(self, low: str) -> set:
        """Keys one of whose alternatives has all its literal sets hit in `low` (casefolded text)."""
        done = (self._mask(low) + self._low) & self._guard
        out = set()
        while done:
            bit = done & -done
            out.add(self.owner[bit.bit_length() - 1])
            done ^= bit
        return out

    def any(self, low: str) -> bool:
        """Whether some alternative's literal sets are all hit."""
        return bool((self._mask(low) + self._low) & self._guard)

    def possible(self, lows: list[str]) -> list[int]:
        """The positions of the texts `any` accepts, in one pass over them all (joined by NUL, which no
        literal holds)."""
        starts, at = [], 0
        for low in lows:
            starts.append(at)
            at += len(low) + 1
        per: dict[int, int] = {}
        masks = self.masks
        for j, start, _end in self._hits("\x00".join(lows)):
            k = bisect_right(starts, start) - 1
            per[k] = per.get(k, 0) | masks[j]
        low, guard = self._low, self._guard
        return sorted(k for k, m in per.items() if (m + low) & guard)
