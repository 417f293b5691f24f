// Quietpage's own page: paste or drop HTML/text, POST it to /api/v1/clean, show the original with every
// removed piece highlighted and labelled beside the cleaned article. No inline code (the page's CSP
// forbids it); untrusted text is only ever set with textContent; the original HTML is parsed with
// DOMParser (an inert document: no scripts run, nothing loads) and never inserted into this page.
"use strict";

const $ = (id) => document.getElementById(id);
const squash = (s) => (s || "").replace(/\s+/g, " ").trim();
const BLOCKS = "p,h1,h2,h3,h4,h5,h6,li,blockquote,pre,td,th,caption,figcaption,dt,dd,div,section,article," +
  "aside,header,footer,nav,form,label,button,a,span,main,body";
let authRequired = false;

function tokenHeaders() {
  const t = $("token").value || sessionStorage.getItem("quietpage-token") || "";
  return t ? { "X-Quietpage-Token": t } : {};
}

async function probe() {
  const el = $("health");
  try {
    const r = await fetch("/api/v1/health", { headers: tokenHeaders() });
    const h = await r.json();
    authRequired = !!h.auth_required;
    $("token-row").hidden = !authRequired;
    el.textContent = `service ${h.status} · version ${h.version} · ${h.rules} rules` +
      (authRequired ? (h.authenticated ? " · token accepted" : " · token required") : "");
    el.classList.remove("down");
  } catch (e) {
    el.textContent = "the service does not answer";
    el.classList.add("down");
  }
}

function looksLikeHtml(s) {
  return /<\s*(!doctype|html|head|body|div|p|article|section|span|a|meta|script|main)\b/i.test(s.slice(0, 4096));
}

// The original as a list of text blocks, in document order.
function originalBlocks(input, kind) {
  if (kind === "text") {
    return input.split(/\r?\n/).map(squash).filter(Boolean);
  }
  // Only the text is wanted: drop style sheets and style attributes first, which this page's CSP would
  // (harmlessly, but noisily) refuse while parsing.
  const stripped = input.replace(/<style\b[\s\S]*?<\/style\s*>/gi, "")
    .replace(/\sstyle\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/gi, " ");
  const doc = new DOMParser().parseFromString(stripped, "text/html");
  doc.querySelectorAll("script,style,noscript,template,svg,iframe,object,embed,head").forEach((n) => n.remove());
  const out = [];
  let cur = null, buf = [];
  const walker = doc.createTreeWalker(doc.body || doc.documentElement, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n.nodeValue;
    if (!t || !t.trim()) continue;
    const block = n.parentElement ? n.parentElement.closest(BLOCKS) : null;
    if (block !== cur) {
      if (buf.length) out.push(squash(buf.join(" ")));
      cur = block; buf = [];
    }
    buf.push(t);
  }
  if (buf.length) out.push(squash(buf.join(" ")));
  return out.filter(Boolean);
}

// Which removal (if any) a block of the original is.
function matchRemoval(block, removed) {
  for (const r of removed) {
    const t = squash(r.text);
    if (!t) continue;
    if (t === block || (t.length >= 12 && block.includes(t)) || (block.length >= 3 && t.includes(block) && block.length * 4 >= t.length)) {
      return r;
    }
  }
  return null;
}

function label(r) {
  const s = document.createElement("span");
  s.className = "label";
  s.textContent = `${r.category} · ${r.rule}`;
  s.title = `removed by rule ${r.rule} (category ${r.category}, stage ${r.stage})`;
  return s;
}

function renderVerdict(pw) {
  const v = $("verdict");
  v.replaceChildren();
  v.className = "verdict" + (pw.detected ? " paywalled" : "");
  const head = document.createElement("strong");
  head.textContent = pw.detected ? `Paywall: ${pw.kind}` : "No paywall detected";
  v.append(head);
  if (pw.truncated) v.append(document.createTextNode(" · the article looks truncated"));
  if (pw.signals && pw.signals.length) {
    const ul = document.createElement("ul");
    for (const s of pw.signals) {
      const li = document.createElement("li");
      li.textContent = `${s.source}: ${s.rule} (${s.kind})${s.detail ? " — " + s.detail : ""}`;
      ul.append(li);
    }
    v.append(ul);
  }
}

function render(result, input, kind) {
  $("results").hidden = false;
  renderVerdict(result.paywall || {});
  $("summary").textContent = [result.title && `“${result.title}”`, result.byline, `${result.word_count} words`,
    `${result.reading_time_minutes} min read`, `${result.removed.length} pieces removed`].filter(Boolean).join(" · ");

  // original, with removals highlighted
  const orig = $("original");
  orig.replaceChildren();
  const found = new Set();
  for (const b of originalBlocks(input, kind)) {
    const p = document.createElement("p");
    p.textContent = b;
    const r = matchRemoval(b, result.removed);
    if (r) {
      p.className = "removed";
      p.dataset.rule = r.rule;
      p.dataset.category = r.category;
      p.append(label(r));
      found.add(r);
    }
    orig.append(p);
  }

  // cleaned article: the engine's sanitised HTML, parsed inertly and adopted
  const doc = new DOMParser().parseFromString(`<body>${result.content_html}</body>`, "text/html");
  const art = $("cleaned");
  art.replaceChildren();
  if (result.title) {
    const h = document.createElement("h1");
    h.textContent = result.title;
    art.append(h);
  }
  art.append(...Array.from(doc.body.childNodes).map((n) => document.adoptNode(n)));
  art.querySelectorAll("a[href]").forEach((a) => { a.rel = "noopener noreferrer"; a.target = "_blank"; });

  // every removal, also the ones not located in the original view
  const list = $("removed");
  list.replaceChildren();
  $("removed-count").textContent = `(${result.removed.length})`;
  for (const r of result.removed) {
    const li = document.createElement("li");
    const cat = document.createElement("span");
    cat.className = "cat";
    cat.textContent = r.category;
    const rule = document.createElement("code");
    rule.textContent = ` ${r.rule} (${r.stage})`;
    li.append(cat, rule, document.createTextNode(" — " + (r.text || "(text not kept)")));
    li.dataset.rule = r.rule;
    li.dataset.category = r.category;
    list.append(li);
  }
}

function showError(msg) {
  const e = $("error");
  e.textContent = msg;
  e.hidden = !msg;
}

async function submit(ev) {
  ev.preventDefault();
  const input = $("input").value;
  if (!input.trim()) { showError("Paste some HTML or text first."); return; }
  let kind = $("kind").value;
  if (kind === "auto") kind = looksLikeHtml(input) ? "html" : "text";
  const body = { [kind]: input };
  const url = $("url").value.trim();
  if (url) body.url = url;
  if ($("token").value) sessionStorage.setItem("quietpage-token", $("token").value);
  const btn = $("clean");
  btn.disabled = true;
  showError("");
  try {
    const r = await fetch("/api/v1/clean", {
      method: "POST",
      headers: { "Content-Type": "application/json", ...tokenHeaders() },
      body: JSON.stringify(body),
    });
    const data = await r.json();
    if (!r.ok) {
      showError(`${data.title || "Error"} (${data.code || r.status}): ${data.detail || ""}`);
      if (r.status === 401) { $("token-row").hidden = false; }
      return;
    }
    render(data, input, kind);
  } catch (e) {
    showError(`The service did not answer: ${e}`);
  } finally {
    btn.disabled = false;
  }
}

function setupDrop() {
  const ta = $("input");
  ta.addEventListener("dragover", (e) => { e.preventDefault(); ta.classList.add("dragging"); });
  ta.addEventListener("dragleave", () => ta.classList.remove("dragging"));
  ta.addEventListener("drop", async (e) => {
    e.preventDefault();
    ta.classList.remove("dragging");
    const f = e.dataTransfer && e.dataTransfer.files[0];
    if (!f) return;
    ta.value = await f.text();
    const name = f.name.toLowerCase();
    $("kind").value = /\.(x?html?)$/.test(name) ? "html" : /\.(txt|text|md)$/.test(name) ? "text" : "auto";
  });
}

document.addEventListener("DOMContentLoaded", () => {
  $("form").addEventListener("submit", submit);
  setupDrop();
  probe();
});
