// The upload guard is a wasm module of its own (`crates/chatward-guard`), which the pane
// loads on the first picture rather than with the pane: a chat without a picture never
// fetches it, a second picture reuses it, and when it cannot be fetched nothing of the
// picture is sent and the customer is told, in the place refusals show.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launchBrowser } from './harness.mjs';
import { PHOTO, attach, startChat } from './customer.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** The guard's file paths (a retry adds a query, which is not part of the path). */
const GUARD_FILE = /\/pane\/guard(\.js|_bg\.wasm)$/;

/** For `page.route`: whether a URL is one of the guard's files. */
const isGuardFile = (url) => GUARD_FILE.test(url.pathname);

/** Records the paths of the guard's files and of uploads that the shop page (and its pane) requests. */
function recordRequests(shop) {
  const seen = { guard: [], uploads: [] };
  shop.on('request', (request) => {
    const { pathname } = new URL(request.url());
    if (GUARD_FILE.test(pathname)) seen.guard.push(pathname);
    if (pathname.endsWith('/api/upload')) seen.uploads.push(pathname);
  });
  return seen;
}

test('the pane fetches the upload guard only on the first picture, then reuses it', async () => {
  const { shop, pane } = await startChat(browser);
  const seen = recordRequests(shop);

  // Chatting without a picture: the message is stored, the guard never requested.
  await pane.getByRole('textbox', { name: 'Message' }).fill('Where is my parcel?');
  await pane.getByRole('button', { name: 'Send' }).click();
  const log = pane.getByRole('log', { name: 'Conversation' });
  await log.getByText('delivered', { exact: true }).waitFor();
  assert.deepEqual(seen.guard, [], 'no guard before a picture');

  const pictures = pane.getByRole('list', { name: 'Pictures' });
  const sent = pictures.getByText('Picture sent.', { exact: false });
  await attach(shop, pane, 'parcel.jpg', PHOTO);
  await sent.first().waitFor();
  assert.deepEqual(seen.guard.toSorted(), ['/pane/guard.js', '/pane/guard_bg.wasm']);

  await attach(shop, pane, 'label.jpg', PHOTO);
  await sent.nth(1).waitFor();
  assert.equal(seen.uploads.length, 2);
  assert.deepEqual(seen.guard.toSorted(), ['/pane/guard.js', '/pane/guard_bg.wasm'], 'fetched once');
});

test('when the guard cannot be fetched, the picture is not sent and the customer is told', async () => {
  const { shop, pane } = await startChat(browser);
  const seen = recordRequests(shop);
  // As on a connection that drops: every request for the guard's files fails.
  const offline = (route) => route.abort('internetdisconnected');
  await shop.route(isGuardFile, offline);

  await attach(shop, pane, 'parcel.jpg', PHOTO);
  const pictures = pane.getByRole('list', { name: 'Pictures' });
  const alert = pictures.getByRole('alert');
  await alert.getByText(/parcel\.jpg was not sent/).waitFor();
  assert.match(await alert.innerText(), /could not be checked, so nothing of it was sent/);
  assert.match(await alert.innerText(), /check your connection and try again/);
  assert.ok(seen.guard.length > 0, 'the pane asked for the guard');
  assert.deepEqual(seen.uploads, [], 'nothing was uploaded');

  // Back online, the customer tries again: the guard loads and the cleaned photo is sent.
  await shop.unroute(isGuardFile, offline);
  await pane.getByRole('button', { name: 'Dismiss the note about parcel.jpg' }).click();
  await alert.waitFor({ state: 'detached' });
  await attach(shop, pane, 'parcel.jpg', PHOTO);
  await pictures.getByText('Picture sent. Its location was removed.', { exact: false }).waitFor();
  assert.equal(seen.uploads.length, 1);
});

test('while the guard loads, the customer sees the picture being checked', async () => {
  const { shop, pane } = await startChat(browser);
  // A slow connection: the guard's files wait until the test lets them through.
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  const slow = async (route) => { await released; await route.continue(); };
  await shop.route(isGuardFile, slow);

  await attach(shop, pane, 'parcel.jpg', PHOTO);
  const pictures = pane.getByRole('list', { name: 'Pictures' });
  await pictures.getByRole('status').getByText('Checking parcel.jpg…').waitFor();

  release();
  await pictures.getByText('Picture sent. Its location was removed.', { exact: false }).waitFor();
  assert.equal(await pictures.getByText('Checking parcel.jpg…').count(), 0, 'replaced, not added to');
  assert.equal(await pictures.getByRole('listitem').count(), 1);
  await shop.unroute(isGuardFile, slow);
});

