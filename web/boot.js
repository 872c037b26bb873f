// Starts the chat pane. A file rather than an inline script, because the pane's
// Content-Security-Policy (`script-src 'self' 'wasm-unsafe-eval'`) blocks inline scripts.
import init from "./chatward.js";

init({ module_or_path: new URL("./chatward_bg.wasm", import.meta.url) });
