/* Quietpage reader page: shows one cleaned article (reader.html?id=...) or a clear failure state.
 *
 * The article HTML comes from the service already sanitized (nh3 allowlist). It is parsed here with
 * DOMParser (an inert document: nothing runs, nothing loads) and copied over through a second,
 * stricter allowlist before anything is attached, and the page's CSP allows scripts from the
 * extension only.
 */
(function () {
  "use strict";

  const QP = globalThis.Quietpage;
  const api = QP.api;
  const MD = globalThis.QuietpageMarkdown;
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const jobId = params.get("id") || "";

  let prefs = QP.clampReader(null);
  let currentJob = null;
  let rendered = false;
  let watchdog = null;

  /* ------------------------------------------------------------------ settings */

  function applyPrefs(p) {
    prefs = QP.clampReader(p);
    const root = document.documentElement;
    root.dataset.theme = prefs.theme;
    root.dataset.font = prefs.font;
    root.dataset.width = prefs.width;
    root.style.setProperty("--qp-size", prefs.fontSize + "px");
    $("qp-size-value").textContent = prefs.fontSize + " px";
    for (const b of document.querySelectorAll("[data-theme-choice]")) b.setAttribute("aria-pressed", String(b.dataset.themeChoice === prefs.theme));
    for (const b of document.querySelectorAll("[data-font-choice]")) b.setAttribute("aria-pressed", String(b.dataset.fontChoice === prefs.font));
    for (const b of document.querySelectorAll("[data-width-choice]")) b.setAttribute("aria-pressed", String(b.dataset.widthChoice === prefs.width));
    const i = QP.FONT_SIZES.indexOf(prefs.fontSize);
    $("qp-size-down").disabled = i <= 0;
    $("qp-size-up").disabled = i >= QP.FONT_SIZES.length - 1;
  }

  async function changePrefs(patch) {
    applyPrefs(Object.assign({}, prefs, patch));   // at once; storage follows (and syncs other tabs)
    await QP.setReaderPrefs(patch);
  }

  function wireSettings() {
    const panel = $("qp-settings");
    const toggle = $("qp-settings-toggle");
    toggle.addEventListener("click", () => {
      const open = panel.hidden;
      panel.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
    });
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && !panel.hidden) { panel.hidden = true; toggle.setAttribute("aria-expanded", "false"); toggle.focus(); }
    });
    for (const b of document.querySelectorAll("[data-theme-choice]")) b.addEventListener("click", () => changePrefs({ theme: b.dataset.themeChoice }));
    for (const b of document.querySelectorAll("[data-font-choice]")) b.addEventListener("click", () => changePrefs({ font: b.dataset.fontChoice }));
    for (const b of document.querySelectorAll("[data-width-choice]")) b.addEventListener("click", () => changePrefs({ width: b.dataset.widthChoice }));
    const step = (d) => {
      const sizes = QP.FONT_SIZES;
      const i = Math.max(0, Math.min(sizes.length - 1, sizes.indexOf(prefs.fontSize) + d));
      changePrefs({ fontSize: sizes[i] });
    };
    $("qp-size-down").addEventListener("click", () => step(-1));
    $("qp-size-up").addEventListener("click", () => step(1));
    $("qp-options-link").href = api.runtime.getURL("options.html");
    $("qp-state-options").href = api.runtime.getURL("options.html");
  }

  /* ------------------------------------------------------------------ states */

  function setText(el, s) { el.textContent = s == null ? "" : String(s); }

  /** Text with `code` spans, built as DOM nodes (never parsed as HTML). */
  function richText(el, s) {
    el.textContent = "";
    String(s).split(/(`[^`]+`)/).forEach((part) => {
      if (/^`[^`]+`$/.test(part)) {
        const c = document.createElement("code");
        c.textContent = part.slice(1, -1);
        el.appendChild(c);
      } else if (part) {
        el.appendChild(document.createTextNode(part));
      }
    });
  }

  function setOriginalLinks(url) {
    const ok = /^https?:\/\//i.test(url || "");
    for (const id of ["qp-open-original", "qp-state-original", "qp-foot-original"]) {
      const a = $(id);
      if (ok) { a.href = url; a.hidden = false; } else { a.removeAttribute("href"); a.hidden = id !== "qp-foot-original"; }
    }
  }

  function showLoading(job) {
    hideArticleActions();
    rendered = false;
    delete document.body.dataset.ready;
    const st = $("qp-state");
    st.hidden = false;
    st.dataset.state = "loading";
    $("qp-article").hidden = true;
    setText($("qp-state-title"), "Cleaning up the page…");
    setText($("qp-state-body"), "The Quietpage service on this computer is extracting the article.");
    setText($("qp-state-url"), job && (job.title || job.url) || "");
    setText($("qp-state-code"), "");
    $("qp-retry").hidden = true;
    $("qp-state-options").hidden = true;
    document.title = "Cleaning… · Quietpage";
    armWatchdog();
  }

  async function armWatchdog() {
    clearTimeout(watchdog);
    const s = await QP.getSettings();
    watchdog = setTimeout(() => {
      if (currentJob && currentJob.status === "pending") {
        showError({ code: "timeout", seconds: s.timeoutSeconds, service: s.serviceUrl }, currentJob);
      }
    }, (s.timeoutSeconds + 10) * 1000);
  }

  function hideArticleActions() {
    for (const id of ["qp-copy-md", "qp-copy-text", "qp-print"]) { $(id).disabled = true; $(id).hidden = true; }
  }

  function showError(error, job) {
    clearTimeout(watchdog);
    hideArticleActions();
    rendered = false;
    delete document.body.dataset.ready;
    const d = QP.describeError(error);
    const st = $("qp-state");
    st.hidden = false;
    st.dataset.state = "error";
    st.dataset.code = error.code || "error";
    $("qp-article").hidden = true;
    setText($("qp-state-title"), d.title);
    richText($("qp-state-body"), d.body);
    setText($("qp-state-url"), job && job.url ? job.url : "");
    const techs = [];
    if (error.status) techs.push("HTTP " + error.status);
    if (error.serviceCode) techs.push("code " + error.serviceCode);
    else if (error.code) techs.push("code " + error.code);
    setText($("qp-state-code"), techs.join(" · "));
    const retryable = !["cannot_read_page", "no_article", "not_html", "empty_input", "too_large", "expired"].includes(error.code);
    $("qp-retry").hidden = !retryable || !jobId;
    $("qp-state-options").hidden = !["service_down", "unauthorized", "forbidden", "timeout", "bad_response"].includes(error.code);
    setOriginalLinks(job && job.url);
    document.title = d.title + " · Quietpage";
  }

  /* ------------------------------------------------------------------ sanitizing */

  const DROP = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "IFRAME", "FRAME", "FRAMESET", "OBJECT", "EMBED",
    "APPLET", "FORM", "INPUT", "BUTTON", "SELECT", "TEXTAREA", "OPTION", "LINK", "META", "BASE", "SVG", "MATH",
    "VIDEO", "AUDIO", "CANVAS", "DIALOG", "PORTAL", "HEAD", "TITLE"]);
  const ALLOW = new Set(["A", "ABBR", "ADDRESS", "ARTICLE", "ASIDE", "B", "BDI", "BDO", "BLOCKQUOTE", "BR", "CAPTION",
    "CENTER", "CITE", "CODE", "COL", "COLGROUP", "DD", "DEL", "DETAILS", "DFN", "DIV", "DL", "DT", "EM", "FIGCAPTION",
    "FIGURE", "FOOTER", "H1", "H2", "H3", "H4", "H5", "H6", "HEADER", "HR", "I", "IMG", "INS", "KBD", "LI", "MAIN",
    "MARK", "NAV", "OL", "P", "PICTURE", "PRE", "Q", "RP", "RT", "RUBY", "S", "SAMP", "SECTION", "SMALL", "SOURCE",
    "SPAN", "STRIKE", "STRONG", "SUB", "SUMMARY", "SUP", "TABLE", "TBODY", "TD", "TFOOT", "TH", "THEAD", "TIME", "TR",
    "TT", "U", "UL", "VAR", "WBR"]);
  const ATTRS = {
    "*": ["dir", "lang", "title"],
    A: ["href"],
    IMG: ["src", "srcset", "sizes", "alt", "width", "height"],
    SOURCE: ["srcset", "sizes", "media", "type"],
    TD: ["colspan", "rowspan", "headers"],
    TH: ["colspan", "rowspan", "headers", "scope", "abbr"],
    COL: ["span"], COLGROUP: ["span"],
    OL: ["start", "reversed", "type"],
    LI: ["value"],
    BLOCKQUOTE: ["cite"], Q: ["cite"],
    TIME: ["datetime"],
    DETAILS: ["open"],
    ABBR: ["title"],
  };

  function safeUrl(raw, base, kind) {
    if (raw == null) return null;
    const s = String(raw).trim();
    if (!s) return null;
    if (kind === "img" && /^data:image\/(png|gif|jpe?g|webp|avif);/i.test(s)) return s;
    let u;
    try { u = new URL(s, base || undefined); } catch (e) { return null; }
    if (u.protocol === "http:" || u.protocol === "https:") return u.href;
    if (kind === "link" && u.protocol === "mailto:") return u.href;
    return null;
  }

  function safeSrcset(raw, base) {
    const out = [];
    for (const part of String(raw || "").split(/,\s+/)) {
      const [url, desc] = part.trim().split(/\s+/, 2);
      const u = safeUrl(url, base, "img");
      if (u && !u.startsWith("data:")) out.push(desc && /^\d+(\.\d+)?[wx]$/.test(desc) ? u + " " + desc : u);
    }
    return out.join(", ");
  }

  /** Copy `src` (inert DOMParser nodes) into `dest` keeping only allowlisted tags and attributes. */
  function copyClean(src, dest, base, pageUrl) {
    for (let n = src.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3) { dest.appendChild(document.createTextNode(n.nodeValue)); continue; }
      if (n.nodeType !== 1) continue;
      const tag = n.tagName.toUpperCase();
      if (DROP.has(tag)) continue;
      if (!ALLOW.has(tag)) { copyClean(n, dest, base, pageUrl); continue; }   // unwrap unknown tags
      const el = document.createElement(tag.toLowerCase());
      const allowed = (ATTRS["*"]).concat(ATTRS[tag] || []);
      for (const a of Array.from(n.attributes)) {
        const name = a.name.toLowerCase();
        if (!allowed.includes(name)) continue;
        let v = a.value;
        if (name === "href") {
          if (v.trim().startsWith("#")) { v = "#qp-c-" + v.trim().slice(1); }
          else {
            v = safeUrl(v, base, "link");
            if (v && pageUrl && v.split("#")[0] === pageUrl.split("#")[0] && v.includes("#")) v = "#qp-c-" + v.split("#")[1];
          }
        } else if (name === "src") v = safeUrl(v, base, "img");
        else if (name === "srcset") v = safeSrcset(v, base);
        else if (name === "dir") v = /^(ltr|rtl|auto)$/i.test(v) ? v.toLowerCase() : null;
        if (v == null || v === "") continue;
        el.setAttribute(name, v);
      }
      const origId = n.getAttribute("id") || n.getAttribute("name");
      if (origId && /^[\w:.-]{1,100}$/.test(origId)) el.id = "qp-c-" + origId;   // keeps footnote links working
      if ((tag === "CODE" || tag === "PRE") && /\b(?:language|lang)-[\w+#.-]+/.test(n.className || "")) {
        el.className = (n.className.match(/\b(?:language|lang)-[\w+#.-]+/) || [""])[0];
      }
      if (tag === "A") {
        const href = el.getAttribute("href");
        if (href && !href.startsWith("#")) { el.target = "_blank"; el.rel = "noopener noreferrer"; }
      }
      if (tag === "IMG") {
        if (!el.getAttribute("src") && !el.getAttribute("srcset")) continue;
        el.referrerPolicy = "no-referrer";
        el.decoding = "async";
        el.loading = "lazy";
        el.addEventListener("error", () => el.classList.add("qp-broken"), { once: true });
      }
      copyClean(n, el, base, pageUrl);
      if (tag === "TABLE") {
        const wrap = document.createElement("div");
        wrap.className = "qp-table-wrap";
        wrap.appendChild(el);
        dest.appendChild(wrap);
      } else {
        dest.appendChild(el);
      }
    }
  }

  /* ------------------------------------------------------------------ article */

  const KIND_LABEL = { metered: "Metered paywall", hard: "Hard paywall", registration: "Registration wall" };

  function siteName(r) {
    if (r.site_name) return r.site_name;
    try { return new URL(r.url).hostname.replace(/^www\./, ""); } catch (e) { return ""; }
  }

  /** The publication date as the publisher wrote it (an ISO date keeps its own day, whatever our time zone). */
  function formatDate(s, lang) {
    if (!s) return "";
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
    const d = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : new Date(s);
    if (isNaN(d.getTime())) return s;
    const opts = m ? { dateStyle: "long", timeZone: "UTC" } : { dateStyle: "long" };
    try {
      return new Intl.DateTimeFormat(lang || undefined, opts).format(d);
    } catch (e) {
      return new Intl.DateTimeFormat(undefined, opts).format(d);
    }
  }

  function renderArticle(job) {
    clearTimeout(watchdog);
    const r = job.result;
    const art = $("qp-article");
    const dir = r.dir === "rtl" ? "rtl" : (r.dir === "ltr" ? "ltr" : "auto");
    const head = $("qp-head");
    const content = $("qp-content");
    for (const el of [head, content]) {
      el.dir = dir;
      if (r.lang && /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(r.lang)) el.lang = r.lang.replace("_", "-");
    }
    art.dataset.dir = dir;

    setText($("qp-title"), r.title || job.title || "Untitled");
    setText($("qp-site"), siteName(r));
    const date = formatDate(r.published, r.lang);
    setText($("qp-date"), date);
    if (r.published) $("qp-date").setAttribute("datetime", r.published);
    $("qp-date-sep").hidden = !(date && siteName(r));
    setText($("qp-byline"), r.byline || "");
    const mins = r.reading_time_minutes || 0;
    setText($("qp-reading-time"), mins ? mins + " min read · " + (r.word_count || 0).toLocaleString() + " words" : "");
    $("qp-byline-sep").hidden = !(r.byline && mins);

    content.textContent = "";
    const base = r.url || job.url || "";
    const doc = new DOMParser().parseFromString(r.content_html || "", "text/html");
    copyClean(doc.body, content, base, base);
    foldHeader(content, r);
    addLeadImage(content, r, base);

    renderBanner(r);
    buildInlineRemoved(content, r.removed || [], job.pageText || "");

    setOriginalLinks(base);
    document.title = (r.title || job.title || "Article") + " · Quietpage";
    $("qp-state").hidden = true;
    art.hidden = false;
    for (const id of ["qp-copy-md", "qp-copy-text", "qp-print"]) { $(id).disabled = false; $(id).hidden = false; }
    rendered = true;
    document.body.dataset.ready = "true";
  }

  function plain(s) { return String(s || "").toLowerCase().replace(/\s+/g, " ").replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, ""); }

  /** True for the article's own copy of the title or byline (the header shows them already). */
  function isHeaderEcho(text, r) {
    const s = plain(text);
    if (!s) return false;
    if (r.title && s === plain(r.title)) return true;
    return !!r.byline && (s === plain(r.byline) || s === plain("by " + r.byline) || s === plain("von " + r.byline));
  }

  /** Drops leading headings/paragraphs that repeat the title or byline shown in the header. */
  function foldHeader(content, r) {
    for (const el of Array.from(content.querySelectorAll("h1, h2, h3, p")).slice(0, 3)) {
      if (!isHeaderEcho(el.textContent, r)) break;
      el.remove();
    }
  }

  function addLeadImage(content, r, base) {
    const lead = safeUrl(r.lead_image, base, "img");
    if (!lead || lead.startsWith("data:")) return;
    const norm = (u) => u.replace(/^https?:/, "").split("?")[0];
    for (const img of content.querySelectorAll("img")) {
      if (norm(img.getAttribute("src") || "") === norm(lead)) return;
    }
    if (content.querySelector("img")) return;    // the article has its own pictures: don't add a hero
    const fig = document.createElement("figure");
    fig.className = "qp-lead";
    const img = document.createElement("img");
    img.src = lead;
    img.alt = "";
    img.referrerPolicy = "no-referrer";
    img.addEventListener("error", () => fig.remove(), { once: true });
    fig.appendChild(img);
    content.insertBefore(fig, content.firstChild);
  }

  function renderBanner(r) {
    const pw = r.paywall || {};
    const removed = Array.isArray(r.removed) ? r.removed : [];
    const banner = $("qp-banner");
    if (!pw.detected && !removed.length) { banner.hidden = true; return; }
    banner.hidden = false;
    banner.dataset.kind = pw.detected ? (pw.kind || "unknown") : "none";
    const text = $("qp-banner-text");
    text.textContent = "";
    const strong = document.createElement("strong");
    if (pw.detected) {
      strong.textContent = (KIND_LABEL[pw.kind] || "Paywall") + " detected.";
      text.appendChild(strong);
      text.appendChild(document.createTextNode(" " + (pw.truncated
        ? "The article looks truncated: the page delivered only part of it, and Quietpage never fetches what the page did not deliver."
        : "The page delivered the whole article; the nags around it are gone.")));
    } else {
      strong.textContent = "No paywall detected.";
      text.appendChild(strong);
      text.appendChild(document.createTextNode(" Promotional clutter was taken out."));
    }
    const toggle = $("qp-removed-toggle");
    const n = removed.length;
    toggle.hidden = !n;
    $("qp-show-inline").parentElement.hidden = !n;
    toggle.textContent = n + (n === 1 ? " item removed" : " items removed");
    const list = $("qp-removed-list");
    list.textContent = "";
    for (const item of removed) {
      const li = document.createElement("li");
      li.dataset.category = item.category || "";
      const meta = document.createElement("div");
      meta.className = "qp-removed-meta";
      const cat = document.createElement("span");
      cat.className = "qp-cat";
      cat.textContent = item.category || "other";
      const rule = document.createElement("code");
      rule.className = "qp-rule";
      rule.textContent = item.rule || "";
      const stage = document.createElement("span");
      stage.className = "qp-stage";
      stage.textContent = item.stage === "prune" ? "page element" : (item.stage === "scrub" ? "text" : (item.stage || ""));
      meta.append(cat, rule, stage);
      const t = document.createElement("p");
      t.className = "qp-removed-text";
      t.textContent = item.text || "(no text)";
      li.append(meta, t);
      list.appendChild(li);
    }
    const sig = $("qp-signals");
    const signals = (pw.signals || []).filter((s) => s && s.kind !== "free");
    sig.textContent = signals.length
      ? "Evidence: " + signals.slice(0, 8).map((s) => s.source + " " + s.rule).join(", ") + (signals.length > 8 ? ", …" : "")
      : "";
  }

  /* Removed pieces shown in place. The service reports each removal's text but not its position, so
   * the reader finds it in the page's own text (taken with the HTML) and puts it after the article
   * block whose text comes last before it there. Pieces that cannot be found go to the end. */
  function squash(s) { return String(s || "").toLowerCase().replace(/\s+/g, ""); }

  function findIn(hay, text, from) {
    const key = squash(text);
    if (!key) return -1;
    let p = hay.indexOf(key, from || 0);
    if (p < 0 && key.length > 48) p = hay.indexOf(key.slice(0, 48), from || 0);
    if (p < 0 && key.length > 48) p = hay.indexOf(key.slice(-48), from || 0);
    return p;
  }

  const ANCHORS = "p, h1, h2, h3, h4, h5, h6, blockquote, pre, figure, .qp-table-wrap, ul, ol, dl, hr, details";

  function buildInlineRemoved(content, removed, pageText) {
    for (const old of content.querySelectorAll(".qp-removed")) old.remove();
    if (!removed.length) return;
    const hay = squash(pageText);
    const anchors = [];
    let cursor = 0;
    for (const el of content.querySelectorAll(ANCHORS)) {
      if (el.parentElement && el.parentElement.closest(ANCHORS)) continue;   // outermost blocks only
      const t = squash(el.textContent);
      if (!t || !hay) { anchors.push({ el: el, pos: -1 }); continue; }
      let p = findIn(hay, t.slice(0, 64), cursor);
      if (p < 0) p = findIn(hay, t.slice(0, 64), 0);
      if (p >= 0) cursor = p + 1;
      anchors.push({ el: el, pos: p, end: p >= 0 ? p + t.length : -1 });
    }
    const placed = [];
    const unplaced = [];
    removed.forEach((item, i) => {
      const p = hay ? findIn(hay, item.text) : -1;
      if (p < 0) { unplaced.push(item); return; }
      let best = null;
      for (const a of anchors) if (a.pos >= 0 && a.pos <= p && (!best || a.pos >= best.pos)) best = a;
      placed.push({ item: item, pos: p, order: i, anchor: best });
    });
    placed.sort((a, b) => a.pos - b.pos || a.order - b.order);
    const lastAfter = new Map();
    for (const pl of placed) {
      const node = removedNode(pl.item);
      if (pl.anchor) {
        const after = lastAfter.get(pl.anchor.el) || pl.anchor.el;
        after.after(node);
        lastAfter.set(pl.anchor.el, node);
      } else {
        const first = lastAfter.get(content) ;
        if (first) first.after(node); else content.insertBefore(node, content.firstChild);
        lastAfter.set(content, node);
      }
    }
    if (unplaced.length) {
      const group = document.createElement("section");
      group.className = "qp-removed qp-removed-group";
      const h = document.createElement("p");
      h.className = "qp-removed-tag";
      h.textContent = "Removed, position not found on the page";
      group.appendChild(h);
      for (const item of unplaced) group.appendChild(removedNode(item));
      content.appendChild(group);
    }
  }

  function removedNode(item) {
    const box = document.createElement("aside");
    box.className = "qp-removed";
    box.dataset.category = item.category || "";
    const tag = document.createElement("p");
    tag.className = "qp-removed-tag";
    tag.textContent = "Removed · " + (item.category || "other") + (item.rule ? " · " : "");
    if (item.rule) {
      const rule = document.createElement("code");
      rule.textContent = item.rule;
      tag.appendChild(rule);
    }
    const t = document.createElement("p");
    t.className = "qp-removed-body";
    t.textContent = item.text || "";
    box.append(tag, t);
    return box;
  }

  function wireBanner() {
    const toggle = $("qp-removed-toggle");
    toggle.addEventListener("click", () => {
      const panel = $("qp-removed-panel");
      panel.hidden = !panel.hidden;
      toggle.setAttribute("aria-expanded", String(!panel.hidden));
    });
    $("qp-show-inline").addEventListener("change", (e) => {
      document.body.classList.toggle("qp-show-removed", e.target.checked);
    });
  }

  /* ------------------------------------------------------------------ copy and print */

  function isRemovedNode(n) { return n.classList && n.classList.contains("qp-removed"); }

  function articleMarkdown() {
    const r = currentJob.result;
    const lines = ["# " + (r.title || currentJob.title || "Untitled").replace(/\s+/g, " ").trim(), ""];
    const meta = [r.byline, siteName(r), formatDate(r.published, r.lang)].filter(Boolean).join(" · ");
    if (meta) lines.push("*" + meta.replace(/\*/g, "\\*") + "*", "");
    if (r.url) lines.push("Source: <" + r.url + ">", "");
    return lines.join("\n") + "\n" + MD.htmlToMarkdown($("qp-content"), { skip: isRemovedNode });
  }

  function articleText() {
    const r = currentJob.result;
    const head = [(r.title || currentJob.title || "").replace(/\s+/g, " ").trim()];
    const meta = [r.byline, siteName(r), formatDate(r.published, r.lang)].filter(Boolean).join(" · ");
    if (meta) head.push(meta);
    if (r.url) head.push(r.url);
    return head.join("\n") + "\n\n" + MD.htmlToText($("qp-content"), { skip: isRemovedNode });
  }

  async function copy(kind) {
    if (!currentJob || !currentJob.result) return;
    let text;
    try {
      text = kind === "markdown" ? articleMarkdown() : articleText();
    } catch (e) {
      window.quietpageLastCopy = { kind: kind, error: String(e && e.stack || e) };
      flash("Could not convert the article: " + (e && e.message || e));
      return;
    }
    window.quietpageLastCopy = { kind: kind, text: text };
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch (e) {
      const ta = document.createElement("textarea");
      ta.value = text;
      ta.setAttribute("readonly", "");
      ta.className = "qp-offscreen";
      document.body.appendChild(ta);
      ta.select();
      try { ok = document.execCommand("copy"); } catch (e2) { ok = false; }
      ta.remove();
    }
    flash(ok ? (kind === "markdown" ? "Copied as Markdown" : "Copied as plain text") + " (" + text.length.toLocaleString() + " characters)"
      : "The browser did not allow copying");
  }

  let flashTimer = null;
  function flash(msg) {
    const s = $("qp-status");
    s.textContent = msg;
    s.classList.add("qp-status-on");
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => s.classList.remove("qp-status-on"), 2600);
  }

  function wireActions() {
    $("qp-copy-md").addEventListener("click", () => copy("markdown"));
    $("qp-copy-text").addEventListener("click", () => copy("text"));
    $("qp-print").addEventListener("click", () => window.print());
    $("qp-retry").addEventListener("click", async () => {
      showLoading(currentJob);
      currentJob = Object.assign({}, currentJob || {}, { status: "pending" });
      try {
        await api.runtime.sendMessage({ type: "qp-retry", id: jobId });
      } catch (e) {
        showError({ code: "expired" }, currentJob);
      }
      const job = await getJob();
      if (job) handle(job);
    });
  }

  /* ------------------------------------------------------------------ job */

  async function getJob() {
    if (!jobId) return null;
    const key = "job:" + jobId;
    if (api.storage.session) {
      try {
        const got = await api.storage.session.get(key);
        if (got && got[key] && !got[key].inMemory) return got[key];
      } catch (e) { /* fall back to asking the worker */ }
    }
    try {
      return await api.runtime.sendMessage({ type: "qp-get", id: jobId });
    } catch (e) {
      return null;
    }
  }

  function handle(job) {
    currentJob = job;
    if (job.status === "done" && job.result) renderArticle(job);
    else if (job.status === "error") showError(job.error || { code: "service_error" }, job);
    else if (!rendered) showLoading(job);
  }

  async function start() {
    wireSettings();
    wireBanner();
    wireActions();
    applyPrefs(await QP.getReaderPrefs());
    api.storage.onChanged.addListener((changes, area) => {
      if (area === "local" && changes[QP.READER_KEY]) applyPrefs(changes[QP.READER_KEY].newValue);
      const change = area === "session" && changes["job:" + jobId];
      if (change && change.newValue) {
        if (change.newValue.inMemory) getJob().then((j) => j && handle(j));   // too big for storage: ask the worker
        else handle(change.newValue);
      }
    });
    if (!jobId) { showError({ code: "expired" }, null); return; }
    let job = await getJob();
    for (let i = 0; !job && i < 10; i++) {              // the worker writes the record before opening us
      await new Promise((r) => setTimeout(r, 200));
      job = await getJob();
    }
    if (!job) { showError({ code: "expired" }, null); return; }
    handle(job);
    // storage.onChanged normally brings the result; a slow poll covers browsers whose session area
    // sends no change events. It stops once the record is final (and restarts on Try again).
    setInterval(async () => {
      if (!currentJob || currentJob.status !== "pending") return;
      const j = await getJob();
      if (j && j.status !== "pending") handle(j);
    }, 1000);
  }

  window.quietpageReader = {
    markdown: () => (currentJob && currentJob.result ? articleMarkdown() : ""),
    text: () => (currentJob && currentJob.result ? articleText() : ""),
  };

  start().catch((e) => {
    showError({ code: "internal", detail: String(e && e.message || e) }, currentJob);
  });
})();
