"""Blocks: the units the text rules judge. From an extracted tree (leaf block elements) or from plain
text (non-blank lines)."""
from __future__ import annotations

from dataclasses import InitVar, dataclass, field

import re

import lxml.etree

from .textnorm import fold, punct_fold, squash, word_count

_CYRILLIC = re.compile("[\u0370-\u04ff]")  # look-alike letters: let the full fold decide

BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption", "dt", "dd",
              "div", "section", "article", "td", "th", "caption", "address", "header", "footer", "aside",
              "figure", "ul", "ol", "dl", "table", "tr", "tbody", "thead", "main", "nav", "form", "details",
              "summary", "center", "fieldset", "legend", "hr", "br"}
_BUTTONS = {"a", "button"}
_MEDIA = {"iframe", "video", "audio", "object", "embed", "picture", "svg", "canvas"}
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
    segments: list = field(default_factory=list, repr=False)  # where its text lives in the tree
    squashed: InitVar[bool] = False  # the text is already squash()ed: fold skips that

    def __post_init__(self, squashed: bool):
        self.folded = fold(self.text, squashed)
        self.words = word_count(self.text)


class _Flow:
    """Collects inline text into blocks while walking the tree in document order."""

    def __init__(self):
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.segs: list[tuple] = []
        self.links = 0
        self.owner = None

    def add(self, text: str | None, seg: tuple) -> None:
        if text:
            if seg[0] == "elem" and self.parts:
                last = self.parts[-1]
                prev = self.segs[-1] if self.segs else None
                buttons = seg[1].tag in _BUTTONS or (prev is not None and prev[0] == "elem"
                                                     and prev[1].tag in _BUTTONS)
                # "caption.</span><span>© Credit" and "<a>Subscribe</a><a>Log in</a>": separate words
                if last and not last[-1].isspace() and not text[0].isspace() and (
                        (buttons and last[-1].isalnum() and text[0].isalnum())
                        or (not last[-1].isalnum() and last[-1] not in "([{'\"/-")):
                    self.parts.append(" ")
            self.parts.append(text)
        self.segs.append(seg)

    def flush(self) -> None:
        raw = "".join(self.parts)
        text = squash(raw)
        if text and self.owner is not None and self.owner.tag == "pre":
            text = raw.strip("\n").rstrip()  # code keeps its lines and indentation
        if text and self.owner is not None:
            b = Block(text, self.owner.tag, self.owner, min(1.0, self.links / max(1, len(text))),
                      squashed=self.owner.tag != "pre")
            b.segments = self.segs
            self.blocks.append(b)
        self.parts, self.segs, self.links = [], [], 0


def _walk(el, flow: _Flow) -> None:
    tag = el.tag if isinstance(el.tag, str) else None
    if tag is None:
        return
    if tag in _MEDIA:
        flow.add(None, ("elem", el))  # fallback text of players ("VIDEO") is not article text
        return
    if tag in BLOCK_TAGS:
        flow.flush()
        if tag == "br" or tag == "hr":
            return
        saved = flow.owner
        flow.owner = el
        flow.add(el.text, ("text", el))
        for c in el:
            _walk(c, flow)
            if isinstance(c.tag, str) and c.tag in BLOCK_TAGS:
                flow.owner = el
            flow.add(c.tail, ("tail", c))
        flow.flush()
        flow.owner = saved
    else:
        text = el.text_content() if tag != "img" else ""
        if not len(el):  # a leaf (most inline elements): no blocks or breaks inside, a link only itself
            if tag == "a":
                flow.links += len(squash(text))
            flow.add(text, ("elem", el))
            return
        if any(isinstance(d.tag, str) and d.tag in BLOCK_TAGS and d.tag not in ("br", "hr")
               for d in el.iterdescendants()):
            # inline element wrapping blocks (an <a> around a <div>): walk it like a container
            flow.add(el.text, ("text", el))
            for c in el:
                _walk(c, flow)
                flow.add(c.tail, ("tail", c))
            return
        flow.links += sum(len(squash(a.text_content() or "")) for a in el.iter("a"))
        if "br" in {d.tag for d in el.iterdescendants()}:
            flow.add(el.text, ("text", el))
            for c in el:
                _walk(c, flow)
                flow.add(c.tail, ("tail", c))
            return
        flow.add(text, ("elem", el))


def from_tree(root) -> list[Block]:
    """Blocks in document order: runs of inline content between block boundaries (and <br>)."""
    flow = _Flow()
    _walk(root, flow)
    flow.flush()
    return flow.blocks


def remove(block: Block) -> None:
    """Take a block's text out of the tree, leaving its neighbours alone."""
    for kind, el in block.segments:
        if kind == "text":
            el.text = None
        elif kind == "tail":
            el.tail = None
    for kind, el in block.segments:
        if kind == "elem" and el.getparent() is not None:
            el.tail = None
            el.getparent().remove(el)


# the parents of non-blank text nodes: the elements with text of their own, in document order (libxml2
# answers this form sooner than descendant-or-self::*[text()[normalize-space()]])
_WITH_TEXT = lxml.etree.XPath("descendant::text()[normalize-space()]/..")


def _low(s: str) -> str:
    """What the literal index reads: punctuation folded, case-free, whitespace collapsed."""
    return " ".join(punct_fold(s).casefold().split())


def short_blocks(body, max_words: int = 40, index=None) -> list[Block]:
    """Short texts anywhere on the page, or under each of a list of elements (gate prompts, meters, buttons),
    without walking it in Python: libxml2 finds the elements that hold text of their own, and each small
    one becomes one block. With an `index`, only texts that hold the literals of some rule become blocks;
    the short texts are folded for it in one go (joined by NUL, which no text holds and no fold touches)."""
    if body is None:
        return []
    limit = max_words * 12
    # elements with text of their own (or after a child): the page's lines; of several roots, in one go
    els = _WITH_TEXT(body) if not isinstance(body, list) else [el for root in body for el in _WITH_TEXT(root)]
    texts = [el.text_content() for el in els]
    lows = None
    if index is not None:
        # a long text is left out of the join ("" stands in): it is only a block if squashing shortens it
        joined = "\x00".join(t if len(t) <= limit else "" for t in texts)
        lows = [low.strip(" ") for low in _low(joined).split("\x00")]
        cyrillic = _CYRILLIC.search(joined) is not None
    out = []
    if lows is not None:
        # the rules see folded text: same apostrophes and spaces, compared case-free. A long text left out
        # of the join, or one with look-alike letters (the full fold decides), is read on its own.
        todo = set(index.possible(lows))
        for k, text in enumerate(texts):
            if len(text) > limit or (cyrillic and _CYRILLIC.search(text)):
                todo.add(k)
        order = sorted(todo)
    else:
        order = range(len(texts))
    for k in order:
        text = texts[k]
        if len(text) > limit:
            if len(squash(text)) > limit:
                continue  # a short text node in a long element (a lead-in before the article's paragraphs)
            if lows is not None and not index.any(_low(text)):
                continue
        text = squash(text)
        if text and len(text) <= limit:
            el = els[k]
            b = Block(text, el.tag, el, squashed=True)
            if b.words <= max_words:
                out.append(b)
    return out


EMPTY_CONTAINERS = ("ul", "ol", "dl", "div", "section", "li", "p", "blockquote", "figure", "span", "a", "strong",
                    "b", "em", "i", "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "aside")


_KEPT_EMPTY = ("img", "iframe", "video", "picture")  # media keep their box


def drop_empty(root, tags=EMPTY_CONTAINERS) -> None:
    """Elements left without text or media by a removal go too (empty lists, empty paragraphs)."""
    for el in list(root.iter(*tags)):
        if el is root or el.getparent() is None:
            continue
        if not (el.text_content() or "").strip() and next(el.iterdescendants(*_KEPT_EMPTY), None) is None:
            el.drop_tree()


def from_text(text: str) -> list[Block]:
    return [Block(squash(line), "p", squashed=True) for line in text.splitlines() if line.strip()]


def to_text(blocks: list[Block]) -> str:
    return "\n\n".join(b.text for b in blocks)
