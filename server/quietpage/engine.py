"""`clean()`: the pure function at the centre. parse → detect → prune → extract → scrub → sanitize → result."""
from __future__ import annotations

import html as htmllib
import math
from urllib.parse import urlsplit

import lxml.etree
import regex

from . import blocks as blk
from . import anchor, classnames, detect, language, metadata, parse, prune, rules, scrub, sanitize
from .errors import NotHTML, QuietpageError
from .extract import extract, prepare
from .options import Options
from .result import Result, Signal
from .textnorm import nfc

WORDS_PER_MINUTE = 230
MIN_HIDDEN_WORDS = 6  # hidden gate text counts as a sentence, not as a button
_EVIDENCE = {"meter", "paywall", "login", "pricing", "plan-benefits", "support", "newsletter", "consent",
             "placeholder"}
_NAMED = lxml.etree.XPath("/html/body/descendant::*[@class or @id]")  # ~40% sooner than //body//*[...]
_ENDS_CUT = regex.compile(r"(?:…|\.\.\.|\[…\]|\[\.\.\.\])\s*$")


def _options(options, kw) -> Options:
    opts = Options.from_dict(options) if not isinstance(options, Options) else options
    if kw:
        import dataclasses
        merged = {k: getattr(opts, k) for k in (f.name for f in dataclasses.fields(Options))}
        merged.update(kw)
        opts = Options.from_dict({k: (list(v) if isinstance(v, (tuple, frozenset)) else v) for k, v in merged.items()})
    return opts


def clean(html: str | bytes | None = None, *, text: str | None = None, url: str | None = None,
          options: Options | dict | None = None, **kw) -> Result:
    """Turn a page (or scraped text) into clean reader-mode content with a paywall verdict.

    Raises only `QuietpageError` subclasses (EmptyInput, NotHTML, InputTooLarge, RuleError,
    OptionsError); anything else escaping is a bug."""
    opts = _options(options, kw)
    ruleset = rules.load(tuple(opts.rule_files))
    if url is not None and not isinstance(url, str):
        raise NotHTML("url must be a string")
    url = (url or "").strip()[:4096] or None
    if url is not None:
        try:
            urlsplit(url).hostname  # noqa: B018 - raises on what no stage could read ("http://[::1")
        except ValueError as e:
            raise NotHTML(f"url is not a valid URL: {e}") from None
    if text is not None:
        if html is not None:
            raise NotHTML("pass html or text, not both")
        return _clean_text(text, url, opts, ruleset)
    try:
        return _clean_html(html, url, opts, ruleset)
    except QuietpageError:
        raise
    except RecursionError:
        raise NotHTML("page is nested too deeply to process") from None


def _finish(res: Result, kept: list[blk.Block], signals: list[Signal], opts: Options,
            protected_words: int = -1) -> Result:
    res.text = blk.to_text(kept)
    # the blocks' own counts: joined by blank lines, no word spans two blocks
    res.word_count = sum(b.words for b in kept)
    res.reading_time_minutes = math.ceil(res.word_count / WORDS_PER_MINUTE) if res.word_count else 0
    last = kept[-1].text if kept else ""
    seen, unique = set(), []
    for sg in signals:  # the same gate line can be seen in the article and in the page scan
        if (sg.source, sg.rule, sg.detail) not in seen:
            seen.add((sg.source, sg.rule, sg.detail))
            unique.append(sg)
    res.paywall = detect.verdict(unique, res.word_count, bool(_ENDS_CUT.search(last)), protected_words)
    return res


def _text_signals(blocks: list[blk.Block], source: str = "text") -> list[Signal]:
    return [Signal(source, r.id, r.signal, b.text[:160]) for r, b in scrub.text_signals(blocks)]


def _clean_text(text: str, url, opts: Options, ruleset) -> Result:
    if not isinstance(text, str):
        if isinstance(text, (bytes, bytearray)):
            text, _ = parse.decode(bytes(text))
        else:
            raise NotHTML(f"text must be a string, not {type(text).__name__}")
    if len(text) > opts.max_bytes:
        from .errors import InputTooLarge
        raise InputTooLarge(f"text is {len(text):,} characters; the limit is {opts.max_bytes:,}")
    text = nfc(parse._CONTROL.sub("", text))
    res = Result(url=url or "", input_kind="text")
    blocks = blk.from_text(text)
    langs = language.detect(b.text for b in blocks)
    kept = scrub.scrub(blocks, ruleset, opts.keep_categories, res.removed, opts.regex_timeout,
                       opts.include_removed_text, langs) if opts.scrub else blocks
    res.content_html = "\n".join(f"<p>{htmllib.escape(b.text, quote=False)}</p>" for b in kept)
    return _finish(res, kept, _text_signals(blocks), opts)


def _clean_html(html, url, opts: Options, ruleset) -> Result:
    decoded, _enc, raw = parse.to_source(html, opts.max_bytes)
    text = nfc(decoded)
    if text != decoded:
        raw = None  # NFC changed the text: the bytes are no longer it
    doc = parse.parse(text, raw)
    res = Result(url=url or "", input_kind="html")
    lds = metadata.json_ld(doc)
    # detect (markup) before anything is removed
    metas = metadata.meta_index(doc)
    signals, selectors = detect.markup_signals(doc, lds, ruleset, opts.keep_categories, metas, text, raw)
    res.__dict__.update(metadata.collect(doc, lds, url, metas=metas))
    hidden = prepare(doc)
    protected = detect.protected_nodes(doc, selectors) if selectors else set()
    pruned_blocks = []
    if opts.prune and "related" not in opts.keep_categories:
        anchor.anchor(doc, [metas.get("og:title", ""), doc.findtext(".//title") or ""], res.removed,
                      opts.include_removed_text)
    # one pass over the elements with a class or id, for prune's rules and readability's unlikely test
    hits, unlikely = classnames.classify(_NAMED(doc),
                                         ruleset.token_index(opts.keep_categories))
    if opts.prune:
        gone = prune.prune(doc, ruleset, opts.keep_categories, protected, res.removed, opts.include_removed_text,
                           hits)
        # gate text in pruned boxes still evidences the paywall's kind (share bars and credits don't)
        pruned_blocks = [b for el, cat in gone if cat in _EVIDENCE for b in blk.from_tree(el)]
    # gate text that readability will leave out still tells the paywall's kind: keep short blocks
    page_blocks = blk.short_blocks(doc.find("body"), index=ruleset.signal_index)
    # a gate's modal waits hidden until a script shows it: its sentences (not its buttons: site-wide login
    # modals hide those too) are evidence, which a page that declares itself free overrules
    hidden_blocks = [b for b in blk.short_blocks(hidden, index=ruleset.signal_index) if b.words >= MIN_HIDDEN_WORDS]
    hidden_words = sum(_words(n) for n in protected) if selectors else -1
    prose = _prose_words(doc)

    def rebuild(pruned: bool = True):
        d = parse.parse(text)
        prepare(d)
        if pruned and opts.prune:
            keep_nodes = detect.protected_nodes(d, selectors) if selectors else set()
            prune.prune(d, ruleset, opts.keep_categories, keep_nodes, [], False)
        return d

    article = extract(doc, url, reparse=rebuild, unlikely=unlikely)
    if opts.prune and _looks_lost(article, prose):
        # readability's scoring is relative: pruning can tip it onto the wrong node. Retry unpruned.
        retry = extract(rebuild(False), url, reparse=lambda: rebuild(False))
        if _words(retry) > _words(article):
            article = retry
            res.removed = [r for r in res.removed if r.stage != "prune"]
    if article is None:
        res.paywall = detect.verdict(signals, 0, False)
        return res
    blocks = blk.from_tree(article)
    langs = language.detect((b.text for b in blocks), res.lang)
    scrub.match(pruned_blocks + page_blocks + hidden_blocks, ruleset, frozenset(), opts.regex_timeout,
                signals_only=True, langs=langs)
    if opts.scrub:
        kept = scrub.scrub(blocks, ruleset, opts.keep_categories, res.removed, opts.regex_timeout,
                           opts.include_removed_text, langs, res.title, res.byline, url)
        keep_ids = {id(b) for b in kept}
        if len(kept) < len(blocks):
            for b in blocks:
                if id(b) not in keep_ids:
                    blk.remove(b)
            blk.drop_empty(article)
    else:
        kept = blocks
    res.content_html = sanitize.sanitize(article, url)
    return _finish(res, kept, signals + _text_signals(pruned_blocks + page_blocks + blocks)
                   + _text_signals(hidden_blocks, "hidden"), opts, hidden_words)


def _words(el) -> int:
    return len(el.text_content().split()) if el is not None else 0


def _prose_words(doc) -> int:
    """Words in paragraphs: what a good extraction should mostly recover."""
    return sum(len((p.text_content() or "").split()) for p in doc.iter("p"))


def _looks_lost(article, prose: int) -> bool:
    return prose > 300 and _words(article) < 0.2 * prose
