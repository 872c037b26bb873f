/* Chatward's privacy engine as an ES module: the detector, upload guard and policy the chat
 * pane and the relay use, compiled to WebAssembly, for a shop's own forms. The wasm loads
 * once, on the first call (or `init()`); every function is async for that reason. */

import initWasm, * as wasm from "./engine/chatward_engine.js";

var loading = null;

/* Node (tests, SSR) cannot fetch a file: URL; bundlers must not see this import. */
function readFile(url) {
  var fsName = "node:fs/promises";
  return import(/* @vite-ignore */ /* webpackIgnore: true */ fsName).then(function (fs) {
    return fs.readFile(url);
  });
}

/**
 * Loads the engine's wasm (once; later calls return the same promise). Optional: every
 * function calls it. `source` overrides where the wasm comes from (a URL, a Response or
 * the bytes), e.g. for a strict CSP that serves it from elsewhere.
 */
export function init(source) {
  if (!loading) {
    var wasmUrl = source || new URL("./engine/chatward_engine_bg.wasm", import.meta.url);
    var module = wasmUrl instanceof URL && wasmUrl.protocol === "file:"
      ? readFile(wasmUrl)
      : Promise.resolve(wasmUrl);
    loading = module.then(function (moduleOrPath) {
      return initWasm({ module_or_path: moduleOrPath });
    }).then(function () { return undefined; });
    loading.catch(function () { loading = null; });
  }
  return loading;
}

/** Finds personal data in `text`; offsets are JavaScript string indices. */
export async function scan(text, options) {
  await init();
  return wasm.scan(String(text), options);
}

/** Judges an upload (a File, Blob, ArrayBuffer or Uint8Array): allow with a cleaned copy, or block with a reason. */
export async function checkUpload(file, options) {
  var bytes;
  if (typeof Blob !== "undefined" && file instanceof Blob) bytes = new Uint8Array(await file.arrayBuffer());
  else if (file instanceof ArrayBuffer) bytes = new Uint8Array(file);
  else if (ArrayBuffer.isView(file)) bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  else throw new TypeError("checkUpload needs a File, Blob, ArrayBuffer or Uint8Array");
  await init();
  return wasm.checkUpload(bytes, options);
}

/** Applies a shop's policy to a draft: the strongest action, each finding's action and a masked preview. */
export async function judge(text, policy, options) {
  await init();
  return wasm.judge(String(text), policy, options);
}
