// The transcript a customer downloads from the pane: the consent record, both sides of the
// conversation, and a national ID only ever in its masked form.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { launchBrowser } from './harness.mjs';
import { answerAsOperator, startChat } from './customer.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const NATIONAL_ID = '44051401359';

/** Clicks the download link named `name` in the pane and returns the file's text. */
async function download(shop, pane, name) {
  const transcript = pane.getByText('Transcript', { exact: true });
  const link = pane.getByRole('link', { name });
  if (!(await link.isVisible())) await transcript.click();
  const [file] = await Promise.all([shop.waitForEvent('download'), link.click()]);
  assert.equal(await file.failure(), null);
  return readFile(await file.path(), 'utf8');
}

test('the customer downloads the transcript as text and HTML, the ID masked', async () => {
  const { shop, pane } = await startChat(browser);
  const marker = `order ${Date.now().toString(36)}`;
  await pane.getByRole('textbox', { name: 'Message' }).fill(`About ${marker}: my PESEL is ${NATIONAL_ID}`);
  const preview = await pane.getByRole('region', { name: 'Privacy check' }).locator('q').innerText();
  assert.ok(!preview.includes(NATIONAL_ID), preview);
  await pane.getByRole('button', { name: 'Send' }).click();
  const log = pane.getByRole('log', { name: 'Conversation' });
  await log.getByText('delivered', { exact: true }).waitFor();

  const answer = `Thanks, ${marker} ships on Monday.`;
  await answerAsOperator(browser, marker, answer);
  await log.getByText(answer, { exact: true }).waitFor();

  const text = await download(shop, pane, 'Download as plain text');
  assert.match(text, /^Consent: statement 2026-11 /m, 'the consent record with its version');
  assert.ok(text.includes(preview), 'the customer message, masked as previewed');
  assert.ok(text.includes(answer), 'the operator answer');
  assert.ok(!text.includes(NATIONAL_ID), 'the ID never in clear');

  const html = await download(shop, pane, 'Download as a web page (HTML)');
  assert.match(html, /<html/i);
  assert.match(html, /2026-11/);
  assert.ok(html.includes(marker) && html.includes('ships on Monday'), 'both messages');
  assert.ok(!html.includes(NATIONAL_ID), 'the ID never in clear');
});
