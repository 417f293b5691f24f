/* Quietpage background: the toolbar button / keyboard shortcut path.
 *
 * openReader(tab): take the tab's rendered HTML and URL (chrome.scripting.executeScript, allowed by
 * activeTab on a click or shortcut), open the reader page at once (it shows a "cleaning" state), POST the
 * HTML to the local service from here (never from a content script: pages' CORS would apply), and
 * store the result or a typed error under the reader's id in storage.session. The reader page
 * watches that record. Chromium runs this file as a service worker; Firefox as a background script
 * listed after shared.js.
 */
"use strict";

if (typeof importScripts === "function" && typeof globalThis.Quietpage === "undefined") {
  importScripts("shared.js");
}

const QP = globalThis.Quietpage;
const api = QP.api;
const MAX_JOBS = 12;          // reader records kept in storage.session (oldest dropped first)
const MAX_PAYLOADS = 4;       // page snapshots kept in memory for "Try again"
const MAX_PAGE_TEXT = 1500000; // characters of page text kept to place removed pieces inline

const memoryJobs = new Map(); // id -> job, used when storage.session is missing
const payloads = new Map();   // id -> snapshot {html, url, title, text}
const session = api.storage && api.storage.session ? api.storage.session : null;

function newId() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "").slice(0, 20);
  return Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
}

function jobKey(id) { return "job:" + id; }

// Saves run one at a time, so that two readers opening together don't lose each other's index entry.
let saveChain = Promise.resolve();
function saveJob(job) {
  const p = saveChain.then(() => saveJobNow(job));
  saveChain = p.catch(() => {});
  return p;
}

async function saveJobNow(job) {
  memoryJobs.delete(job.id);
  memoryJobs.set(job.id, job);
  while (memoryJobs.size > MAX_JOBS) memoryJobs.delete(memoryJobs.keys().next().value);
  if (!session) return;
  const got = await session.get("jobs");
  let ids = (got && Array.isArray(got.jobs)) ? got.jobs.filter((x) => x !== job.id) : [];
  ids.push(job.id);
  const drop = ids.length > MAX_JOBS ? ids.splice(0, ids.length - MAX_JOBS) : [];
  if (drop.length) await session.remove(drop.map(jobKey));
  // Over the session quota (10 MB in Chromium): make room by dropping the oldest readers, then try
  // without the page text (only inline placement needs it), and at last keep the record in this
  // worker's memory only: the reader then asks the worker for it.
  const lean = job.pageText ? Object.assign({}, job, { pageText: "" }) : null;
  const room = (session.QUOTA_BYTES || 10485760) * 0.95;
  for (const candidate of [job, lean]) {
    if (!candidate || new Blob([JSON.stringify(candidate)]).size > room) continue;   // could never fit
    for (;;) {
      try {
        await session.set({ jobs: ids, [jobKey(job.id)]: candidate });
        return;
      } catch (e) {
        const older = ids.filter((x) => x !== job.id);
        if (!older.length) break;
        ids = ids.filter((x) => x !== older[0]);
        await session.remove(jobKey(older[0]));
      }
    }
  }
  const stub = { id: job.id, status: job.status, url: job.url, title: job.title, tabId: job.tabId,
    created: job.created, inMemory: true };
  await session.set({ jobs: ids, [jobKey(job.id)]: stub });
}

async function loadJob(id) {
  if (session) {
    const got = await session.get(jobKey(id));
    const job = got && got[jobKey(id)];
    if (job && !job.inMemory) return job;
  }
  return memoryJobs.get(id) || null;
}

/** Runs inside the page (injected by scripting.executeScript): the rendered document. */
function pageSnapshot(maxText) {
  const skip = { SCRIPT: 1, STYLE: 1, NOSCRIPT: 1, TEMPLATE: 1, svg: 1, SVG: 1, IFRAME: 1, OBJECT: 1 };
  const parts = [];
  let size = 0;
  const walk = (node) => {
    for (let c = node.firstChild; c && size < maxText; c = c.nextSibling) {
      if (c.nodeType === 3) {
        const t = c.nodeValue;
        if (t && t.trim()) { parts.push(t); size += t.length; }
      } else if (c.nodeType === 1 && !skip[c.nodeName]) {
        walk(c);
      }
    }
  };
  walk(document.body || document.documentElement);
  const dt = document.doctype;
  const doctype = dt ? "<!DOCTYPE " + dt.name + (dt.publicId ? ' PUBLIC "' + dt.publicId + '"' : "") +
    (dt.systemId ? ' "' + dt.systemId + '"' : "") + ">\n" : "";
  return {
    html: doctype + document.documentElement.outerHTML,
    url: location.href,
    title: document.title,
    text: parts.join(" "),
    contentType: document.contentType,
  };
}

async function grabPage(tabId) {
  const results = await api.scripting.executeScript({
    target: { tabId: tabId },
    func: pageSnapshot,
    args: [MAX_PAGE_TEXT],
  });
  const first = results && results[0];
  if (!first || !first.result || typeof first.result.html !== "string") {
    throw new Error((first && first.error && first.error.message) || "the page returned nothing");
  }
  return first.result;
}

function rememberPayload(id, snap) {
  payloads.set(id, snap);
  while (payloads.size > MAX_PAYLOADS) payloads.delete(payloads.keys().next().value);
}

async function finishWithError(job, error) {
  const done = Object.assign({}, job, { status: "error", error: error, finished: Date.now() });
  await saveJob(done);
  return { id: job.id, status: "error", code: error.code };
}

/** POST the snapshot to the service and store what came back. */
async function runJob(job, snap) {
  const settings = await QP.getSettings();
  const res = await QP.clean(settings, snap);
  if (!res.ok) {
    const err = res.error;
    if (err.code === "too_large") err.bytes = new Blob([snap.html]).size;
    return finishWithError(job, err);
  }
  const result = res.data;
  if (QP.isEmptyResult(result)) {
    return finishWithError(job, { code: "no_article", service: settings.serviceUrl });
  }
  const done = Object.assign({}, job, {
    status: "done",
    finished: Date.now(),
    result: result,
    pageText: (snap.text || "").slice(0, MAX_PAGE_TEXT),
    keepCategories: settings.keepCategories,
  });
  await saveJob(done);
  const stored = await loadJob(job.id);
  return { id: job.id, status: stored ? stored.status : "error", code: stored && stored.error ? stored.error.code : undefined,
    title: result.title, paywall: result.paywall && result.paywall.kind, removed: (result.removed || []).length };
}

/**
 * The toolbar click. Returns {id, status: "done" | "error", code?, readerUrl} once the service
 * answered (tests drive exactly this path through the service worker).
 */
async function openReader(tab) {
  if (!tab || tab.id == null) {
    const [active] = await api.tabs.query({ active: true, currentWindow: true });
    tab = active;
  }
  if (!tab) throw new Error("no tab to read");
  const id = newId();
  let snap = null;
  let grabError = null;
  try {
    snap = await grabPage(tab.id);
  } catch (e) {
    grabError = e;
  }
  const job = {
    id: id,
    status: "pending",
    url: snap ? snap.url : (tab.url || ""),
    title: snap ? snap.title : (tab.title || ""),
    tabId: tab.id,
    created: Date.now(),
  };
  await saveJob(job);
  const readerUrl = api.runtime.getURL("reader.html?id=" + encodeURIComponent(id));
  const create = { url: readerUrl, active: true, openerTabId: tab.id };
  if (typeof tab.index === "number") create.index = tab.index + 1;
  if (typeof tab.windowId === "number") create.windowId = tab.windowId;
  try {
    await api.tabs.create(create);
  } catch (e) {
    await api.tabs.create({ url: readerUrl });
  }
  let out;
  if (grabError) {
    out = await finishWithError(job, { code: "cannot_read_page", detail: String(grabError.message || grabError) });
  } else {
    rememberPayload(id, snap);
    out = await runJob(job, snap);
  }
  out.readerUrl = readerUrl;
  return out;
}

/** "Try again" from the reader: resend the snapshot (or take a new one if the tab is still there). */
async function retry(id) {
  const job = await loadJob(id);
  if (!job) return { id: id, status: "error", code: "expired" };
  let snap = payloads.get(id);
  if (!snap && job.tabId != null) {
    try {
      snap = await grabPage(job.tabId);
      if (job.url && snap.url !== job.url) snap = null;
    } catch (e) {
      snap = null;
    }
  }
  const pending = { id: id, status: "pending", url: job.url, title: job.title, tabId: job.tabId, created: Date.now() };
  if (!snap) return finishWithError(pending, { code: "expired" });
  await saveJob(pending);
  rememberPayload(id, snap);
  return runJob(pending, snap);
}

api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (!msg || typeof msg !== "object") return false;
  // Only our own pages talk to the worker.
  if (sender && sender.id && sender.id !== api.runtime.id) return false;
  let work = null;
  if (msg.type === "qp-retry" && typeof msg.id === "string") work = retry(msg.id);
  else if (msg.type === "qp-get" && typeof msg.id === "string") work = loadJob(msg.id);
  if (!work) return false;
  work.then(sendResponse, (e) => sendResponse({ status: "error", error: { code: "service_error", detail: String(e) } }));
  return true;
});

api.action.onClicked.addListener((tab) => {
  openReader(tab).catch((e) => console.error("Quietpage: openReader failed", e));
});

self.openReader = openReader;
// For tests: the storage path, without a page or a service.
self.quietpageJobs = { load: loadJob, save: saveJob };
