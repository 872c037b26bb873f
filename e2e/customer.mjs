// What a customer does, shared by the end-to-end tests: open the demo shop, open the
// chat and accept the privacy statement, attach a picture.

import { readFileSync } from 'node:fs';

import { operator, relayUrl, shopUrl } from './harness.mjs';

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

/**
 * Makes the demo page's script tag carry `attributes` (`{ theme: 'dark' }` is
 * `data-theme="dark"`), as a shop's tag would: set while the parser adds the tag, before the
 * deferred loader reads it.
 */
export async function embedWith(context, attributes) {
  await context.addInitScript((attributes) => {
    new MutationObserver((_, observer) => {
      const tag = document.querySelector('script[data-server]');
      if (tag) {
        Object.assign(tag.dataset, attributes);
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  }, attributes);
}

/** A phone photo with GPS coordinates in its EXIF (a fixture of the upload guard's tests). */
export const PHOTO = readFileSync(
  new URL('../crates/chatward-core/tests/data/upload/gps_rotated.jpg', import.meta.url),
);

/** Attaches `buffer` as the file `name` through the pane's picker, as a customer does. */
export async function attach(shop, pane, name, buffer, mimeType = 'image/jpeg') {
  const chooser = shop.waitForEvent('filechooser');
  await pane.getByRole('button', { name: 'Attach a picture' }).click();
  await (await chooser).setFiles({ name, mimeType, buffer });
}

/** Opens the shop and the chat, accepts the statement and waits until typing is possible. */
export async function startChat(browser, options, context) {
  const { shop, pane } = await openShop(browser, options, context);
  await shop.getByRole('button', { name: 'Open chat' }).click();
  await pane.getByRole('button', { name: 'Accept' }).click();
  await pane.getByRole('textbox', { name: 'Message' }).waitFor();
  return { shop, pane };
}

/**
 * Logs in to the operator console in a fresh browser context (made with `contextOptions`)
 * and returns its page once the console shows the logged-in operator.
 */
export async function openConsole(browser, contextOptions = {}) {
  const console_ = await (await browser.newContext(contextOptions)).newPage();
  console_.setDefaultTimeout(15_000);
  await console_.goto(`${relayUrl}/console/`);
  await console_.getByRole('textbox', { name: 'Username' }).fill(operator.username);
  await console_.getByLabel('Password').fill(operator.password);
  await console_.getByRole('button', { name: 'Log in' }).click();
  await console_.getByRole('button', { name: 'Log out' }).waitFor();
  return console_;
}

/** The pane's frame, for evaluating in it (locators go through the pane's frame locator). */
export function paneFrame(shop) {
  return shop.frames().find((frame) => frame.url().includes('/pane/'));
}

/**
 * As the operator: finds the conversation whose log shows `marker` (tests run side by side
 * on one relay, so the newest conversation may be someone else's) and sends `answer`.
 */
export async function answerAsOperator(browser, marker, answer) {
  const console_ = await openConsole(browser);
  const conversations = console_.getByRole('button', { name: /conversation/i });
  await conversations.first().waitFor();
  const log = console_.getByRole('log');
  const count = await conversations.count();
  for (let index = 0; index < count; index++) {
    await conversations.nth(index).click();
    const found = await log
      .getByText(marker)
      .first()
      .waitFor({ timeout: 2_000 })
      .then(() => true, () => false);
    if (found) {
      await console_.getByRole('textbox', { name: 'Reply' }).fill(answer);
      await console_.getByRole('button', { name: 'Send' }).click();
      return console_;
    }
  }
  throw new Error('the operator found no conversation showing the marker');
}
