// Accessibility as axe-core (npm) judges it, on every screen a customer or operator meets:
// the shop page with the launcher, the privacy gate, the conversation with a privacy note (also in
// the shop's dark theme),
// and the operator console. Zero violations allowed.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, operator, relayUrl } from './harness.mjs';
import { PANE_TITLE, embedWith, openShop, paneFrame } from './customer.mjs';
import { assertAccessible } from './axe.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

// axe's script is added to pages whose CSP forbids it: `bypassCSP` lets the test inject it.
const options = { bypassCSP: true };

test('the shop page, the privacy gate and the conversation have no axe violations', async () => {
  const { shop, pane } = await openShop(browser, options);
  await shop.getByRole('button', { name: 'Open chat' }).waitFor();
  await assertAccessible(shop.mainFrame(), 'shop page with the launcher');

  await shop.getByRole('button', { name: 'Open chat' }).click();
  await pane.getByRole('button', { name: 'Accept' }).waitFor();
  await assertAccessible(paneFrame(shop), 'privacy gate');

  await pane.getByRole('button', { name: 'Accept' }).click();
  await pane.getByRole('textbox', { name: 'Message' }).fill('Refund to DE89 3704 0044 0532 0130 00');
  await pane.getByRole('region', { name: 'Privacy check' }).waitFor();
  await assertAccessible(paneFrame(shop), 'conversation with a privacy note');
});

test("a shop's dark theme is dark on a light system, and has no axe violations", async () => {
  const context = await browser.newContext({
    ...options,
    colorScheme: 'light',
    viewport: { width: 1100, height: 760 },
  });
  await embedWith(context, { theme: 'dark' });
  const { shop, pane } = await openShop(browser, {}, context);
  await shop.getByRole('button', { name: 'Open chat' }).click();
  const gate = pane.getByRole('main', { name: PANE_TITLE });
  await pane.getByRole('button', { name: 'Accept' }).waitFor();
  // The pane's own dark background (the system asks for light), with light text on it.
  assert.equal(await gate.evaluate((main) => getComputedStyle(main).backgroundColor), 'rgb(23, 25, 28)');
  assert.equal(await gate.evaluate((main) => getComputedStyle(main).color), 'rgb(242, 242, 242)');
  await assertAccessible(paneFrame(shop), 'privacy gate, dark theme');

  await pane.getByRole('button', { name: 'Accept' }).click();
  await pane.getByRole('textbox', { name: 'Message' }).fill('My card is 4111 1111 1111 1111');
  await pane.getByRole('region', { name: 'Privacy check' }).waitFor();
  await assertAccessible(paneFrame(shop), 'conversation with a blocked card number, dark theme');
  await context.close();
});

test('the operator console has no axe violations', async () => {
  const context = await browser.newContext(options);
  const console_ = await context.newPage();
  console_.setDefaultTimeout(15_000);
  await console_.goto(`${relayUrl}/console/`);
  await console_.getByRole('button', { name: 'Log in' }).waitFor();
  await assertAccessible(console_.mainFrame(), 'console login');
  await console_.getByRole('textbox', { name: 'Username' }).fill(operator.username);
  await console_.getByLabel('Password').fill(operator.password);
  await console_.getByRole('button', { name: 'Log in' }).click();
  await console_.getByRole('button', { name: 'Log out' }).waitFor();
  await assertAccessible(console_.mainFrame(), 'console after login');
});
