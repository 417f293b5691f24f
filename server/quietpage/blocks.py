"""Blocks: the units the text rules judge. From an extracted tree (leaf block elements) or from plain
text (non-blank lines)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .textnorm import fold, squash, word_count

BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption", "dt", "dd",
              "div", "section", "article", "td", "th", "caption", "address", "header", "footer", "aside",
              "figure", "ul", "ol", "dl", "table", "tr", "tbody", "thead", "main", "nav", "form", "details",
              "summary", "center", "fieldset", "legend", "hr", "br"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass
class Block:
    text: str
    tag: str = "p"
    element: object = None
    link_density: float = 0.0
    folded: str = ""
    words: int = 0
    hits: list = field(default_factory=list)   # rules that flag this block

    def __post_init__(self):
        self.folded = fold(self.text)
        self.words = word_count(self.text)


def _is_leaf(el) -> bool:
    for d in el.iterdescendants():
        if isinstance(d.tag, str) and d.tag in BLOCK_TAGS and d.tag not in ("br", "hr"):
            return False
    return True


def from_tree(root) -> list[Block]:
    """Leaf block elements in document order; a container's loose text becomes a block of its own."""
    out = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag not in BLOCK_TAGS or el.tag in ("br", "hr"):
            continue
        if _is_leaf(el):
            text = squash(el.text_content())
            if text:
                links = sum(len(squash(a.text_content())) for a in el.iter("a"))
                out.append(Block(text, el.tag, el, min(1.0, links / max(1, len(text)))))
        else:
            loose = squash(" ".join([el.text or ""] + [c.tail or "" for c in el if isinstance(c.tag, str)
                                                        and c.tag in BLOCK_TAGS]))
            if loose and word_count(loose) > 0:
                out.append(Block(loose, "#text", el, 0.0))
    return out


def from_text(text: str) -> list[Block]:
    return [Block(squash(line), "p") for line in text.splitlines() if line.strip()]


def to_text(blocks: list[Block]) -> str:
    return "\n\n".join(b.text for b in blocks)
