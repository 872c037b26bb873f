//! The relay serves what `cargo xtask dist` built, as the contract says, to a real browser.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launchBrowser, relayUrl, shopUrl } from './harness.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('the loader is served as JavaScript', async () => {
  const response = await fetch(`${relayUrl}/chatward.js`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /javascript/);
});

test('the pane page has a strict CSP that allows wasm', async () => {
  const response = await fetch(`${relayUrl}/pane/`);
  assert.equal(response.status, 200);
  const csp = response.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(csp, /frame-ancestors /);
});

test('the pane wasm is served as application/wasm', async () => {
  const response = await fetch(`${relayUrl}/pane/chatward_bg.wasm`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'application/wasm');
  const bytes = new Uint8Array(await response.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 4)], [0x00, 0x61, 0x73, 0x6d], 'wasm magic number');
});

test('the pane bindings are minified and name their imports shortly', async () => {
  // chatward-short-imports renames the imports in the wasm and the bindings alike, then
  // chatward-minify compresses the bindings (both run by `cargo xtask dist`); the pane
  // working at all in the other tests shows the two files still agree.
  const bindings = await (await fetch(`${relayUrl}/pane/chatward.js`)).text();
  assert.match(bindings, /[{,]a:function/);
  assert.doesNotMatch(bindings, /__wbg_\w+_[0-9a-f]{16}/);
  assert.doesNotMatch(bindings, /getStringFromWasm0/, 'local names are shortened');
  assert.ok(bindings.split('\n').length < 5, 'no indentation or comments left');
});

test('the upload guard is served beside the pane, precompressed, as JavaScript and wasm', async () => {
  const headers = { 'accept-encoding': 'br, gzip' };
  const script = await fetch(`${relayUrl}/pane/guard.js`, { headers });
  assert.equal(script.status, 200);
  assert.match(script.headers.get('content-type') ?? '', /javascript/);
  assert.equal(script.headers.get('content-encoding'), 'br');
  assert.match(await script.text(), /export function checkUpload\(/);
  const wasm = await fetch(`${relayUrl}/pane/guard_bg.wasm`, { headers });
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.equal(wasm.headers.get('content-encoding'), 'br');
  const bytes = new Uint8Array(await wasm.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 4)], [0x00, 0x61, 0x73, 0x6d], 'wasm magic number');
});

test('the demo shop is another origin and loads the loader from the relay', async () => {
  assert.notEqual(new URL(shopUrl).origin, new URL(relayUrl).origin);
  const page = await browser.newPage();
  try {
    const loaderRequest = page.waitForRequest(`${relayUrl}/chatward.js`);
    await page.goto(`${shopUrl}/`);
    await loaderRequest;
    const html = await page.content();
    assert.ok(!html.includes('{{RELAY}}'), 'the relay origin replaced the placeholder');
  } finally {
    await page.close();
  }
});
