//! Shared setup for the end-to-end tests: the browser and the relay under test.
//
// `cargo xtask test` starts the relay (`chatward serve --listen 127.0.0.1:0 --demo-shop
// 127.0.0.1:0 --demo-operator ...`), then runs `node --test e2e/` with the environment
// variables read below. Tests import from here instead of reading the environment themselves.

import { chromium } from 'playwright-core';

/** Debian's Chromium: playwright's own browser downloads cannot work on our machines. */
export const CHROMIUM_PATH = process.env.CHATWARD_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that let Chromium run headless as root in a container without a GPU or network. */
export const CHROMIUM_ARGS = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]);

function required(name) {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(
      `${name} is not set: run the end-to-end tests through \`cargo xtask test\`, ` +
        'which starts the relay and sets it',
    );
  }
  return value;
}

/** The relay's origin, e.g. `http://127.0.0.1:41234` (serves `/chatward.js`, `/pane/`, `/console/`). */
export const relayUrl = required('CHATWARD_RELAY_URL');

/** The demo shop page's origin (a different origin from the relay, as in real life). */
export const shopUrl = required('CHATWARD_SHOP_URL');

/** The demo operator's login, for the console. */
export const operator = Object.freeze({
  username: required('CHATWARD_OPERATOR_USER'),
  password: required('CHATWARD_OPERATOR_PASSWORD'),
});

/**
 * Starts headless Chromium. Close it in an `after` hook: `await browser.close()`.
 * @param {import('playwright-core').LaunchOptions} [options] merged over the defaults
 * @returns {Promise<import('playwright-core').Browser>}
 */
export function launchBrowser(options = {}) {
  const { args = [], executablePath = CHROMIUM_PATH, ...rest } = options;
  return chromium.launch({ ...rest, executablePath, args: [...CHROMIUM_ARGS, ...args] });
}
