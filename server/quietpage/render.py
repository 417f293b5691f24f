"""Other renderings of a Result (Markdown for the CLI and for people copying an article)."""
from __future__ import annotations

import lxml.html

from .textnorm import squash


def markdown(result) -> str:
    parts = []
    if result.title:
        parts.append(f"# {result.title}")
    meta = " · ".join(x for x in (result.byline, result.site_name, result.published[:10]) if x)
    if meta:
        parts.append(f"*{meta}*")
    if result.content_html:
        root = lxml.html.fragment_fromstring(result.content_html, create_parent="div")
        parts.extend(_blocks(root))
    return "\n\n".join(parts) + "\n"


def _inline(el) -> str:
    out = [el.text or ""]
    for c in el:
        t = _inline(c)
        if c.tag in ("strong", "b"):
            t = f"**{t.strip()}**" if t.strip() else t
        elif c.tag in ("em", "i"):
            t = f"*{t.strip()}*" if t.strip() else t
        elif c.tag == "code":
            t = f"`{t}`"
        elif c.tag == "a" and c.get("href"):
            t = f"[{t.strip()}]({c.get('href')})"
        elif c.tag == "img" and c.get("src"):
            t = f"![{c.get('alt') or ''}]({c.get('src')})"
        elif c.tag == "br":
            t = "  \n"
        out.append(t)
        out.append(c.tail or "")
    return "".join(out)


def _blocks(root, depth=0):
    for el in root:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            yield "#" * int(tag[1]) + " " + squash(_inline(el))
        elif tag == "p":
            t = squash(_inline(el))
            if t:
                yield t
        elif tag in ("ul", "ol"):
            items = [li for li in el if li.tag == "li"]
            yield "\n".join(f"{'  ' * depth}{f'{i + 1}.' if tag == 'ol' else '-'} {squash(_inline(li))}"
                            for i, li in enumerate(items))
        elif tag == "pre":
            yield "```\n" + el.text_content().rstrip() + "\n```"
        elif tag == "blockquote":
            inner = list(_blocks(el, depth)) or [squash(_inline(el))]
            yield "\n".join("> " + line for b in inner for line in b.splitlines())
        elif tag == "img" and el.get("src"):
            yield f"![{el.get('alt') or ''}]({el.get('src')})"
        elif tag == "table":
            rows = [[squash(c.text_content()) for c in tr if c.tag in ("td", "th")] for tr in el.iter("tr")]
            rows = [r for r in rows if r]
            if rows:
                w = max(len(r) for r in rows)
                rows = [r + [""] * (w - len(r)) for r in rows]
                lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * w]
                lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
                yield "\n".join(lines)
        elif tag in ("div", "section", "article", "figure", "figcaption", "picture", "span", "details", "aside"):
            inner = list(_blocks(el, depth))
            if inner:
                yield from inner
            elif squash(el.text_content()):
                yield squash(_inline(el))
        elif squash(el.text_content()):
            yield squash(_inline(el))
