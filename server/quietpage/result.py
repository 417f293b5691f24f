"""The result of `clean()`: what every shell (API, CLI, extension, batch) shows."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Signal:
    source: str        # "json-ld", "vendor", "meta", "text", "hidden" (gate text in a hidden node), "structure"
    rule: str          # rule id or field name
    kind: str          # the paywall kind it evidences: metered | hard | registration | any | free
    detail: str = ""


@dataclass
class Paywall:
    detected: bool = False
    kind: str = "none"         # none | metered | hard | registration
    truncated: bool = False
    signals: list[Signal] = field(default_factory=list)


@dataclass
class Removal:
    rule: str
    category: str
    stage: str                 # "prune" (DOM, before extraction) or "scrub" (text, after)
    text: str


@dataclass
class Result:
    title: str = ""
    byline: str = ""
    published: str = ""
    site_name: str = ""
    lang: str = ""
    dir: str = "ltr"
    lead_image: str = ""
    url: str = ""
    excerpt: str = ""
    content_html: str = ""
    text: str = ""
    word_count: int = 0
    reading_time_minutes: int = 0
    paywall: Paywall = field(default_factory=Paywall)
    removed: list[Removal] = field(default_factory=list)
    input_kind: str = "html"   # html | text

    def to_dict(self) -> dict:
        return asdict(self)
