/**
 * Mounts the Chatward launcher on this page (inside `container`, default the body) and
 * returns its API: `open()`, `close()`, `toggle()`, `destroy()`, `on(event, fn)`. `options`
 * use the names of the script tag's data-* attributes without `data-`, for example
 * `{ server: "https://chat.example.com", title: "Help", "policy-iban": "block" }`.
 * Returns null, with a console warning, when `options.server` is not a usable URL.
 */
export function mount(options, container) {
  var settings = options || {};
  var config = chatwardSettings(function (name) { return settings[name]; }, Object.keys(settings));
  return config ? chatwardWidget(config, container) : null;
}
