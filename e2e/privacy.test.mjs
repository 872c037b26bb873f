// Live warnings as a customer meets them: a card number is blocked, an IBAN needs an explicit
// confirmation, a national ID is masked, and what is masked never leaves the browser.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launchBrowser } from './harness.mjs';
import { embedWith, startChat } from './customer.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('a card number is explained and cannot be sent', async () => {
  const { pane } = await startChat(browser);
  await pane.getByRole('textbox', { name: 'Message' }).fill('My card is 4111 1111 1111 1111, can you charge it?');
  const notes = pane.getByRole('region', { name: 'Privacy check' });
  await notes.getByText('This looks like a card number.').waitFor();
  await notes.getByText(/never needs it in chat/).waitFor();
  assert.equal(await pane.getByRole('button', { name: 'Send' }).isDisabled(), true);
  // Removing the number makes the message sendable again.
  await pane.getByRole('textbox', { name: 'Message' }).fill('Can you charge my card on file?');
  await notes.waitFor({ state: 'detached' });
  assert.equal(await pane.getByRole('button', { name: 'Send' }).isEnabled(), true);
});

test('an IBAN is sent only after the customer confirms', async () => {
  const { pane } = await startChat(browser);
  const text = 'Please refund to DE89 3704 0044 0532 0130 00';
  await pane.getByRole('textbox', { name: 'Message' }).fill(text);
  const notes = pane.getByRole('region', { name: 'Privacy check' });
  await notes.getByText('This looks like a bank account number (IBAN).').waitFor();
  const send = pane.getByRole('button', { name: 'Send' });
  assert.equal(await send.isDisabled(), true, 'no sending before the confirmation');
  await pane.getByRole('checkbox', { name: 'Send it anyway' }).check();
  await send.click();
  const log = pane.getByRole('log', { name: 'Conversation' });
  await log.getByText(text, { exact: true }).waitFor();
  await log.getByText('delivered', { exact: true }).waitFor();
});

test("a shop's data-policy-iban=\"block\" makes an IBAN unsendable", async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  await embedWith(context, { policyIban: 'block' });
  const { pane } = await startChat(browser, {}, context);
  await pane.getByRole('textbox', { name: 'Message' }).fill('Please refund to DE89 3704 0044 0532 0130 00');
  const notes = pane.getByRole('region', { name: 'Privacy check' });
  await notes.getByText('This looks like a bank account number (IBAN).').waitFor();
  // The relay's own policy would only warn (see the test above): the page made it stricter.
  assert.equal(await pane.getByRole('checkbox', { name: 'Send it anyway' }).count(), 0);
  assert.equal(await pane.getByRole('button', { name: 'Send' }).isDisabled(), true);
  await context.close();
});

test('a national ID is masked in the preview and in what is sent', async () => {
  const { pane } = await startChat(browser);
  await pane.getByRole('textbox', { name: 'Message' }).fill('My PESEL is 44051401359');
  const notes = pane.getByRole('region', { name: 'Privacy check' });
  await notes.getByText('This looks like a national ID or tax number.').waitFor();
  const preview = await notes.locator('q').innerText();
  assert.ok(!preview.includes('44051401359'), `preview hides the number: ${preview}`);
  assert.ok(preview.startsWith('My PESEL is '), preview);
  await pane.getByRole('button', { name: 'Send' }).click();
  const log = pane.getByRole('log', { name: 'Conversation' });
  await log.getByText(preview, { exact: true }).waitFor();
  await log.getByText('delivered', { exact: true }).waitFor();
  assert.equal(await log.getByText('44051401359').count(), 0);
});
