// Starts the chat pane. A file rather than an inline script, because the pane's
// Content-Security-Policy (`script-src 'self' 'wasm-unsafe-eval'`) blocks inline scripts.
//
// The pane exists only after the customer opened the chat (the loader creates it on that
// click), so what starts here starts no earlier than the app would start it. Three things
// start before the app can: the wasm download, which compiles while it streams in; the
// customer's language file, if not English; and the link to the relay, which the app
// (`src/net.rs`) takes over from `window.chatwardSocket` instead of opening its own. The
// app, not this file, speaks the protocol: the relay hears nothing until the app's `hello`.
// docs/performance.md has the figures and what was left out on purpose.

performance.mark("chatward:boot");

const settings = new URLSearchParams(location.hash.slice(1));

/** The languages with a file in `i18n/`: `LANGUAGES` in src/i18n.rs, but English. */
const TRANSLATED = ["de", "fr", "es", "it", "nl", "pl", "lt"];

/** Preloads the words the app will fetch for a language other than English (src/lib.rs). */
function preloadWords() {
  const lang = (settings.get("lang") || "").slice(0, 2).toLowerCase();
  if (!TRANSLATED.includes(lang)) return;
  const link = document.createElement("link");
  link.rel = "preload";
  link.as = "fetch";
  link.crossOrigin = "anonymous";
  link.href = `i18n/${lang}.json`;
  document.head.append(link);
}

/** Opens the customer WebSocket for the shop named in the fragment, as net.rs would. */
function openSocket() {
  const shop = settings.get("shop") || "demo";
  // The same check as the pane's config: anything else is not a shop the app would use.
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(shop)) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  try {
    const socket = new WebSocket(`${scheme}://${location.host}/ws/customer?shop=${shop}`);
    socket.addEventListener("open", () => performance.mark("chatward:socket-open"), { once: true });
    socket.addEventListener("message", () => performance.mark("chatward:welcome"), { once: true });
    window.chatwardSocket = socket;
  } catch (error) {
    // The app opens its own link and reports a failure to the customer.
  }
}

/**
 * Defines `window.chatwardGuard()`, which src/guard.rs calls on the first picture: the upload
 * guard is a wasm module of its own (guard.js, guard_bg.wasm beside this file), left out of
 * the pane because most chats never attach one. Resolves to the guard's `checkUpload` function;
 * later calls reuse it. A failed load is forgotten so the next picture tries again. Browsers
 * that predate whatwg/html#10327 remember a failed module import for its URL, so a retry asks
 * with a new query. While it fails, the pane sends nothing and says so.
 */
function defineGuardLoader() {
  let guard = null;
  let attempts = 0;
  window.chatwardGuard = () => {
    if (!guard) {
      attempts += 1;
      const url = new URL("./guard.js", import.meta.url);
      if (attempts > 1) url.search = `attempt=${attempts}`;
      guard = import(url.href).then(async (module) => {
        // The bindings fetch guard_bg.wasm beside guard.js (their `import.meta.url`).
        await module.default();
        return module.checkUpload;
      });
      guard.catch(() => {
        guard = null;
      });
    }
    return guard;
  };
}

// The wasm first (pane.html preloads it: this fetch picks that up) and compiled while it
// streams in, then the link and the words, then the bindings, so none waits for another. A server
// that does not send `application/wasm` makes streaming fail: the bindings then get the
// plain response and compile it themselves.
const wasmUrl = new URL("./chatward_bg.wasm", import.meta.url);
const wasm = WebAssembly.compileStreaming(fetch(wasmUrl)).catch(() => fetch(wasmUrl));
openSocket();
preloadWords();
defineGuardLoader();
const { default: init } = await import("./chatward.js");
await init({ module_or_path: wasm });
performance.mark("chatward:started");
