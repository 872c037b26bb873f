// The first slice through the whole system, as a customer and an operator live it: the
// customer opens the demo shop, accepts the privacy statement and says hello; the operator
// logs in to the console, sees it and answers; the customer reads the answer. Every control
// is found by its role and accessible name.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchBrowser } from './harness.mjs';
import { answerAsOperator, embedWith, openConsole, openShop as open, paneFrame, startChat } from './customer.mjs';

/** The README's picture of the demo, refreshed only when asked (CHATWARD_UPDATE_SCREENSHOT=1),
 * so a test run never changes a tracked file; otherwise the shot goes to the temp folder. */
const SCREENSHOT = process.env.CHATWARD_UPDATE_SCREENSHOT
  ? fileURLToPath(new URL('../docs/screenshot.png', import.meta.url))
  : join(tmpdir(), 'chatward-screenshot.png');

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function openShop() {
  return (await open(browser)).shop;
}

test('a customer accepts the statement, says hello and reads the operator answer', async () => {
  const shop = await openShop();
  // What the pane tells the relay (its one WebSocket, opened by boot.js), and a way to wait
  // until it has told it something.
  const sent = [];
  let onFrame = () => {};
  shop.on('websocket', (socket) => {
    if (socket.url().includes('/ws/customer')) {
      socket.on('framesent', (frame) => {
        sent.push(JSON.parse(frame.payload));
        onFrame();
      });
    }
  });
  const frameSent = (description, matches) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${description} sent: ${JSON.stringify(sent)}`)), 15_000);
      onFrame = () => {
        const frame = sent.find(matches);
        if (frame) {
          clearTimeout(timer);
          resolve(frame);
        }
      };
      onFrame();
    });

  // Nothing of the pane exists before the customer asks for it.
  assert.equal(await shop.locator('iframe').count(), 0, 'no iframe before the launcher is clicked');
  await shop.getByRole('button', { name: 'Open chat' }).click();
  const pane = shop.frameLocator('iframe[title="Demo Shop support"]');

  // The gate: the statement and its version, and no way to type before accepting.
  await pane.getByRole('heading', { name: 'Before we chat' }).waitFor();
  assert.match(await pane.getByText(/Statement version/).innerText(), /2026-11/);
  assert.equal(await pane.getByRole('textbox', { name: 'Message' }).count(), 0);
  await pane.getByRole('button', { name: 'Accept' }).click();

  const message = pane.getByRole('textbox', { name: 'Message' });
  await message.fill('hello');
  await pane.getByRole('button', { name: 'Send' }).click();
  const customerLog = pane.getByRole('log', { name: 'Conversation' });
  await customerLog.getByText('hello', { exact: true }).waitFor();
  // The relay stored it: the "sending…" mark gives way to "delivered".
  await customerLog.getByText('delivered', { exact: true }).waitFor();

  // The operator's side.
  const console_ = await openConsole(browser);
  await console_.getByRole('button', { name: /conversation/i }).first().click();
  const operatorLog = console_.getByRole('log');
  await operatorLog.getByText('hello', { exact: true }).waitFor();
  const answer = 'Hi! Your mug ships tomorrow.';
  await console_.getByRole('textbox', { name: 'Reply' }).fill(answer);
  await console_.getByRole('button', { name: 'Send' }).click();

  // The customer sees the answer, and the pane tells the operator it was seen: a read mark
  // for the newest entry (the answer comes after the customer's own message).
  await customerLog.getByText(answer, { exact: true }).waitFor();
  await frameSent('read mark for the answer', (frame) => frame.type === 'read' && frame.seq >= 2);
  assert.equal(sent.filter((frame) => frame.type === 'hello').length, 1, 'one hello');
  await shop.screenshot({ path: SCREENSHOT });
});

test('a long conversation keeps its newest message in view', async () => {
  const { shop, pane } = await startChat(browser);
  const message = pane.getByRole('textbox', { name: 'Message' });
  const log = pane.getByRole('log', { name: 'Conversation' });
  for (let n = 1; n <= 14; n += 1) {
    await message.fill(`question ${n} about my order`);
    await message.press('Enter');
    await log.getByText(`question ${n} about my order`, { exact: true }).waitFor();
  }
  // The log overflows, and its newest entry is scrolled into its visible part.
  await paneFrame(shop).waitForFunction(() => {
    const list = document.querySelector('[role="log"]');
    const last = [...list.querySelectorAll('li')].find((li) => li.textContent.includes('question 14'));
    const visible = list.getBoundingClientRect();
    const entry = last?.getBoundingClientRect();
    return list.scrollHeight > list.clientHeight && entry && entry.bottom <= visible.bottom + 1;
  });
  await shop.context().close();
});

test("a page expecting another statement version is told so, and the relay's statement is shown", async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  await embedWith(context, { privacyVersion: '1999-01' });
  const { shop, pane } = await open(browser, {}, context);
  const warning = shop.waitForEvent('console', {
    predicate: (message) => message.type() === 'warning' && message.text().includes('data-privacy-version'),
  });
  await shop.getByRole('button', { name: 'Open chat' }).click();
  const version = await pane.getByText(/^Statement version /).innerText();
  const served = version.replace('Statement version ', '');
  assert.notEqual(served, '1999-01');
  assert.equal(
    (await warning).text(),
    `Chatward: data-privacy-version is "1999-01" but the relay's statement is "${served}"; ` +
      "the relay's statement is shown and recorded.",
  );
  await context.close();
});

test('declining the statement keeps the chat closed and sends nothing', async () => {
  const shop = await openShop();
  await shop.getByRole('button', { name: 'Open chat' }).click();
  const pane = shop.frameLocator('iframe[title="Demo Shop support"]');
  await pane.getByRole('button', { name: 'Decline' }).click();
  await pane.getByText(/nothing was sent/).waitFor();
  assert.equal(await pane.getByRole('textbox', { name: 'Message' }).count(), 0);
  // The shop's e-mail is offered instead.
  await pane.getByRole('status').getByRole('link', { name: /@/ }).waitFor();
});

test('the launcher and the close button open and close the pane', async () => {
  const shop = await openShop();
  const launcher = shop.getByRole('button', { name: 'Open chat' });
  await launcher.click();
  const pane = shop.frameLocator('iframe[title="Demo Shop support"]');
  await pane.getByRole('button', { name: 'Close chat' }).click();
  await shop.getByRole('button', { name: 'Open chat' }).waitFor();
  assert.equal(await shop.locator('iframe').isHidden(), true);
});

test('the page hears open, consent, message and close through Chatward.on, and none of the words', async () => {
  const { shop, pane } = await open(browser);
  await shop.waitForFunction(() => window.Chatward);
  await shop.evaluate(() => {
    window.heard = [];
    for (const event of ['open', 'close', 'message', 'consent']) {
      window.Chatward.on(event, (...args) => window.heard.push({ event, args: args.length }));
    }
  });
  const heard = (event) => shop.waitForFunction((name) => window.heard.some((h) => h.event === name), event);

  await shop.getByRole('button', { name: 'Open chat' }).click();
  await pane.getByRole('button', { name: 'Accept' }).click();
  await heard('consent');
  const marker = `Where is order ${Date.now()}?`;
  await pane.getByRole('textbox', { name: 'Message' }).fill(marker);
  await pane.getByRole('button', { name: 'Send' }).click();
  const log = pane.getByRole('log', { name: 'Conversation' });
  await log.getByText('delivered', { exact: true }).waitFor();
  const answer = 'It left the warehouse today.';
  const console_ = await answerAsOperator(browser, marker, answer);
  await log.getByText(answer, { exact: true }).waitFor();
  await heard('message');
  await pane.getByRole('button', { name: 'Close chat' }).click();
  await heard('close');

  // The customer's own message is not an event; the operator's answer is. The listeners get
  // nothing: the page never learns what was written.
  const events = await shop.evaluate(() => window.heard);
  assert.deepEqual(events.map((h) => h.event), ['open', 'consent', 'message', 'close']);
  assert.ok(events.every((h) => h.args === 0), JSON.stringify(events));
  await console_.context().close();
});
