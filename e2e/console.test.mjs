// The operator console's conversation actions, as an operator and a customer live them:
// the "ask only for what you need" nudge while the operator types, closing a conversation
// (the customer's pane says so), exporting the transcript, and deleting the conversation
// after a confirmation. axe-core judges the console with all of it on screen.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launchBrowser, relayUrl } from './harness.mjs';
import { openConsole, startChat } from './customer.mjs';
import { assertAccessible } from './axe.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/**
 * Opens, in the console, the conversation whose log holds `text` (other tests may have
 * started conversations at the same time), and returns its list button.
 */
async function openConversationWith(page, text) {
  const list = page.getByRole('navigation', { name: 'Open conversations' });
  const log = page.getByRole('log', { name: 'Messages' });
  await list.getByRole('button').first().waitFor();
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const buttons = await list.getByRole('button').all();
    for (const button of buttons) {
      await button.click();
      await log.waitFor();
      try {
        await log.getByText(text, { exact: true }).waitFor({ timeout: 1_500 });
        return button;
      } catch {
        // Not this one: try the next conversation.
      }
    }
  }
  throw new Error('the customer conversation never showed in the console');
}

test('the nudge, close, export and delete, with the customer watching', async () => {
  const hello = `hello from the console test ${Date.now()}`;
  const { pane } = await startChat(browser);
  await pane.getByRole('textbox', { name: 'Message' }).fill(hello);
  await pane.getByRole('button', { name: 'Send' }).click();
  const customerLog = pane.getByRole('log', { name: 'Conversation' });
  await customerLog.getByText('delivered', { exact: true }).waitFor();

  // bypassCSP: axe's script is injected into a page whose CSP forbids it.
  const page = await openConsole(browser, { bypassCSP: true });
  await openConversationWith(page, hello);

  // The consent record of this conversation is shown.
  const consent = page.getByRole('region', { name: 'Consent record' });
  assert.match(await consent.innerText(), /Statement version\s+2026-11/);
  assert.match(await consent.innerText(), /Widget version/);

  // The nudge: only when the draft asks for what the policy does not want.
  const reply = page.getByRole('textbox', { name: 'Reply' });
  const nudge = page.getByText(/^Ask only for what you need/);
  await reply.fill('Could you send me your order number?');
  assert.equal(await nudge.count(), 0, 'an order number is fine to ask for');
  await reply.fill('Could you send me your card number?');
  await nudge.waitFor();
  assert.equal(
    await nudge.innerText(),
    "Ask only for what you need: this shop's policy does not want card numbers in chat.",
  );
  await reply.fill('Could you send me your order number?');
  await nudge.waitFor({ state: 'detached' });

  // Export: the transcript links answer for the logged-in operator.
  const exportNav = page.getByRole('navigation', { name: 'Export transcript' });
  const textLink = exportNav.getByRole('link', { name: 'Transcript as text' });
  const href = await textLink.getAttribute('href');
  assert.match(href, /^\/api\/conversations\/[^/]+\/transcript\?format=text$/);
  const transcript = await page.request.get(`${relayUrl}${href}`);
  assert.equal(transcript.status(), 200);
  assert.ok((await transcript.text()).includes(hello), 'the transcript holds the message');
  const id = href.split('/')[3];
  const listed = page
    .getByRole('navigation', { name: 'Open conversations' })
    .getByRole('button', { name: new RegExp(`Conversation ${id.slice(0, 8)}`) });

  // With the nudge and the delete question on screen, axe finds nothing; "Keep it" keeps it.
  await reply.fill('Could you send me your card number?');
  await nudge.waitFor();
  await page.getByRole('button', { name: 'Delete conversation' }).click();
  await page.getByRole('group', { name: /Delete this conversation for good/ }).waitFor();
  await assertAccessible(page, 'console with a conversation, the nudge and a delete question');
  await page.getByRole('button', { name: 'Keep it' }).click();

  // Close: the customer's pane says so; the console lists the conversation as closed.
  await page.getByRole('button', { name: 'Close conversation' }).click();
  // A banner says so now (and that writing again reopens it); the log keeps it as history.
  await pane.getByRole('status').getByText(/closed this chat.*new message opens it/).waitFor();
  await pane.getByRole('log', { name: 'Conversation' }).getByText('The shop closed this chat.', { exact: true }).waitFor();
  await listed.getByText('closed', { exact: true }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Close conversation' }).count(), 0);
  await assertAccessible(page, 'console with a closed conversation');

  // Delete, after confirming: it leaves the list and the transcript is gone.
  await page.getByRole('button', { name: 'Delete conversation' }).click();
  await page.getByRole('button', { name: 'Delete for good' }).click();
  await page.getByText('Choose a conversation to read and answer it.').waitFor();
  assert.equal(await listed.count(), 0, 'the deleted conversation left the list');
  const gone = await page.request.get(`${relayUrl}${href}`);
  assert.ok(
    gone.status() !== 200 || !(await gone.text()).includes(hello),
    'the transcript of a deleted conversation holds no message',
  );
});
