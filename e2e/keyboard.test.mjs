// The pane by keyboard, in right-to-left text and on a phone: opening it puts the focus on its
// first control, Tab never leaves it, Escape closes it, messages keep their own direction, and
// under 480 px it takes the whole screen. The screens added for deletion pass axe too.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launchBrowser } from './harness.mjs';
import { openShop, paneFrame, startChat } from './customer.mjs';
import { assertAccessible } from './axe.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Waits until the focus is in the pane on an element matching `selector`. */
async function focusOn(shop, selector) {
  await shop.waitForFunction(() => document.querySelector('[data-chatward]'));
  const frame = paneFrame(shop);
  await frame.waitForFunction(
    (selector) => document.hasFocus() && document.activeElement?.matches(selector),
    selector,
  );
}

test('opening focuses the first control, Tab stays in the pane, Escape closes it', async () => {
  const { shop, pane } = await openShop(browser);
  await shop.getByRole('button', { name: 'Open chat' }).click();
  await pane.getByRole('button', { name: 'Accept' }).waitFor();
  await focusOn(shop, '.cw-gate a, .cw-gate button');

  await pane.getByRole('button', { name: 'Accept' }).click();
  await focusOn(shop, '#cw-draft');

  // Round the pane and further, both ways: the focus never reaches the shop page.
  const frame = paneFrame(shop);
  const controls = await frame.evaluate(() => document.querySelectorAll('a[href], button:not([disabled]), textarea, summary').length);
  for (const key of ['Tab', 'Shift+Tab']) {
    const seen = new Set();
    for (let step = 0; step < controls + 2; step++) {
      await shop.keyboard.press(key);
      const where = await frame.evaluate(() => document.hasFocus() && document.activeElement !== document.body
        ? document.activeElement.outerHTML.slice(0, 60)
        : null);
      assert.ok(where, `${key} #${step + 1} left the pane`);
      seen.add(where);
    }
    assert.ok(seen.size >= 3, `${key} moved through the controls: ${[...seen].join(' | ')}`);
  }

  await shop.keyboard.press('Escape');
  await shop.getByRole('button', { name: 'Open chat' }).waitFor();
  assert.equal(await shop.locator('iframe').isHidden(), true);

  // Opening again starts at the message box.
  await shop.getByRole('button', { name: 'Open chat' }).click();
  await focusOn(shop, '#cw-draft');
});

test('right-to-left messages keep their direction', async () => {
  const { pane } = await startChat(browser);
  const text = 'שלום, איפה ההזמנה שלי?';
  const box = pane.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  assert.equal(await box.evaluate((area) => getComputedStyle(area).direction), 'rtl');
  await box.press('Enter');
  const message = pane.getByRole('log', { name: 'Conversation' }).getByText(text, { exact: true });
  await message.waitFor();
  assert.equal(await message.evaluate((span) => getComputedStyle(span).direction), 'rtl');
});

test('under 480 px the pane takes the whole screen', async () => {
  const { shop, pane } = await openShop(browser, { viewport: { width: 400, height: 740 } });
  await shop.getByRole('button', { name: 'Open chat' }).click();
  await pane.getByRole('button', { name: 'Accept' }).waitFor();
  const box = await shop.locator('iframe').boundingBox();
  assert.deepEqual(box, { x: 0, y: 0, width: 400, height: 740 });
});

test('the transcript menu, the delete confirmation and the deleted notice have no axe violations', async () => {
  const { shop, pane } = await startChat(browser, { bypassCSP: true });
  await pane.getByText('Transcript', { exact: true }).click();
  await pane.getByRole('link', { name: 'Download as plain text' }).waitFor();
  await pane.getByRole('button', { name: 'Delete this chat' }).click();
  await pane.getByRole('button', { name: 'Keep the chat' }).waitFor();
  await assertAccessible(paneFrame(shop), 'transcript menu and delete confirmation');
  await pane.getByRole('button', { name: 'Delete for good' }).click();
  await pane.getByText(/Your chat was deleted/).waitFor();
  await assertAccessible(paneFrame(shop), 'deleted notice');
});
