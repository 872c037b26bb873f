/* Chatward loader core, shared word for word by the script-tag embed (dist/chatward.js) and
 * the npm module (dist/npm/index.js); `cargo xtask dist` wraps it for each. It validates the
 * settings, draws the launcher in a shadow root and opens the chat pane in an iframe served
 * by the relay, so what the customer types never touches the shop page. */

var CATEGORIES = ["EMAIL", "PHONE", "CREDIT_CARD", "CARD_CVV", "CARD_EXPIRY", "IBAN", "US_SSN",
  "NATIONAL_ID", "PASSPORT", "IP_ADDRESS", "DATE_OF_BIRTH", "STREET_ADDRESS", "PASSWORD",
  "PERSON_NAME", "AGE"];
var ACTIONS = ["allow", "warn", "mask", "block"];
var EVENTS = ["open", "close", "message", "consent"];

function isText(max) { return function (v) { return v.length > 0 && v.length <= max; }; }
function oneOf(list) { return function (v) { return list.indexOf(v) >= 0; }; }
function isWebUrl(v) {
  try {
    var url = new URL(v);
    return url.protocol === "https:" ||
      (url.protocol === "http:" && /^(localhost|127\.0\.0\.1|\[::1\])$/.test(url.hostname));
  } catch (e) { return false; }
}

/* Each setting: [attribute name, check, default]. A bad value gives one console warning and
 * the default, so a typo never breaks the widget. */
var SETTINGS = [
  ["shop", function (v) { return /^[A-Za-z0-9_-]{1,64}$/.test(v); }, "demo"],
  ["title", isText(80), "Chat with us"],
  ["greeting", isText(400), ""],
  ["color", function (v) { return /^#[0-9a-fA-F]{6}$/.test(v); }, "#1f5fbf"],
  ["position", oneOf(["left", "right"]), "right"],
  ["theme", oneOf(["light", "dark", "auto"]), "auto"],
  ["lang", function (v) { return /^[A-Za-z]{2}([-_][A-Za-z0-9]{1,8})*$/.test(v); }, ""],
  ["privacy-url", isWebUrl, ""],
  ["privacy-version", isText(40), ""],
  ["operator-name", isText(80), ""],
  ["operator-photo", function (v) {
    return isWebUrl(v) || /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+\/=]+$/.test(v);
  }, ""],
  ["operator-email", function (v) { return /^[^\s@<>"]{1,64}@[^\s@<>"]{1,190}\.[A-Za-z]{2,}$/.test(v); }, ""],
  ["social", function (v) { return v.split(/[\s,]+/).filter(Boolean).every(isWebUrl); }, ""],
  ["open", oneOf(["true", "false"]), "false"],
  ["max-upload-mb", function (v) { return /^\d{1,2}(\.\d+)?$/.test(v) && +v > 0 && +v <= 50; }, "10"]
];

/* Reads and validates every setting. `read(name)` gives the raw string of `name` (an
 * attribute without `data-`) or undefined; `names` lists the names present, for the
 * per-category policies. Returns null when the relay's URL is unusable. */
function chatwardSettings(read, names) {
  function warn(name, value, fallback) {
    console.warn("Chatward: ignoring " + name + "=" + JSON.stringify(value) +
      (fallback ? "; using " + JSON.stringify(fallback) : ""));
  }
  var server = read("server");
  if (!server || !isWebUrl(server.trim())) {
    console.warn("Chatward: data-server must be the relay's https URL; the widget is not shown.");
    return null;
  }
  var config = { server: new URL(server.trim()).origin, policy: {} };
  SETTINGS.forEach(function (setting) {
    var value = read(setting[0]);
    config[setting[0]] = setting[2];
    if (value === undefined || value === null) return;
    value = String(value).trim();
    if (setting[1](value)) config[setting[0]] = value;
    else warn(setting[0], value, setting[2]);
  });
  names.forEach(function (name) {
    var match = /^policy-(.+)$/.exec(name);
    if (!match) return;
    var category = match[1].toUpperCase().replace(/-/g, "_");
    var action = String(read(name)).trim().toLowerCase();
    if (CATEGORIES.indexOf(category) < 0) warn(name, read(name), "");
    else if (ACTIONS.indexOf(action) < 0) warn(name, read(name), "the relay's policy");
    else config.policy[category] = action;
  });
  if (!config.lang) config.lang = navigator.language || "en";
  return config;
}

/* The settings the pane needs, in the iframe URL's fragment: a fragment is never sent to
 * the relay, so it stays out of request logs. */
function paneFragment(config) {
  var query = new URLSearchParams();
  ["shop", "title", "greeting", "color", "theme", "lang", "privacy-url", "privacy-version",
    "operator-name", "operator-photo", "operator-email", "social", "max-upload-mb"
  ].forEach(function (key) { if (config[key]) query.set(key, config[key]); });
  Object.keys(config.policy).forEach(function (category) {
    query.set("policy-" + category, config.policy[category]);
  });
  return query.toString();
}

/* Draws the launcher and returns the widget's API. Nothing reaches the relay (no request,
 * cookie or storage) until the customer opens the pane. */
function chatwardWidget(config, container) {
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
    "@media (max-width:480px){iframe{inset:0;width:100%;height:100%;border-radius:0}}</style>";
  var launcher = document.createElement("button");
  launcher.type = "button";
  launcher.textContent = "Chat";
  launcher.setAttribute("aria-label", "Open chat");
  launcher.setAttribute("aria-expanded", "false");
  root.appendChild(launcher);
  var frame = null;
  var isOpen = false;

  function open() {
    if (isOpen || !host.isConnected) return;
    if (!frame) {
      frame = document.createElement("iframe");
      // The shop id is also in the query: the relay needs it for the pane's frame-ancestors.
      frame.src = config.server + "/pane/?shop=" + encodeURIComponent(config.shop) + "#" +
        paneFragment(config);
      frame.title = config.title;
      frame.setAttribute("allow", "clipboard-write");
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
    if (event.origin !== config.server || !frame || event.source !== frame.contentWindow) return;
    var type = event.data;
    if (type === "chatward:close") close();
    else if (type === "chatward:message") emit("message");
    else if (type === "chatward:consent") emit("consent");
  }
  launcher.addEventListener("click", toggle);
  window.addEventListener("message", onMessage);
  (container || document.body || document.documentElement).appendChild(host);

  var api = {
    open: open,
    close: close,
    toggle: toggle,
    destroy: function () {
      window.removeEventListener("message", onMessage);
      host.remove();
      frame = null;
      isOpen = false;
      emit("destroy");
    },
    on: function (event, fn) {
      if (EVENTS.indexOf(event) < 0 || typeof fn !== "function") {
        console.warn("Chatward.on: unknown event " + JSON.stringify(event));
        return api;
      }
      (listeners[event] = listeners[event] || []).push(fn);
      return api;
    }
  };
  if (config.open === "true") open();
  return api;
}
