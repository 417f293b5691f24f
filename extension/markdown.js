/* Quietpage: the reader's article DOM as Markdown (CommonMark plus GFM tables and strikethrough).
 * Defines the global `QuietpageMarkdown` with htmlToMarkdown(element, {skip}) -> string.
 */
(function (root) {
  "use strict";

  const BLOCK = new Set(["ADDRESS", "ARTICLE", "ASIDE", "BLOCKQUOTE", "DETAILS", "DIV", "DL", "DD", "DT",
    "FIELDSET", "FIGCAPTION", "FIGURE", "FOOTER", "H1", "H2", "H3", "H4", "H5", "H6", "HEADER", "HR",
    "LI", "MAIN", "NAV", "OL", "P", "PRE", "SECTION", "TABLE", "UL", "SUMMARY", "CAPTION", "TR", "TD", "TH",
    "THEAD", "TBODY", "TFOOT"]);
  const SKIP = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "BUTTON", "INPUT", "SELECT", "TEXTAREA", "IFRAME", "OBJECT", "SVG", "svg"]);

  function escapeText(s) {
    // Only what would change the meaning: intraword underscores (snake_case) stay as they are.
    return s.replace(/[\\`*[\]]/g, "\\$&")
      .replace(/(^|\W)_|_(?!\w)/g, (m) => m.replace("_", "\\_"))
      .replace(/<(?=[A-Za-z\/!?])/g, "\\<");
  }

  function escapeLineStart(line) {
    // Text that would read as a heading, list item, quote or rule at the start of a line.
    return line
      .replace(/^(\s*)([#>+-])(?=\s|$)/, "$1\\$2")
      .replace(/^(\s*)(\d+)([.)])(?=\s)/, "$1$2\\$3");
  }

  function collapse(s) {
    return s.replace(/[ \t\r\n\f]+/g, " ");
  }

  function absolute(url) {
    if (!url) return "";
    try { return new URL(url, root.document ? root.document.baseURI : undefined).href; } catch (e) { return url; }
  }

  function linkTarget(url) {
    const u = absolute(url);
    return /[\s()<>]/.test(u) ? "<" + u.replace(/[<>]/g, encodeURIComponent) + ">" : u;
  }

  function hasBlockChild(el) {
    for (let c = el.firstElementChild; c; c = c.nextElementSibling) {
      if (BLOCK.has(c.tagName) || hasBlockChild(c)) return true;
    }
    return false;
  }

  function makeConverter(opts) {
    const skip = opts && opts.skip ? opts.skip : () => false;
    const plainText = !!(opts && opts.plain);
    const esc = plainText ? (s) => s : escapeText;

    /** Inline content of a node as one Markdown line (no newlines except hard breaks). */
    function inline(node) {
      let out = "";
      for (let c = node.firstChild; c; c = c.nextSibling) out += inlineNode(c);
      return out;
    }

    function inlineNode(n) {
      if (n.nodeType === 3) return esc(collapse(n.nodeValue));
      if (n.nodeType !== 1 || SKIP.has(n.tagName) || skip(n)) return "";
      const tag = n.tagName;
      if (plainText) {
        if (tag === "BR") return "\n";
        if (tag === "IMG") return "";
        if (BLOCK.has(tag)) return " " + inline(n) + " ";
        return inline(n);
      }
      switch (tag) {
        case "BR": return "  \n";
        case "STRONG": case "B": return wrap(inline(n), "**");
        case "EM": case "I": case "CITE": case "DFN": return wrap(inline(n), "*");
        case "DEL": case "S": case "STRIKE": return wrap(inline(n), "~~");
        case "CODE": case "KBD": case "SAMP": case "TT": {
          const t = n.textContent.replace(/\n/g, " ");
          if (!t) return "";
          const ticks = (t.match(/`+/g) || []).reduce((m, s) => Math.max(m, s.length), 0);
          const fence = "`".repeat(ticks + 1);
          const pad = t.startsWith("`") || t.endsWith("`") ? " " : "";
          return fence + pad + t + pad + fence;
        }
        case "A": {
          const text = inline(n).trim();
          const href = n.getAttribute("href");
          if (!href || href.startsWith("#") || /^javascript:/i.test(href)) return text;
          if (!text) return "";
          return "[" + text + "](" + linkTarget(href) + ")";
        }
        case "IMG": return image(n);
        case "SUP": return "^" + inline(n);
        case "SUB": return "~" + inline(n);
        case "Q": return "“" + inline(n) + "”";
        default:
          if (BLOCK.has(tag)) return " " + inline(n) + " ";
          return inline(n);
      }
    }

    function wrap(s, m) {
      const t = s.trim();
      if (!t) return s;
      const lead = s.match(/^\s*/)[0];
      const trail = s.match(/\s*$/)[0];
      return lead + m + t + m + trail;
    }

    /** The largest candidate of a srcset ("a.jpg 320w, b.jpg 650w" -> b.jpg). */
    function largestCandidate(srcset) {
      let best = null;
      let bestW = -1;
      for (const part of String(srcset || "").split(/,\s+/)) {
        const [url, desc] = part.trim().split(/\s+/, 2);
        if (!url) continue;
        const w = desc ? parseFloat(desc) * (desc.endsWith("x") ? 1000 : 1) : 0;
        if (w > bestW) { best = url; bestW = w; }
      }
      return best;
    }

    function image(n) {
      // a loaded picture's own choice first; else the largest srcset entry (lazy pages often put a
      // placeholder in src and the real picture in srcset); else src
      const src = n.currentSrc || largestCandidate(n.getAttribute("srcset")) || n.getAttribute("src");
      if (!src || src.startsWith("data:")) return "";
      const alt = (n.getAttribute("alt") || "").replace(/\s+/g, " ").trim().replace(/[[\]\\]/g, "\\$&");
      const title = n.getAttribute("title");
      return "![" + alt + "](" + linkTarget(src) + (title ? ' "' + title.replace(/"/g, "'") + '"' : "") + ")";
    }

    function cleanLine(s) {
      if (plainText) return s.split("\n").map((l) => l.trim()).join("\n").trim();
      return s.split("\n").map((l) => escapeLineStart(l.replace(/^ +/, "").replace(/ +$/, (m) => (m.length >= 2 ? "  " : "")))).join("\n").trim();
    }

    /** Block-level Markdown: an array of blocks, joined by blank lines. */
    function blocks(node) {
      const out = [];
      let pending = "";
      const flush = () => {
        const t = cleanLine(pending);
        if (t) out.push(t);
        pending = "";
      };
      for (let c = node.firstChild; c; c = c.nextSibling) {
        if (c.nodeType === 3) { pending += esc(collapse(c.nodeValue)); continue; }
        if (c.nodeType !== 1 || SKIP.has(c.tagName) || skip(c)) continue;
        if (!BLOCK.has(c.tagName) && !hasBlockChild(c)) { pending += inlineNode(c); continue; }
        flush();
        const b = block(c);
        if (b) out.push(b);
      }
      flush();
      return out;
    }

    function block(el) {
      const tag = el.tagName;
      switch (tag) {
        case "H1": case "H2": case "H3": case "H4": case "H5": case "H6": {
          const t = collapse(inline(el)).trim();
          if (plainText) return t;
          return t ? "#".repeat(Number(tag[1])) + " " + t : "";
        }
        case "P": case "SUMMARY": case "DT": case "CAPTION":
          return cleanLine(inline(el));
        case "HR": return "---";
        case "PRE": {
          if (plainText) return el.textContent.replace(/\n+$/, "");
          const code = el.querySelector("code");
          const cls = ((code && code.className) || el.className || "");
          const m = cls.match(/(?:language|lang)-([\w+#.-]+)/);
          const text = el.textContent.replace(/\n$/, "");
          const ticks = (text.match(/`{3,}/g) || []).reduce((a, s) => Math.max(a, s.length), 2);
          const fence = "`".repeat(ticks + 1);
          return fence + (m ? m[1] : "") + "\n" + text + "\n" + fence;
        }
        case "BLOCKQUOTE": {
          const inner = blocks(el).join("\n\n");
          if (plainText) return inner;
          return inner ? inner.split("\n").map((l) => (l ? "> " + l : ">")).join("\n") : "";
        }
        case "UL": case "OL": return list(el);
        case "TABLE": return table(el);
        case "FIGURE": {
          const parts = [];
          for (let c = el.firstChild; c; c = c.nextSibling) {
            if (c.nodeType !== 1 || skip(c)) continue;
            if (c.tagName === "FIGCAPTION") {
              const cap = cleanLine(inline(c));
              if (cap) parts.push(plainText ? cap : "*" + cap.replace(/\*/g, "\\*") + "*");
            } else if (c.tagName === "IMG") {
              const im = plainText ? "" : image(c);
              if (im) parts.push(im);
            } else {
              const b = BLOCK.has(c.tagName) || hasBlockChild(c) ? block(c) : cleanLine(inlineNode(c));
              if (b) parts.push(b);
            }
          }
          return parts.join("\n\n");
        }
        case "DD": {
          const inner = blocks(el).join("\n\n");
          if (plainText) return inner.split("\n").map((l) => "    " + l).join("\n");
          return inner ? inner.split("\n").map((l) => ": " + l).join("\n") : "";
        }
        default:
          return blocks(el).join("\n\n");
      }
    }

    function list(el) {
      const ordered = el.tagName === "OL";
      let n = ordered ? parseInt(el.getAttribute("start") || "1", 10) || 1 : 0;
      const items = [];
      for (let li = el.firstElementChild; li; li = li.nextElementSibling) {
        if (li.tagName !== "LI" || skip(li)) continue;
        const marker = ordered ? (n++) + ". " : (plainText ? "• " : "- ");
        const indent = " ".repeat(marker.length);
        // a "tight" item (text and perhaps a nested list, no paragraphs) stays on consecutive lines
        const tight = !li.querySelector(":scope > p, :scope > blockquote, :scope > pre, :scope > table, :scope > figure, :scope > div > p");
        const body = blocks(li).join(tight ? "\n" : "\n\n") || "";
        const lines = body.split("\n");
        items.push(marker + lines[0] + (lines.length > 1 ? "\n" + lines.slice(1).map((l) => (l ? indent + l : "")).join("\n") : ""));
      }
      const loose = items.some((s) => s.includes("\n\n"));
      return items.join(loose ? "\n\n" : "\n");
    }

    function table(el) {
      const rows = [];
      for (const tr of el.querySelectorAll("tr")) {
        if (tr.closest("table") !== el || skip(tr)) continue;
        const cells = [];
        for (let c = tr.firstElementChild; c; c = c.nextElementSibling) {
          if (c.tagName !== "TD" && c.tagName !== "TH") continue;
          const t = plainText ? collapse(inline(c)).trim() : collapse(inline(c)).trim().replace(/\|/g, "\\|");
          cells.push(t);
          const span = parseInt(c.getAttribute("colspan") || "1", 10);
          for (let i = 1; i < span && i < 50; i++) cells.push("");
        }
        if (cells.length) rows.push({ cells: cells, head: tr.parentElement.tagName === "THEAD" || [...tr.children].every((c) => c.tagName === "TH") });
      }
      if (!rows.length) return "";
      if (plainText) {
        const capText = el.querySelector("caption") ? cleanLine(inline(el.querySelector("caption"))) + "\n" : "";
        return capText + rows.map((r) => r.cells.join("\t")).join("\n");
      }
      const width = Math.max(...rows.map((r) => r.cells.length));
      const pad = (cells) => cells.concat(Array(width - cells.length).fill(""));
      const lines = [];
      let bodyRows = rows;
      let header;
      if (rows[0].head) { header = pad(rows[0].cells); bodyRows = rows.slice(1); } else { header = Array(width).fill(""); }
      lines.push("| " + header.join(" | ") + " |");
      lines.push("|" + Array(width).fill(" --- ").join("|") + "|");
      for (const r of bodyRows) lines.push("| " + pad(r.cells).join(" | ") + " |");
      const cap = el.querySelector("caption");
      return (cap ? "*" + cleanLine(inline(cap)) + "*\n\n" : "") + lines.join("\n");
    }

    return { blocks: blocks };
  }

  function htmlToMarkdown(el, opts) {
    const conv = makeConverter(opts);
    return conv.blocks(el).join("\n\n").replace(/\n{3,}/g, "\n\n").trim() + "\n";
  }

  /** The same walk as plain text: blank lines between blocks, tab-separated table cells, code as is. */
  function htmlToText(el, opts) {
    const conv = makeConverter(Object.assign({}, opts || {}, { plain: true }));
    return conv.blocks(el).join("\n\n").replace(/\n{3,}/g, "\n\n").trim() + "\n";
  }

  root.QuietpageMarkdown = Object.freeze({ htmlToMarkdown: htmlToMarkdown, htmlToText: htmlToText });
})(globalThis);
