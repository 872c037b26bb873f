// "Delete this chat" as a customer meets it: a confirmation first (keeping is the focused
// choice), then the relay deletes the conversation, the pane forgets it and says so, and the
// old conversation's token opens nothing any more.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launchBrowser, relayUrl } from './harness.mjs';
import { startChat } from './customer.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('the customer deletes the chat after confirming; the pane forgets it', async () => {
  const { shop, pane } = await startChat(browser);
  await pane.getByRole('textbox', { name: 'Message' }).fill('Please forget my order history.');
  await pane.getByRole('button', { name: 'Send' }).click();
  const log = pane.getByRole('log', { name: 'Conversation' });
  await log.getByText('delivered', { exact: true }).waitFor();
  // The transcript link names this conversation and its token: they must stop working.
  const href = await pane.getByRole('link', { name: 'Download as plain text', includeHidden: true }).getAttribute('href');
  const before = await shop.request.get(new URL(href, relayUrl).href);
  assert.equal(before.status(), 200);

  // Asking first: changing one's mind keeps everything.
  const tools = pane.getByRole('region', { name: 'This chat' });
  await tools.getByRole('button', { name: 'Delete this chat' }).click();
  const question = tools.getByRole('group', { name: /for good/ });
  await question.waitFor();
  const keep = question.getByRole('button', { name: 'Keep the chat' });
  assert.equal(await keep.evaluate((button) => document.activeElement === button), true, 'the safe choice has the focus');
  await keep.click();
  await question.waitFor({ state: 'detached' });
  await log.getByText('Please forget my order history.').waitFor();

  await tools.getByRole('button', { name: 'Delete this chat' }).click();
  const deleted = shop.waitForResponse((r) => r.url().endsWith('/api/conversation') && r.request().method() === 'DELETE');
  await question.getByRole('button', { name: 'Delete for good' }).click();
  assert.equal((await deleted).status(), 204);

  await pane.getByRole('status').getByText(/Your chat was deleted/).waitFor();
  assert.equal(await pane.getByRole('log').count(), 0, 'nothing of the conversation is shown');
  assert.equal(await pane.getByRole('textbox', { name: 'Message' }).count(), 0);
  assert.equal(await pane.getByText('Please forget my order history.').count(), 0);
  const after = await shop.request.get(new URL(href, relayUrl).href);
  assert.equal(after.status(), 401, 'the old token opens nothing');
});
