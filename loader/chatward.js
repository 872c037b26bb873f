/*! Chatward loader: draws the chat launcher on the shop page and opens the chat pane in an
 * iframe served by the relay, so what the customer types never touches the shop page.
 * Configured by the data-* attributes of its own <script> tag; see README.md. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.Chatward) return;
  var data = script.dataset;

  function warn(name, value, fallback) {
    console.warn("Chatward: ignoring data-" + name + "=" + JSON.stringify(value) +
      (fallback ? "; using " + fallback : ""));
  }
  // One validated setting: returns the attribute when `ok` accepts it, else the default
  // (with one console warning), so a typo never breaks the widget.
  function setting(name, ok, fallback) {
    var value = data[name.replace(/-([a-z])/g, function (_, c) { return c.toUpperCase(); })];
    if (value === undefined) return fallback;
    value = value.trim();
    if (ok(value)) return value;
    warn(name, value, fallback);
    return fallback;
  }
  function oneOf(list) { return function (v) { return list.indexOf(v) >= 0; }; }
  function text(max) { return function (v) { return v.length > 0 && v.length <= max; }; }

  var server;
  try {
    server = new URL(data.server || "");
    if (!/^https?:$/.test(server.protocol)) throw 0;
  } catch (e) {
    console.warn("Chatward: data-server must be the relay's https URL; the widget is not shown.");
    return;
  }
  var origin = server.origin;
  var config = {
    shop: setting("shop", function (v) { return /^[A-Za-z0-9_-]{1,64}$/.test(v); }, "demo"),
    title: setting("title", text(80), "Chat with us"),
    greeting: setting("greeting", text(400), ""),
    color: setting("color", function (v) { return /^#[0-9a-fA-F]{6}$/.test(v); }, "#1f5fbf"),
    position: setting("position", oneOf(["left", "right"]), "right"),
    lang: setting("lang", function (v) { return /^[A-Za-z]{2}([-_][A-Za-z0-9]+)?$/.test(v); },
      (navigator.language || "en")),
    open: setting("open", oneOf(["true", "false"]), "false") === "true"
  };

  var listeners = {};
  function emit(name) {
    (listeners[name] || []).forEach(function (fn) {
      try { fn(); } catch (e) { console.error(e); }
    });
  }

  var host = document.createElement("div");
  host.setAttribute("data-chatward", "");
  var root = host.attachShadow({ mode: "open" });
  var side = config.position === "left" ? "left" : "right";
  // Shop CSS cannot reach into the shadow root; inherited properties are reset here.
  root.innerHTML = "<style>:host{all:initial}" +
    "button{all:unset;box-sizing:border-box;position:fixed;bottom:20px;" + side + ":20px;" +
    "z-index:2147483646;min-width:56px;height:56px;padding:0 20px;border-radius:28px;" +
    "background:" + config.color + ";color:#fff;font:600 16px/56px system-ui,sans-serif;" +
    "cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)}" +
    "button:focus-visible{outline:3px solid #111;outline-offset:3px}" +
    "iframe{position:fixed;bottom:88px;" + side + ":20px;z-index:2147483647;width:380px;" +
    "height:min(600px,calc(100vh - 108px));border:0;border-radius:12px;background:#fff;" +
    "box-shadow:0 8px 30px rgba(0,0,0,.3)}" +
    "@media (max-width:480px){iframe{inset:0;width:100%;height:100%;border-radius:0}}" +
    "</style>";
  var launcher = document.createElement("button");
  launcher.type = "button";
  launcher.textContent = "Chat";
  launcher.setAttribute("aria-label", "Open chat");
  launcher.setAttribute("aria-expanded", "false");
  root.appendChild(launcher);

  var frame = null;
  var isOpen = false;

  function paneUrl() {
    var query = new URLSearchParams();
    ["shop", "title", "greeting", "color", "lang"].forEach(function (key) {
      if (config[key]) query.set(key, config[key]);
    });
    return origin + "/pane/?" + query.toString();
  }
  function open() {
    if (isOpen) return;
    // Nothing reaches the relay before this point: no request, cookie or storage.
    if (!frame) {
      frame = document.createElement("iframe");
      frame.src = paneUrl();
      frame.title = config.title;
      root.appendChild(frame);
    }
    frame.hidden = false;
    isOpen = true;
    launcher.setAttribute("aria-expanded", "true");
    launcher.setAttribute("aria-label", "Close chat");
    frame.focus();
    emit("open");
  }
  function close() {
    if (!isOpen) return;
    frame.hidden = true;
    isOpen = false;
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-label", "Open chat");
    launcher.focus();
    emit("close");
  }
  function toggle() { if (isOpen) close(); else open(); }
  function onMessage(event) {
    // Only the pane, served from the relay's origin, may talk to the loader.
    if (event.origin !== origin || !frame || event.source !== frame.contentWindow) return;
    var type = event.data && event.data.type;
    if (type === "chatward:close") close();
    else if (type === "chatward:message") emit("message");
    else if (type === "chatward:consent") emit("consent");
  }
  function destroy() {
    window.removeEventListener("message", onMessage);
    host.remove();
    frame = null;
    isOpen = false;
    delete window.Chatward;
  }

  launcher.addEventListener("click", toggle);
  window.addEventListener("message", onMessage);
  (document.body || document.documentElement).appendChild(host);

  window.Chatward = {
    open: open,
    close: close,
    toggle: toggle,
    destroy: destroy,
    on: function (event, fn) {
      if (["open", "close", "message", "consent"].indexOf(event) < 0 || typeof fn !== "function") {
        console.warn("Chatward.on: unknown event " + JSON.stringify(event));
        return;
      }
      (listeners[event] = listeners[event] || []).push(fn);
    }
  };
  if (config.open) open();
})();
