"""readability-lxml on our already decoded, parsed and pruned tree.

Stock `Document` re-decodes the input and runs lxml_html_clean's Cleaner on every parse (about half of
its time); we hand it a tree and do only what its scoring needs: hidden nodes, scripts and styles out.
It mutates the tree and re-parses on its lenient retry, so the retry gets a pristine copy."""
from __future__ import annotations

import bisect
import copy
import re
import logging

import lxml.etree
import lxml.html
import functools

from readability import Document
from readability import readability as _rd
from readability.readability import REGEXES, Unparseable

from .parse import _PARSER

logging.getLogger("readability.readability").setLevel(logging.CRITICAL)

_STRIP_TAGS = {"script", "style", "noscript", "template", "link", "svg", "object", "embed", "iframe"}
_STRIP_ALWAYS = tuple(sorted(_STRIP_TAGS - {"template", "iframe"}))  # a template's text is evidence; a player stays
# nodes hidden by attribute or by style, found by their attributes: libxml2 answers `/descendant::*/@x | …`
# in a third of the time of `//*[@x or @y]` (and a tenth sooner than `//@x`, which visits text nodes too)
_HIDDEN = lxml.etree.XPath("/descendant::*/@hidden | /descendant::*/@aria-hidden | /descendant::*/@style")


_EMBEDS = ("twitter-tweet", "instagram-media", "tiktok-embed", "bluesky-embed", "mastodon-embed")  # blockquote classes


def prepare(doc) -> list:
    """Remove what no reader shows: hidden nodes, scripts, styles, templates. Embedded posts (a quoted
    tweet) are article content: their vendor class names read like share widgets to readability and to
    our DOM rules, so they lose them. Returns the hidden nodes (not scripts and styles): a gate's modal
    waits hidden until the page's script shows it, and its text still tells the paywall's kind."""
    for el in [b for b in doc.iter("blockquote") if any(e in (b.get("class") or "") for e in _EMBEDS)]:
        el.set("class", "embedded-post")
        # wrappers that hold nothing but the post ("social-media-embed") become a plain <figure>: no
        # furniture name, and not a <div> that readability's link-density clean-up would drop
        own = len(el.text_content())
        parent = el.getparent()
        while parent is not None and parent.tag in ("div", "section", "figure", "span", "aside") \
                and len(parent.text_content()) <= own + 40:
            for attr in ("class", "id"):
                parent.attrib.pop(attr, None)
            parent.tag = "figure"
            parent = parent.getparent()
    # libxml2 removes the tags no reader shows (keeping their tails, as drop_tree does) without a Python
    # proxy per node: pages carry hundreds of <script>, <link> and <svg> nodes
    lxml.etree.strip_elements(doc, *_STRIP_ALWAYS, with_tail=False)
    dn = REGEXES["displayNoneRe"]
    hidden = []
    last = None
    for el in list(doc.iter("iframe", "template")) + [a.getparent() for a in _HIDDEN(doc)]:
        if el is last or el.getparent() is None:
            continue  # an element with two of the attributes is listed twice in a row
        last = el
        tag = el.tag
        if tag == "template" or (tag == "iframe" and el.get("src") is None) or el.get("hidden") is not None \
                or (el.get("aria-hidden") == "true" and el.find(".//img") is None) \
                or dn.search(el.get("style") or ""):
            el.drop_tree()
            if tag not in _STRIP_TAGS or tag == "template":
                hidden.append(el)
    return hidden


_BLOCKISH = ("blockquote", "dl", "div", "img", "ol", "p", "pre", "table", "ul")  # readability's divToPElementsRe
_INLINE = {"a", "b", "cite", "code", "em", "font", "i", "small", "span", "strong", "sub", "sup", "u"}


def _has_blockish(el) -> bool:
    """What readability learns by serialising a subtree and searching it for `<p`, `<div`...: whether
    any descendant's tag starts with one of those names. Walking the tree answers it without the string."""
    for d in el.iterdescendants():
        t = d.tag
        if isinstance(t, str) and t.lower().startswith(_BLOCKISH):
            return True
    return False


# readability's `\s{255,}` and `\s*\n\s*`, anchored at the start of a whitespace run: a match can only
# start there (it runs to the run's end), and retrying inside long runs of indentation was quadratic
_LONG_WS = re.compile(r"(?<!\s)\s{255,}")
_NEWLINE = re.compile(r"(?<!\s)[^\S\n]*+\n\s*")
_TABS = re.compile(r"\t|[ \t]{2,}")


def _clean(text: str) -> str:
    """readability's `clean`: the same three substitutions, each skipped when its pattern cannot match
    (too short for a 255-space run, no newline, no tab or double space)."""
    if len(text) >= 255:
        text = _LONG_WS.sub(" " * 255, text)
    if "\n" in text:
        text = _NEWLINE.sub("\n", text)
    if "\t" in text or "  " in text:
        text = _TABS.sub(" ", text)
    return text.strip()


# from a tab or a no-break space (any whitespace but a space or a newline) to the next newline or letter
_ODD_RUN = re.compile(r"[^\S \n][^\S\n]*")


def _clean_len(text: str) -> int:
    """len(_clean(text)) without building it. `_clean` works on each whitespace run alone (and strips the
    ends): a run of spaces, or any run with a newline, becomes one character, which is what split/join
    does. Only a run without a newline that holds a tab or a no-break space may stay longer ("\t " becomes
    two spaces, "\xa0\xa0" stays): those few are cleaned one by one. A third of big containers hold such
    characters (mostly in indentation after a newline), and cleaning their whole text cost twice as much."""
    n = len(" ".join(text.split()))
    if not n:
        return 0
    end = len(text)
    m = _ODD_RUN.search(text)
    while m is not None:
        a, b = m.span()
        while a and text[a - 1] == " ":
            a -= 1
        if a and b < end and not text[a - 1].isspace() and not text[b].isspace():
            n += len(_clean_run(text[a:b])) - 1
        m = _ODD_RUN.search(text, b)
    return n


def _clean_run(run: str) -> str:
    """`_clean`'s substitutions on one inner whitespace run."""
    if len(run) >= 255:
        return " "  # 255 spaces, then one
    if "\n" in run:
        return "\n"
    return _TABS.sub(" ", run)


def _text_length(el) -> int:
    return _clean_len(el.text_content() or "")


def _link_weight(a) -> float:
    """A link's text length; Readability.js weighs a link within the page (a footnote mark, a table of
    contents entry) 0.3."""
    href = a.get("href") or ""
    return _text_length(a) * (0.3 if href.startswith("#") and len(href) > 1 else 1)


@functools.lru_cache(maxsize=4096)
def _feature_weight(feature: str) -> int:
    w = 0
    if REGEXES["negativeRe"].search(feature):
        w -= 25
    if REGEXES["positiveRe"].search(feature):
        w += 25
    return w


def _word_automaton():
    """Both of readability's patterns are plain alternations of lower-case words (case-free): one
    Aho-Corasick pass over a lowered name finds them 4x faster than the two case-insensitive regexes."""
    import ahocorasick_rs as ac
    bits: dict[str, int] = {}
    for bit, key in ((1, "unlikelyCandidatesRe"), (2, "okMaybeItsACandidateRe")):
        words = REGEXES[key].pattern.split("|")
        assert all(re.fullmatch(r"[a-z-]+", w) for w in words), key  # a new readability release may change them
        for w in words:
            bits[w] = bits.get(w, 0) | bit
    words = list(bits)
    return ac.AhoCorasick(words, implementation=ac.Implementation.DFA), [bits[w] for w in words]


_UNLIKELY_WORDS, _UNLIKELY_BITS = _word_automaton()


def _unlikely(names: str) -> bool:
    """readability's unlikely-candidate test on "class id": an unlikely word and no ok-maybe word. Neither
    pattern holds a space, so one Aho-Corasick pass over the lowered string finds what testing each name
    would (and needs no cache to be quick on names it has not seen)."""
    bits = 0
    for j in _UNLIKELY_WORDS.find_matches_as_indexes(names.lower(), overlapping=True):
        bits |= _UNLIKELY_BITS[j[0]]
    return bits == 1


_UNLIKELY_SEEN: dict[tuple, bool] = {}


def unlikely_names(cls: str | None, ident: str | None) -> bool:
    """readability's unlikely-candidate test on an element's class and id (asked twice a page for each
    listed element: by classnames, then again by readability on the names the element has by then)."""
    got = _UNLIKELY_SEEN.get((cls, ident))
    if got is None:
        got = unlikely_each([(cls, ident)])[0]
    return got


def unlikely_each(pairs: list[tuple]) -> list[bool]:
    """`unlikely_names` of many (class, id) pairs: those not seen before are lowered, joined by newlines
    (no word of either pattern holds one) and searched in one Aho-Corasick pass."""
    seen = _UNLIKELY_SEEN
    if len(seen) > 1 << 16:
        seen.clear()  # before the lookup: every pair asked for must be in the table after
    todo = list(dict.fromkeys(p for p in pairs if p not in seen))
    if todo:
        texts = ["{} {}".format(c or "", i or "").lower() for c, i in todo]  # lowered first: lower() may lengthen
        starts, at = [], 0
        for t in texts:
            starts.append(at)
            at += len(t) + 1
        bits = [0] * len(todo)
        words = _UNLIKELY_BITS
        for j, start, _end in _UNLIKELY_WORDS.find_matches_as_indexes("\n".join(texts), overlapping=True):
            k = bisect.bisect_right(starts, start) - 1
            bits[k] |= words[j]
        for p, t, b in zip(todo, texts, bits):
            seen[p] = len(t) >= 2 and b == 1
    return [seen[p] for p in pairs]


# readability's cleaners.clean_attributes, on the tree: width, height, style, *color, background*, o/on
_BAD_ATTRS = (".//@*[name()='width' or name()='height' or name()='style' or name()='o' or name()='on'"
              " or starts-with(name(), 'background')"
              " or (substring(name(), string-length(name()) - 4) = 'color'"
              "     and translate(name(), 'abcdefghijklmnopqrstuvwxyz-', '') = '')]")


_KEEP_INSIDE = ("pre", "code")             # readability: ancestor-or-self::pre | ancestor-or-self::code
_KEEP_AROUND = ("main", "article", "math")  # and descendant-or-self::main | article | math


def _is_list(el, length: int) -> bool:
    """Readability.js: a list, or a box whose text is more than 90% in lists (nested ones count again)."""
    if el.tag in ("ul", "ol"):
        return True
    if not length:
        return False
    return sum(_text_length(x) for x in el.iter("ul", "ol")) / length > 0.9


_MEDIA_TAGS = ("img", "picture", "video")
LEAD_MAX_WORDS = 80     # a caption, not a story
LEAD_LOOKBACK = 4       # a share bar, a byline and a date may stand between the lead art and the text


def _is_figure(el) -> bool:
    """A picture with at most a caption: a <figure> (or a box that holds only one) with an image, whose
    text is its <figcaption>'s, short and with few links. (A <figure> holding a standfirst or a quote is
    not lead art, and neither is a box with a breadcrumb beside the picture.)"""
    while el.tag != "figure":
        kids = [c for c in el if isinstance(c.tag, str)]
        if len(kids) != 1 or (el.text or "").strip() or (kids[0].tail or "").strip():
            return False
        el = kids[0]
    if next(el.iter(*_MEDIA_TAGS), None) is None:
        return False
    text = el.text_content()
    caption = "".join(c.text_content() for c in el.iter("figcaption"))
    if len(text.split()) > LEAD_MAX_WORDS or len(text.split()) > len(caption.split()) + 3:
        return False
    links = sum(len(a.text_content()) for a in el.iter("a"))
    return links <= 0.5 * max(1, len(text.strip()))


def _lead_figure(best):
    """The lead art (a figure with its caption) that stands just before the article's text, outside the
    container readability chose: readability only takes siblings that score like text, so the lead photo
    and its caption were lost. Looks back from the container and up to two of its ancestors, over a few
    short boxes (share bars, bylines), and stops at a headline or a paragraph."""
    node = best
    for _level in range(3):
        if node is None or node.tag in ("body", "html"):
            return None
        prev = node.getprevious()
        steps = 0
        while prev is not None and steps < LEAD_LOOKBACK:
            tag = prev.tag if isinstance(prev.tag, str) else ""
            if tag:
                if _is_figure(prev):
                    return prev
                if tag in ("h1", "p") or next(prev.iter("h1", "p"), None) is not None:
                    return None  # the headline, or text: the lead art would be above it, not ours
                if len(prev.text_content().split()) > 30:
                    return None
                steps += 1
            prev = prev.getprevious()
        node = node.getparent()
    return None


def _by_tag(node, tag_names) -> dict:
    """The descendants with these tag names, per name, in document order: one walk of the subtree."""
    found = {t: [] for t in tag_names}
    for el in node.iterdescendants(*tag_names):
        found[el.tag].append(el)
    return found


class TreeDocument(Document):
    """A `Document` that starts from a prepared tree instead of a string, with readability's two slowest
    passes rewritten to give the same result without serialising subtrees or regex-testing every node."""

    def __init__(self, tree, reparse=None, unlikely=None, **kw):
        super().__init__("", **kw)
        self._pristine = tree
        self._reparse = reparse
        self._unlikely = unlikely  # elements whose class or id read as unlikely, listed before pruning
        self._parses = 0

    def summary(self, html_partial=False, keep_all_images=False):
        """readability's loop (ruthless first, lenient when that finds too little), without its two scans of
        the whole tree per pass: scripts, styles and noscript are gone already (prepare), and the parser
        puts the one <body> under <html>, where readability marks it."""
        try:
            ruthless = True
            while True:
                self._html(True)
                body = self.html.find("body")
                if body is not None:
                    body.set("id", "readabilityBody")
                if ruthless:
                    self.remove_unlikely_candidates()
                self.transform_misused_divs_into_paragraphs()
                candidates = self.score_paragraphs()
                best = self.select_best_candidate(candidates)
                if best:
                    best = self.get_semantic_article_candidate(candidates, best)
                    best = self.get_semantic_main_candidate(candidates, best)
                if best:
                    article = self.get_article(candidates, best, html_partial=html_partial)
                elif ruthless:
                    ruthless = False
                    continue
                else:
                    article = self.html.find("body")
                    if article is None:
                        article = self.html
                cleaned = self.sanitize(article, candidates, keep_all_images)
                if ruthless and len(cleaned or "") < self.retry_length:
                    ruthless = False
                    continue
                return cleaned
        except Exception as e:
            raise Unparseable(str(e)) from e

    def tags(self, node, *tag_names):
        """readability's elements by tag name, grouped in the order of the names: one walk of the subtree,
        not one per name. (Elements are listed before the caller's loop drops any; a dropped node's
        descendants may still come up, detached, where a change to them no longer touches the tree.)"""
        found = _by_tag(node, tag_names)
        return [el for t in tag_names for el in found[t]]

    def reverse_tags(self, node, *tag_names):
        found = _by_tag(node, tag_names)
        return [el for t in tag_names for el in reversed(found[t])]

    def _parse(self, _input):
        self._parses += 1
        self.encoding = "utf-8"
        if self._parses == 1:
            return self._pristine
        # readability's lenient retry needs the tree as it was: build it again (rare; cheaper than a copy
        # on every page)
        return self._reparse() if self._reparse else copy.deepcopy(self._pristine)

    article = None

    def get_clean_html(self):
        """The article stays a tree: readability serialises it (and we parsed it back, ~0.5 ms a page).
        Its attribute clean-up runs on the tree; the returned string only has to be as long as the
        serialisation, which readability compares with `retry_length`."""
        node = self.article = self.html
        for attr in node.xpath(_BAD_ATTRS):
            parent = attr.getparent()
            if parent is not None:
                parent.attrib.pop(attr.attrname, None)
        n = len(node.text_content())
        if n >= self.retry_length:  # markup only adds to the length
            return " " * n
        return lxml.html.tostring(node, encoding=str, method="html")

    def class_weight(self, e):
        if self.positive_keywords or self.negative_keywords:
            return super().class_weight(e)
        weight = 0
        for feature in (e.get("class", None), e.get("id", None)):
            if feature:
                weight += _feature_weight(feature)
        return weight

    _link_memo = None

    def get_link_density(self, elem, length: int | None = None):
        """readability's link density; `length`: the element's text length when the caller has it."""
        # while scoring (the tree does not change) a link inside two candidates is measured once
        memo = self._link_memo if self._link_memo is not None else {}
        link_length = 0
        for a in elem.iter("a"):
            if a is not elem:
                w = memo.get(a)
                if w is None:
                    w = memo[a] = _link_weight(a)
                link_length += w
        return float(link_length) / max(_text_length(elem) if length is None else length, 1)

    def select_best_candidate(self, candidates):
        best = self._best_candidate(candidates)
        if best is None or "articleBody" in (best["elem"].get("itemprop") or "").split():
            return best
        return self._widen(candidates, best)

    def _best_candidate(self, candidates):
        """readability's choice, without formatting a debug line for each of the top five (describe() on
        every page, though the log is off): the top score, or the first articleBody with few links, or an
        <article> inside it that holds enough of its text and score."""
        if not candidates:
            return None
        ranked = sorted(candidates.values(), key=lambda x: x["content_score"], reverse=True)
        best = ranked[0]
        body = next((c for c in ranked if "articleBody" in (c["elem"].get("itemprop") or "").split()
                     and self.get_link_density(c["elem"]) <= 0.1), None)
        if body is not None:
            best = body
        inside = set(best["elem"].iterdescendants())
        nested = next((c for c in ranked if c["elem"].tag == "article" and c["elem"] in inside
                       and _text_length(c["elem"]) >= 250
                       and c["content_score"] >= best["content_score"] * 0.25), None)
        return nested if nested is not None else best

    def get_article(self, candidates, best_candidate, html_partial=False):
        """readability's, with its output moved into a document of our parser: the fragment it builds
        belongs to lxml.html's, whose element lookup is a Python call for every node of the article that
        the later stages touch (and its elements lack our fast `text_content`)."""
        lead = _lead_figure(best_candidate["elem"])
        output = super().get_article(candidates, best_candidate, html_partial)
        if lead is not None and lead.getparent() is not None and output not in set(lead.iterancestors()):
            output.insert(0, lead)
        _PARSER.makeelement("div").append(output)
        return output

    def _widen(self, candidates, best):
        """Two of Readability.js's steps from the best-scored node up to the article's container: the
        ancestor shared by three close runners-up (content split over several boxes, a table of rows),
        then a parent that scores higher still. (Its third, "an only child's parent", lost article text
        on the scrapinghub and paywall corpora: not taken.)"""
        top, score = best["elem"], best["content_score"]
        if score > 0:
            ranked = sorted(candidates.values(), key=lambda c: c["content_score"], reverse=True)[1:5]
            alts = [set(c["elem"].iterancestors()) for c in ranked if c["content_score"] / score >= 0.75]
            if len(alts) >= 3:
                parent = top.getparent()
                while parent is not None and parent.tag != "body":
                    if sum(parent in a for a in alts) >= 3:
                        top = parent
                        break
                    parent = parent.getparent()
        if top not in candidates:
            candidates[top] = self.score_node(top)
        last = candidates[top]["content_score"]
        threshold = last / 3
        parent = top.getparent()
        while parent is not None and parent.tag != "body":
            if parent not in candidates:
                parent = parent.getparent()
                continue
            parent_score = candidates[parent]["content_score"]
            if parent_score < threshold:
                break
            if parent_score > last:
                top = parent
                break
            last = parent_score
            parent = parent.getparent()
        if top not in candidates:
            candidates[top] = self.score_node(top)
        return candidates[top]

    def sanitize(self, node, candidates, keep_all_images=False):
        """readability's conditional clean-up (same tests, same order), with one change from Mozilla's
        Readability.js: a list, or a container whose text is nearly all lists, is not dropped for its
        link density alone (reference lists, footnotes, link-rich how-to steps are article text)."""
        min_len = self.min_text_length
        for header in self.tags(node, "h1", "h2", "h3", "h4", "h5", "h6"):
            if self.class_weight(header) < 0 or self.get_link_density(header) > 0.33:
                header.drop_tree()
        for elem in self.tags(node, "p"):
            if REGEXES["callToActionRe"].search(elem.text_content()) and self.get_link_density(elem) > 0.2:
                elem.drop_tree()
        for elem in self.tags(node, "form", "textarea"):
            elem.drop_tree()
        for elem in self.tags(node, "iframe"):
            if "src" in elem.attrib and _rd.is_video_url(elem.attrib["src"]):
                elem.attrib.pop("srcdoc", None)
                elem.text = "VIDEO"
            else:
                elem.drop_tree()
        allowed = self.get_preserved_elements(node)
        for el in self.reverse_tags(node, "table", "ul", "div", "aside", "header", "footer", "section"):
            if el in allowed:
                continue
            weight = self.class_weight(el)
            content_score = candidates[el]["content_score"] if el in candidates else 0
            tag = el.tag
            if weight + content_score < 0:
                el.drop_tree()
                continue
            text = el.text_content()
            if text.count(",") >= 10:
                continue
            counts = {kind: len(el.findall(".//" + kind)) for kind in ("p", "img", "li", "a", "embed", "input")}
            counts["li"] -= 100
            counts["input"] -= len(el.findall('.//input[@type="hidden"]'))
            content_length = _clean_len(text or "")
            link_density = self.get_link_density(el, content_length)
            if keep_all_images and tag == "div" and counts["img"] >= 1:
                continue
            to_remove = False
            if counts["p"] and counts["img"] > 1 + counts["p"] * 1.3:
                to_remove = True
            elif counts["li"] > counts["p"] and tag not in ("ol", "ul"):
                to_remove = True
            elif counts["input"] > (counts["p"] / 3):
                to_remove = True
            elif content_length < min_len and counts["img"] == 0:
                to_remove = True
            elif content_length < min_len and counts["img"] > 2:
                to_remove = True
            elif weight < 25 and link_density > (
                    0.25 if tag in ("ul", "section") and el.xpath("ancestor::main | ancestor::article") else 0.2):
                to_remove = not _is_list(el, content_length)
            elif weight >= 25 and link_density > 0.5:
                to_remove = True
            elif (counts["embed"] == 1 and content_length < 75) or counts["embed"] > 1:
                to_remove = True
            elif not content_length:
                to_remove = True
                # readability keeps an empty box between long neighbours (and what it holds)
                siblings = []
                for sib in el.itersiblings():
                    n = _text_length(sib)
                    if n:
                        siblings.append(n)
                        break
                for sib in el.itersiblings(preceding=True):
                    n = _text_length(sib)
                    if n:
                        siblings.append(n)
                        break
                if siblings and sum(siblings) > 1000:
                    to_remove = False
                    for desnode in self.tags(el, "table", "ul", "div", "section"):
                        allowed[desnode] = True
            if to_remove:
                el.drop_tree()
        self.html = node
        return self.get_clean_html()

    def score_paragraphs(self):
        # readability's own, with the fast `clean`
        min_len = self.min_text_length
        candidates, ordered = {}, []
        for elem in self.tags(self._html(), "p", "pre", "td", "blockquote"):
            parent_node = elem.getparent()
            if parent_node is None:
                continue
            grand_parent_node = parent_node.getparent()
            inner_text = elem.text_content() or ""
            inner_text_len = _clean_len(inner_text)  # _clean changes whitespace only: commas stay
            if inner_text_len < min_len:
                continue
            if parent_node not in candidates:
                candidates[parent_node] = self.score_node(parent_node)
                ordered.append(parent_node)
            if grand_parent_node is not None and grand_parent_node not in candidates:
                candidates[grand_parent_node] = self.score_node(grand_parent_node)
                ordered.append(grand_parent_node)
            content_score = 2 + inner_text.count(",") + min((inner_text_len / 100), 3)
            candidates[parent_node]["content_score"] += content_score
            if grand_parent_node is not None:
                candidates[grand_parent_node]["content_score"] += content_score / 2.0
        self._link_memo = {}
        try:
            for elem in ordered:
                candidates[elem]["content_score"] *= 1 - self.get_link_density(elem)
        finally:
            self._link_memo = None
        return candidates

    def remove_unlikely_candidates(self):
        # the engine's list (document order) may hold nodes pruned since: they are out of the tree, and
        # dropping inside them changes nothing in it
        listed = self._unlikely if self._parses == 1 and self._unlikely is not None else None
        # the few elements that hold a main, article or math (none of them is dropped, so the set holds)
        holders = {a for el in self.html.iter(*_KEEP_AROUND) for a in el.iterancestors()}
        for elem in listed if listed is not None else self.html.xpath(".//*[@class or @id]"):
            if not unlikely_names(elem.get("class"), elem.get("id")) or elem.tag in ("html", "body"):
                continue
            if elem.getparent() is None:
                continue
            if elem.tag in _KEEP_INSIDE or elem.tag in _KEEP_AROUND:
                continue
            if next(elem.iterancestors(*_KEEP_INSIDE), None) is not None:
                continue
            if elem not in holders:
                elem.drop_tree()

    def transform_misused_divs_into_paragraphs(self):
        for elem in self.tags(self.html, "div"):
            if not _has_blockish(elem):
                elem.tag = "p"
        for elem in self.tags(self.html, "div"):
            children = list(elem)
            paragraph = None
            if elem.text and elem.text.strip():
                p = _PARSER.makeelement("p")
                p.text = elem.text
                elem.text = None
                elem.insert(0, p)
                paragraph = p
            for child in children:
                if child.tag == "br":
                    paragraph = None
                    continue
                if child.tag not in _INLINE or _has_blockish(child):
                    paragraph = None
                    continue
                if paragraph is None:
                    paragraph = _PARSER.makeelement("p")
                    child.addprevious(paragraph)
                paragraph.append(child)
            for pos, child in reversed(list(enumerate(elem))):
                if child.tail and child.tail.strip():
                    p = _PARSER.makeelement("p")
                    p.text = child.tail
                    child.tail = None
                    elem.insert(pos + 1, p)
                if child.tag == "br":
                    child.drop_tree()


def extract(doc, url: str | None = None, reparse=None, unlikely=None) -> lxml.html.HtmlElement | None:
    """Return the article element (a <div>) or None when readability finds nothing. `reparse` builds the
    pristine tree again for readability's lenient retry; `unlikely` lists the tree's elements whose class
    or id read as unlikely candidates (in document order; see classnames), saving readability a pass."""
    rd = TreeDocument(doc, reparse=reparse, url=url, unlikely=unlikely)
    try:
        html = rd.summary(html_partial=True)
    except (Unparseable, RecursionError, ValueError, TypeError):
        return None
    node = rd.article
    if not html or node is None or not (node.text_content().strip() or len(node)):
        return None
    if node.tag in ("body", "html"):
        node.tag = "div"
    wrapper = _PARSER.makeelement("div")
    wrapper.append(node)
    return wrapper
