/* Quietpage: code shared by the background worker, the reader page and the options page.
 *
 * Loaded as a classic script everywhere: importScripts() in Chromium's service worker, a
 * <script src> in extension pages, and listed before background.js in Firefox's background.scripts.
 * It defines one global, `Quietpage`.
 */
(function (root) {
  "use strict";

  // Firefox has the promise-based `browser`; Chromium's MV3 `chrome.*` returns promises too.
  const api = (root.browser && root.browser.runtime) ? root.browser : root.chrome;

  const DEFAULT_SERVICE = "http://127.0.0.1:8765";
  const SETTINGS_KEY = "settings";
  const READER_KEY = "reader";

  const DEFAULT_SETTINGS = Object.freeze({
    serviceUrl: DEFAULT_SERVICE,
    token: "",
    keepCategories: [],
    timeoutSeconds: 30,
  });

  const DEFAULT_READER = Object.freeze({
    theme: "system",   // light | dark | sepia | system
    font: "serif",     // serif | sans | mono
    fontSize: 19,      // px
    width: "medium",   // narrow | medium | wide
  });

  const FONT_SIZES = [14, 15, 16, 17, 18, 19, 20, 22, 24, 26, 28, 32];
  const THEMES = ["light", "sepia", "dark", "system"];
  const FONTS = ["serif", "sans", "mono"];
  const WIDTHS = ["narrow", "medium", "wide"];

  // The categories of removable boilerplate the engine knows (server/quietpage/options.py).
  const CATEGORIES = [
    ["meter", "Meters", "“You have 3 free articles left”"],
    ["paywall", "Paywall prompts", "“Subscribe to continue reading”"],
    ["login", "Sign-in prompts", "“Already a subscriber? Log in”"],
    ["pricing", "Prices and offers", "“₹900 for 3 months”"],
    ["plan-benefits", "Plan benefits", "“Unlimited access on all devices”"],
    ["placeholder", "Template leftovers", "“{{ headline }}”"],
    ["newsletter", "Newsletter boxes", "“Get our morning briefing”"],
    ["social", "Share buttons", "“Share on Facebook”"],
    ["support", "Appeals for support", "“Dear reader, your support…”"],
    ["ad", "Advertising", "“Advertisement”"],
    ["consent", "Cookie and consent banners", "“We use cookies…”"],
    ["related", "Related links", "“Read more: …”"],
    ["legal", "Copyright and credit lines", "“© 2019 Reuters. All rights reserved.”"],
    ["repeated", "Repeated lines", "a line the page shows more than once"],
  ];
  const CATEGORY_NAMES = CATEGORIES.map((c) => c[0]);

  function clampSettings(s) {
    const out = Object.assign({}, DEFAULT_SETTINGS, s || {});
    const norm = normalizeServiceUrl(out.serviceUrl);
    out.serviceUrl = norm.ok ? norm.url : DEFAULT_SERVICE;
    out.token = typeof out.token === "string" ? out.token.trim() : "";
    out.keepCategories = Array.isArray(out.keepCategories)
      ? out.keepCategories.filter((c) => CATEGORY_NAMES.includes(c)) : [];
    const t = Number(out.timeoutSeconds);
    out.timeoutSeconds = Number.isFinite(t) ? Math.min(300, Math.max(1, t)) : DEFAULT_SETTINGS.timeoutSeconds;
    return out;
  }

  function clampReader(r) {
    const out = Object.assign({}, DEFAULT_READER, r || {});
    if (!THEMES.includes(out.theme)) out.theme = DEFAULT_READER.theme;
    if (!FONTS.includes(out.font)) out.font = DEFAULT_READER.font;
    if (!WIDTHS.includes(out.width)) out.width = DEFAULT_READER.width;
    const n = Number(out.fontSize);
    out.fontSize = FONT_SIZES.includes(n) ? n : DEFAULT_READER.fontSize;
    return out;
  }

  /** The service must be on this machine: the manifest grants (and the CSP allows) loopback only. */
  function normalizeServiceUrl(input) {
    let s = String(input == null ? "" : input).trim();
    if (!s) return { ok: false, error: "Enter the service address, for example " + DEFAULT_SERVICE + "." };
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) s = "http://" + s;
    let u;
    try { u = new URL(s); } catch (e) {
      return { ok: false, error: "“" + input + "” is not an address. Use the form " + DEFAULT_SERVICE + "." };
    }
    if (u.protocol !== "http:") {
      return { ok: false, error: "Use http:// — the service on this computer does not speak https." };
    }
    if (u.hostname !== "127.0.0.1" && u.hostname !== "localhost") {
      return { ok: false, error: "Quietpage only talks to a service on this computer: use 127.0.0.1 or localhost, for example " + DEFAULT_SERVICE + "." };
    }
    if (u.username || u.password || u.search || u.hash || (u.pathname && u.pathname !== "/")) {
      return { ok: false, error: "Give only the address and port, for example " + DEFAULT_SERVICE + "." };
    }
    return { ok: true, url: u.protocol + "//" + u.host };
  }

  // A stored record read through its clamp (bad or missing values become defaults), and a patch
  // merged into it and stored clamped.
  async function getStored(key, clamp) {
    const got = await api.storage.local.get(key);
    return clamp(got && got[key]);
  }

  async function setStored(key, clamp, patch) {
    const next = clamp(Object.assign({}, await getStored(key, clamp), patch));
    await api.storage.local.set({ [key]: next });
    return next;
  }

  const getSettings = () => getStored(SETTINGS_KEY, clampSettings);
  const setSettings = (patch) => setStored(SETTINGS_KEY, clampSettings, patch);
  const getReaderPrefs = () => getStored(READER_KEY, clampReader);
  const setReaderPrefs = (patch) => setStored(READER_KEY, clampReader, patch);

  function makeError(code, extra) {
    return Object.assign({ code: code, title: "", detail: "", status: 0 }, extra || {});
  }

  /**
   * One request to the service. Never throws: returns {ok: true, data, status} or
   * {ok: false, error: {code, status, title, detail, serviceCode}} with a stable client-side code:
   * service_down, timeout, unauthorized, forbidden, too_large, not_html, empty_input, overloaded,
   * bad_request, service_error, bad_response.
   */
  async function request(settings, method, path, body) {
    const url = settings.serviceUrl + path;
    const headers = { "Accept": "application/json, application/problem+json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (settings.token) headers["Authorization"] = "Bearer " + settings.token;
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), settings.timeoutSeconds * 1000);
    let resp;
    try {
      resp = await fetch(url, {
        method: method,
        headers: headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: ctrl.signal,
        credentials: "omit",
        cache: "no-store",
        referrerPolicy: "no-referrer",
      });
    } catch (e) {
      clearTimeout(timer);
      if (ctrl.signal.aborted) {
        return { ok: false, error: makeError("timeout", { seconds: settings.timeoutSeconds, service: settings.serviceUrl }) };
      }
      return { ok: false, error: makeError("service_down", { service: settings.serviceUrl, detail: String(e && e.message || e) }) };
    }
    let data = null;
    let raw = "";
    try {
      raw = await resp.text();
      data = raw ? JSON.parse(raw) : null;
    } catch (e) {
      data = null;
    } finally {
      clearTimeout(timer);
    }
    if (resp.ok) {
      if (data === null || typeof data !== "object") {
        return { ok: false, error: makeError("bad_response", { status: resp.status, service: settings.serviceUrl,
          detail: "The answer was not JSON: " + raw.slice(0, 200) }) };
      }
      return { ok: true, status: resp.status, data: data };
    }
    const problem = (data && typeof data === "object") ? data : {};
    const serviceCode = typeof problem.code === "string" ? problem.code : "";
    let code;
    if (resp.status === 401) code = "unauthorized";
    else if (resp.status === 403) code = "forbidden";
    else if (resp.status === 413 || serviceCode === "input_too_large" || serviceCode === "too_large") code = "too_large";
    else if (resp.status === 503 || resp.status === 429) code = "overloaded";
    else if (serviceCode === "time_limit_exceeded") code = "time_limit";
    else if (serviceCode === "not_html") code = "not_html";
    else if (serviceCode === "empty_input") code = "empty_input";
    else if (resp.status >= 400 && resp.status < 500) code = "bad_request";
    else code = "service_error";
    return { ok: false, error: makeError(code, {
      status: resp.status,
      serviceCode: serviceCode,
      title: typeof problem.title === "string" ? problem.title : "",
      detail: typeof problem.detail === "string" ? problem.detail : (problem.message || raw.slice(0, 300) || ""),
      service: settings.serviceUrl,
    }) };
  }

  function clean(settings, payload) {
    const body = { html: payload.html, url: payload.url || "" };
    if (settings.keepCategories.length) body.options = { keep_categories: settings.keepCategories.slice() };
    return request(settings, "POST", "/api/v1/clean", body);
  }

  function health(settings) {
    return request(settings, "GET", "/api/v1/health");
  }

  const MIN_ARTICLE_WORDS = 8;

  /** True when the service found nothing worth reading: no text and no pictures, or a scrap of a
   *  few words (a lone "Home" link from a page that has no article). */
  function isEmptyResult(r) {
    if (!r || typeof r !== "object") return true;
    const html = r.content_html || "";
    if (/<(img|table|pre)\b/i.test(html)) return false;
    const text = (r.text || html.replace(/<[^>]*>/g, " ")).trim();
    const words = text ? text.split(/\s+/).length : 0;
    return words < MIN_ARTICLE_WORDS;
  }

  /** People-facing words for each error code: {title, body}; `body` may hold `code` spans (`...`). */
  function describeError(err) {
    const e = err || {};
    const svc = e.service || DEFAULT_SERVICE;
    const fromService = [e.title, e.detail].filter(Boolean).join(": ");
    switch (e.code) {
      case "service_down":
        return { title: "The Quietpage service isn’t running",
          body: "Nothing answered at " + svc + ". Start it from the Quietpage folder with `make run` " +
                "(it prints the address it listens on), then press Try again. If it runs on another port, " +
                "change the address in Options." };
      case "timeout":
        return { title: "The service took too long",
          body: "No answer from " + svc + " after " + (e.seconds || "?") + " seconds. Large pages take longer: " +
                "press Try again, or raise the timeout in Options." };
      case "time_limit":
        return { title: "The service gave up on this page",
          body: "Cleaning this page took longer than the service allows" + (e.detail ? " (" + e.detail + ")" : "") +
                ". Very large or deeply nested pages can do that; the service’s `--time-limit` option raises the limit." };
      case "unauthorized":
        return { title: "The service rejected the token",
          body: "The service at " + svc + " asks for a token, and the one in Options is missing or wrong. " +
                "Copy the token the service printed when it started into Options, then press Try again." };
      case "forbidden":
        return { title: "The service refused this extension",
          body: "The service at " + svc + " answered 403 Forbidden" + (fromService ? " (" + fromService + ")" : "") +
                ". It accepts requests only from browser extensions on this computer; check that the address in Options points to Quietpage." };
      case "too_large":
        return { title: "This page is too large to clean",
          body: "The page’s HTML" + (e.bytes ? " (" + formatBytes(e.bytes) + ")" : "") + " is larger than the service accepts" +
                (e.detail ? " (" + e.detail + ")" : "") + ". Quietpage can’t show it in reader view." };
      case "not_html":
      case "empty_input":
      case "no_article":
        return { title: "No article found on this page",
          body: "Quietpage found no article text here" + (e.detail ? " (" + e.detail + ")" : "") +
                ". Home pages, lists, search results and web apps have nothing to extract: open a single article and try again." };
      case "overloaded":
        return { title: "The service is busy",
          body: "The service at " + svc + " is handling too many pages right now. Wait a moment and press Try again." };
      case "bad_request":
        return { title: "The service could not use this request",
          body: "The service answered " + e.status + (fromService ? ": " + fromService : "") + "." };
      case "bad_response":
        return { title: "Something else answered at " + svc,
          body: "The answer wasn’t from Quietpage" + (e.detail ? " (" + e.detail + ")" : "") + ". Check the address in Options." };
      case "cannot_read_page":
        return { title: "Quietpage can’t read this page",
          body: "Browsers keep some pages off-limits to extensions (settings pages, the extension stores, built-in PDF viewers, other extensions’ pages)" +
                (e.detail ? " (" + e.detail + ")" : "") + ". Open an article on the web and try again." };
      case "expired":
        return { title: "This reader view has expired",
          body: "The cleaned page is no longer in memory (the browser was restarted or many pages were opened since). " +
                "Open the original and press the Quietpage button again." };
      case "internal":
        return { title: "Quietpage could not show this page",
          body: "The reader page hit a problem" + (e.detail ? " (" + e.detail + ")" : "") + ". Press Try again; if it keeps happening, please report it." };
      default:
        return { title: "The service hit an error",
          body: "The service at " + svc + " answered " + (e.status || "with an error") +
                (fromService ? ": " + fromService : "") + ". Its log (the terminal running `make run`) has the details." };
    }
  }

  function formatBytes(n) {
    if (n >= 1024 * 1024) return (n / 1024 / 1024).toFixed(1) + " MB";
    if (n >= 1024) return Math.round(n / 1024) + " KB";
    return n + " bytes";
  }

  root.Quietpage = Object.freeze({
    api: api,
    DEFAULT_SERVICE: DEFAULT_SERVICE,
    DEFAULT_SETTINGS: DEFAULT_SETTINGS,
    DEFAULT_READER: DEFAULT_READER,
    SETTINGS_KEY: SETTINGS_KEY,
    READER_KEY: READER_KEY,
    FONT_SIZES: FONT_SIZES,
    THEMES: THEMES,
    FONTS: FONTS,
    WIDTHS: WIDTHS,
    CATEGORIES: CATEGORIES,
    CATEGORY_NAMES: CATEGORY_NAMES,
    normalizeServiceUrl: normalizeServiceUrl,
    clampSettings: clampSettings,
    clampReader: clampReader,
    getSettings: getSettings,
    setSettings: setSettings,
    getReaderPrefs: getReaderPrefs,
    setReaderPrefs: setReaderPrefs,
    request: request,
    clean: clean,
    health: health,
    isEmptyResult: isEmptyResult,
    describeError: describeError,
    formatBytes: formatBytes,
  });
})(globalThis);
