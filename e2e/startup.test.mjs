// How the pane starts (issue 5, "Budgets"): nothing reaches the relay before the customer
// opens the chat, not even on hover or focus; once opened, the pane's files come precompressed
// and revalidatable, and the pane uses the one WebSocket its boot script opened.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launchBrowser, relayUrl } from './harness.mjs';
import { openShop } from './customer.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('hovering or focusing the launcher sends nothing to the relay; the click does', async () => {
  const { shop, pane } = await openShop(browser);
  try {
    const relayRequests = [];
    shop.on('request', (request) => {
      if (new URL(request.url()).origin === relayUrl) relayRequests.push(request);
    });
    const launcher = shop.getByRole('button', { name: 'Open chat' });
    await launcher.hover();
    await launcher.focus();
    const clickedAt = await shop.evaluate(() => performance.timeOrigin + performance.now());
    await launcher.click();
    await pane.getByRole('button', { name: 'Accept' }).waitFor();
    const paths = relayRequests.map((request) => new URL(request.url()).pathname);
    assert.ok(paths.includes('/pane/'), `the click loads the pane: ${paths}`);
    for (const request of relayRequests) {
      assert.ok(request.timing().startTime >= clickedAt,
        `${new URL(request.url()).pathname} was requested before the click`);
    }
  } finally {
    await shop.context().close();
  }
});

test('the pane fetches each file once and uses the one WebSocket its boot script opened', async () => {
  const { shop, pane } = await openShop(browser);
  try {
    const sockets = [];
    const files = [];
    shop.on('websocket', (socket) => sockets.push(new URL(socket.url()).pathname));
    shop.on('request', (request) => files.push(new URL(request.url()).pathname));
    await shop.getByRole('button', { name: 'Open chat' }).click();
    // The welcome came over a socket; a second one would have been opened before it.
    await pane.getByRole('button', { name: 'Accept' }).click();
    await pane.getByRole('textbox', { name: 'Message' }).waitFor();
    assert.deepEqual(sockets, ['/ws/customer']);
    // A preload that does not match the fetch that needs it is downloaded twice.
    for (const file of ['/pane/chatward_bg.wasm', '/pane/chatward.js']) {
      assert.equal(files.filter((path) => path === file).length, 1, `${file} requested once`);
    }
  } finally {
    await shop.context().close();
  }
});

test('the pane preloads its wasm and bindings', async () => {
  const page = await (await fetch(`${relayUrl}/pane/`)).text();
  assert.match(page, /<link rel="preload" href="chatward_bg\.wasm" as="fetch"[^>]* crossorigin>/);
  assert.match(page, /<link rel="modulepreload" href="chatward\.js">/);
});

test('the wasm comes precompressed, as application/wasm, revalidated with its ETag', async () => {
  const url = `${relayUrl}/pane/chatward_bg.wasm`;
  const first = await fetch(url, { headers: { 'accept-encoding': 'br' } });
  assert.equal(first.status, 200);
  assert.equal(first.headers.get('content-encoding'), 'br');
  assert.equal(first.headers.get('content-type'), 'application/wasm');
  assert.equal(first.headers.get('cache-control'), 'no-cache');
  const etag = first.headers.get('etag');
  assert.ok(etag, 'an ETag');
  await first.arrayBuffer();
  const again = await fetch(url, { headers: { 'accept-encoding': 'br', 'if-none-match': etag } });
  assert.equal(again.status, 304);
});
