// Starts the operator console. A file rather than an inline script, because the console's
// Content-Security-Policy (`script-src 'self' 'wasm-unsafe-eval'`) blocks inline scripts.
import init from "./chatward_console.js";

init({ module_or_path: new URL("./chatward_console_bg.wasm", import.meta.url) });
