"""Cheap prefilter for text rules: from a pattern, the literal strings one of which must appear in any
text it can match. A rule whose literals are all absent from a block is not run on it. Conservative:
whatever the analysis cannot prove (regex-module syntax, classes, optional parts) means "always run"."""
from __future__ import annotations

try:  # Python 3.11+
    import re._parser as sre_parse
    from re._constants import (ASSERT, ASSERT_NOT, AT, BRANCH, GROUPREF, IN, LITERAL, MAX_REPEAT,
                               MIN_REPEAT, NOT_LITERAL, SUBPATTERN, ANY)
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse
    from sre_constants import (ASSERT, ASSERT_NOT, AT, BRANCH, GROUPREF, IN, LITERAL, MAX_REPEAT,
                               MIN_REPEAT, NOT_LITERAL, SUBPATTERN, ANY)

import re

MIN_LEN = 3
_UNICODE_CLASS = re.compile(r"\\[pP]\{[^}]*\}")


def _seq(items) -> set[str] | None:
    """Alternatives (any one must occur) for a sequence: the best of its literal runs and sub-parts."""
    best: set[str] | None = None
    run = []

    def consider(cands):
        nonlocal best
        if not cands:
            return
        # prefer the requirement whose weakest alternative is longest (most selective)
        if best is None or min(map(len, cands)) > min(map(len, best)):
            best = cands

    def flush():
        if len(run) >= MIN_LEN:
            consider({"".join(run)})
        run.clear()

    for op, av in items:
        if op is LITERAL:
            run.append(chr(av))
            continue
        flush()
        if op is SUBPATTERN:
            consider(_seq(av[-1]))
        elif op is BRANCH:
            alts = [_seq(b) for b in av[1]]
            if all(alts):
                consider(set().union(*alts))
        elif op in (MAX_REPEAT, MIN_REPEAT):
            lo, _hi, sub = av
            if lo >= 1:
                consider(_seq(sub))
        # AT, IN, ANY, NOT_LITERAL, ASSERT, GROUPREF...: no requirement, breaks the literal run
    flush()
    return best


def literals(pattern: str) -> tuple[str, ...] | None:
    """Casefolded literals, one of which any match contains; None when no such set can be proven."""
    # regex-module classes (\p{Lu}) are unknown to the stdlib parser: any character stands in (weaker,
    # never wrong)
    pattern = _UNICODE_CLASS.sub(".", pattern)
    try:
        parsed = sre_parse.parse(pattern)
    except Exception:
        return None
    try:
        req = _seq(list(parsed))
    except Exception:
        return None
    if not req:
        return None
    return tuple(sorted({s.casefold() for s in req}, key=len))


class LiteralIndex:
    """Which of many literals occur in a text, in one pass (Aho-Corasick; a plain loop without it)."""

    def __init__(self, lits_by_key: dict):
        self.by_lit: dict[str, set] = {}
        for key, lits in lits_by_key.items():
            for x in lits:
                self.by_lit.setdefault(x, set()).add(key)
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

    def keys(self, low: str) -> set:
        """Keys whose literals occur in `low` (casefolded text)."""
        out = set()
        if self._auto is not None:
            for _end, x in self._auto.iter(low):
                out |= self.by_lit[x]
        else:
            for x, ks in self.by_lit.items():
                if x in low:
                    out |= ks
        return out

    def any(self, low: str) -> bool:
        if self._auto is not None:
            for _ in self._auto.iter(low):
                return True
            return False
        return any(x in low for x in self.by_lit)
