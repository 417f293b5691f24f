/* Quietpage options: service address, token, timeout, categories to keep, "Test connection". */
(function () {
  "use strict";
  const QP = globalThis.Quietpage;
  const $ = (id) => document.getElementById(id);
  const PROBE_HTML = "<!DOCTYPE html><html><head><title>Quietpage connection test</title></head><body><article>" +
    "<h1>Connection test</h1><p>This short page checks that the Quietpage service accepts requests from the extension. " +
    "It has two sentences so that the service has something to read.</p></article></body></html>";

  function renderCategories(keep) {
    const box = $("op-categories");
    box.textContent = "";
    for (const [name, label, example] of QP.CATEGORIES) {
      const l = document.createElement("label");
      l.className = "op-cat";
      const cb = document.createElement("input");
      cb.type = "checkbox";
      cb.name = "keep";
      cb.value = name;
      cb.checked = keep.includes(name);
      const text = document.createElement("span");
      const strong = document.createElement("strong");
      strong.textContent = label;
      const small = document.createElement("small");
      small.textContent = name + " · " + example;
      text.append(strong, small);
      l.append(cb, text);
      box.appendChild(l);
    }
  }

  function fill(s) {
    $("op-service").value = s.serviceUrl;
    $("op-token").value = s.token;
    $("op-timeout").value = String(s.timeoutSeconds);
    renderCategories(s.keepCategories);
  }

  /** The form's values, or null (with the error shown) when the address is not acceptable. */
  function readForm() {
    const norm = QP.normalizeServiceUrl($("op-service").value);
    $("op-service-error").textContent = norm.ok ? "" : norm.error;
    $("op-service").setAttribute("aria-invalid", String(!norm.ok));
    if (!norm.ok) return null;
    const keep = Array.from(document.querySelectorAll("input[name=keep]:checked")).map((c) => c.value);
    return QP.clampSettings({
      serviceUrl: norm.url,
      token: $("op-token").value,
      timeoutSeconds: Number($("op-timeout").value) || QP.DEFAULT_SETTINGS.timeoutSeconds,
      keepCategories: keep,
    });
  }

  let savedTimer = null;
  function said(msg) {
    $("op-saved").textContent = msg;
    clearTimeout(savedTimer);
    savedTimer = setTimeout(() => { $("op-saved").textContent = ""; }, 3000);
  }

  async function save(e) {
    if (e) e.preventDefault();
    const s = readForm();
    if (!s) return;
    const stored = await QP.setSettings(s);
    fill(stored);
    said("Saved");
  }

  function result(kind, title, body) {
    const p = $("op-test-result");
    p.dataset.result = kind;
    p.textContent = "";
    const b = document.createElement("strong");
    b.textContent = title;
    p.appendChild(b);
    if (body) {
      p.appendChild(document.createTextNode(" "));
      String(body).split(/(`[^`]+`)/).forEach((part) => {
        if (/^`[^`]+`$/.test(part)) {
          const c = document.createElement("code");
          c.textContent = part.slice(1, -1);
          p.appendChild(c);
        } else if (part) p.appendChild(document.createTextNode(part));
      });
    }
  }

  async function testConnection() {
    const s = readForm();
    if (!s) { result("error", "Fix the address first."); return; }
    const btn = $("op-test");
    btn.disabled = true;
    result("pending", "Testing " + s.serviceUrl + " …");
    try {
      const probe = Object.assign({}, s, { timeoutSeconds: Math.min(s.timeoutSeconds, 10) });
      const h = await QP.health(probe);
      if (!h.ok) {
        const d = QP.describeError(h.error);
        result("error", d.title + ".", d.body);
        return;
      }
      if (!h.data || h.data.status !== "ok") {
        result("error", "Something answered, but not Quietpage.", "Check the address and port.");
        return;
      }
      const version = h.data.version ? "Quietpage " + h.data.version : "Quietpage";
      const rules = typeof h.data.rules === "number" ? ", " + h.data.rules + " rules" : "";
      if (h.data.auth_required === true && h.data.authenticated === false) {
        const d = QP.describeError({ code: "unauthorized", service: s.serviceUrl });
        result("error", "Connected to " + version + rules + ", but: " + d.title + ".", d.body);
        return;
      }
      const c = await QP.request(probe, "POST", "/api/v1/clean", { html: PROBE_HTML, url: "https://example.invalid/quietpage-test" });
      if (!c.ok && (c.error.code === "unauthorized" || c.error.code === "forbidden")) {
        const d = QP.describeError(c.error);
        result("error", "Connected to " + version + rules + ", but: " + d.title + ".", d.body);
        return;
      }
      if (!c.ok && ["service_down", "timeout", "service_error", "overloaded", "bad_response"].includes(c.error.code)) {
        const d = QP.describeError(c.error);
        result("error", "Connected to " + version + rules + ", but a test page failed: " + d.title + ".", d.body);
        return;
      }
      result("ok", "Connected to " + version + rules + ".",
        s.token ? "The token was accepted." : "No token needed.");
    } finally {
      btn.disabled = false;
    }
  }

  async function start() {
    fill(await QP.getSettings());
    $("op-form").addEventListener("submit", save);
    $("op-test").addEventListener("click", testConnection);
    $("op-reset").addEventListener("click", async () => {
      fill(await QP.setSettings(Object.assign({}, QP.DEFAULT_SETTINGS)));
      $("op-service-error").textContent = "";
      said("Defaults restored");
    });
    $("op-token-show").addEventListener("click", (e) => {
      const t = $("op-token");
      const show = t.type === "password";
      t.type = show ? "text" : "password";
      e.currentTarget.textContent = show ? "Hide" : "Show";
      e.currentTarget.setAttribute("aria-pressed", String(show));
    });
    $("op-categories").addEventListener("change", () => save());
  }

  start();
})();
