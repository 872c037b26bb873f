// What a customer does first, shared by the end-to-end tests: open the demo shop, open the
// chat and accept the privacy statement.

import { shopUrl } from './harness.mjs';

export const PANE_TITLE = 'Demo Shop support';

/**
 * Opens the demo shop (in `context`, or a new one made with `options`) and returns
 * `{ shop, pane }` before any click.
 */
export async function openShop(browser, options = {}, context = undefined) {
  context ??= await browser.newContext({ viewport: { width: 1100, height: 760 }, ...options });
  const shop = await context.newPage();
  shop.setDefaultTimeout(15_000);
  await shop.goto(shopUrl);
  return { shop, pane: shop.frameLocator(`iframe[title="${PANE_TITLE}"]`) };
}

/** Opens the shop and the chat, accepts the statement and waits until typing is possible. */
export async function startChat(browser, options, context) {
  const { shop, pane } = await openShop(browser, options, context);
  await shop.getByRole('button', { name: 'Open chat' }).click();
  await pane.getByRole('button', { name: 'Accept' }).click();
  await pane.getByRole('textbox', { name: 'Message' }).waitFor();
  return { shop, pane };
}
