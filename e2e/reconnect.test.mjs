// A dropped connection loses nothing: the customer keeps writing while the link is down, sees
// that the chat is reconnecting, and every message arrives once, in order, when it is back.
// The test stands between the pane and the relay (Playwright's WebSocket routing) to cut
// the connection and hold it down, as a flaky mobile network would.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launchBrowser } from './harness.mjs';
import { startChat } from './customer.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('messages written while offline are sent once, in order, after reconnecting', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  let online = true;
  const live = [];
  await context.routeWebSocket(/\/ws\/customer/, (ws) => {
    if (!online) {
      ws.close({ code: 1006, reason: 'offline' });
      return;
    }
    const server = ws.connectToServer();
    live.push({ ws, server });
  });
  const { pane } = await startChat(browser, {}, context);
  const message = pane.getByRole('textbox', { name: 'Message' });
  const log = pane.getByRole('log', { name: 'Conversation' });
  await message.fill('before the tunnel');
  await message.press('Enter');
  await log.getByText('delivered', { exact: true }).waitFor();

  // The network goes: the open connection is cut and new ones fail.
  online = false;
  for (const { ws, server } of live.splice(0)) {
    server.close();
    ws.close({ code: 1006, reason: 'cut' });
  }
  await pane.getByRole('status').getByText(/Reconnecting/).waitFor();
  for (const text of ['in the tunnel 1', 'in the tunnel 2']) {
    await message.fill(text);
    await message.press('Enter');
  }
  assert.equal(await log.getByText('sending…', { exact: true }).count(), 2, 'both kept as unsent');

  // The network is back: the pane resumes and sends what was waiting, in order, once.
  online = true;
  await pane.getByRole('status').getByText(/Reconnecting/).waitFor({ state: 'detached' });
  await log.getByText('sending…').first().waitFor({ state: 'detached' });
  const texts = await log.locator('li').allInnerTexts();
  const mine = texts.map((t) => t.split('\n')[0]).filter((t) => /tunnel/.test(t));
  assert.deepEqual(mine, ['before the tunnel', 'in the tunnel 1', 'in the tunnel 2']);
});
