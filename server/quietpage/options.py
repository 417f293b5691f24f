"""Options for one `clean()` call: plain data, so the API and CLI can build them from JSON."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .errors import OptionsError

CATEGORIES = (
    "meter", "paywall", "login", "pricing", "plan-benefits", "placeholder", "newsletter",
    "social", "support", "ad", "consent", "related", "legal",
    "metadata",  # title, byline, dateline and duplicate blocks the reader view already shows
)


@dataclass(frozen=True)
class Options:
    rule_files: tuple[str, ...] = ()        # extra user rule files (TOML), added to the built-in ones
    keep_categories: frozenset[str] = frozenset()  # categories the user wants to keep (e.g. newsletter)
    max_bytes: int = 16 * 1024 * 1024       # larger input raises InputTooLarge
    max_depth: int = 256                    # deeper nesting is cut by the parser (libxml2's own limit)
    regex_timeout: float = 0.05             # seconds per rule match; a timed-out rule counts as no match
    prune: bool = True                      # DOM rules before extraction
    scrub: bool = True                      # text rules after extraction
    include_removed_text: bool = True       # removals carry their text (off for lean batch output)

    @classmethod
    def from_dict(cls, data: dict | None) -> "Options":
        """Build from JSON-like data; unknown keys and wrong types are an OptionsError, not a crash."""
        if data is None:
            return cls()
        if isinstance(data, Options):
            return data
        if not isinstance(data, dict):
            raise OptionsError("options must be an object")
        names = {f.name: f for f in dataclasses.fields(cls)}
        kw = {}
        for k, v in data.items():
            if k not in names:
                raise OptionsError(f"unknown option {k!r}; known: {', '.join(sorted(names))}")
            if k == "rule_files":
                if not isinstance(v, (list, tuple)) or not all(isinstance(x, str) for x in v):
                    raise OptionsError("rule_files must be a list of paths")
                v = tuple(v)
            elif k == "keep_categories":
                if not isinstance(v, (list, tuple, set, frozenset)) or not all(isinstance(x, str) for x in v):
                    raise OptionsError("keep_categories must be a list of category names")
                bad = [x for x in v if x not in CATEGORIES and x != "repeated"]
                if bad:
                    raise OptionsError(f"unknown categories {bad}; known: {', '.join(CATEGORIES)}")
                v = frozenset(v)
            elif k in ("max_bytes", "max_depth"):
                if isinstance(v, float) and v.is_integer():
                    v = int(v)  # JSON has one number type: 6603.0 is a whole number
                if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
                    raise OptionsError(f"{k} must be a positive integer")
            elif k == "regex_timeout":
                if not isinstance(v, (int, float)) or isinstance(v, bool) or not 0 < v <= 5:
                    raise OptionsError("regex_timeout must be a number of seconds in (0, 5]")
            elif not isinstance(v, bool):
                raise OptionsError(f"{k} must be true or false")
            kw[k] = v
        return cls(**kw)
