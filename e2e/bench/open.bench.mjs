// Browser benchmark (prints figures, asserts nothing): from a click on the launcher to a usable
// pane (the privacy gate's Accept button on screen) in headless Chromium, with where the time
// goes: the pane's page and files (Resource Timing, bytes on the wire), the wasm start and the
// relay's link (boot.js's performance marks), and the Accept button's arrival in the pane's DOM
// (a MutationObserver this benchmark injects). Two kinds of visit, N of each:
// - first visit: a fresh browser context, nothing cached;
// - returning visit: the same context a second time, files cached and revalidated (304s).
// All times are ms after the click, in the browser's clock; "seen by playwright" is the
// node-side figure `browser.bench.mjs` reports, which adds the test driver's own delay.
// Run it through the harness, `cargo xtask e2e e2e/bench/open.bench.mjs`, or with the
// harness's environment: `node e2e/bench/open.bench.mjs [runs] [language]` (default 20 runs,
// English; a language such as `de` makes the browser's locale German, so the pane also
// fetches its words).

import { readFileSync } from 'node:fs';

import { launchBrowser } from '../harness.mjs';
import { openShop } from '../customer.mjs';

const RUNS = Number(process.argv[2] ?? process.env.CHATWARD_BENCH_RUNS ?? 20);
const LANG = process.argv[3] ?? process.env.CHATWARD_BENCH_LANG ?? 'en';
/** The Accept button's name in LANG. */
const ACCEPT = LANG === 'en' ? 'Accept' : JSON.parse(
  readFileSync(new URL(`../../web/i18n/${LANG}.json`, import.meta.url), 'utf8'))['gate.accept'];

/** The value at quantile `q` (0..1) of `values`, nearest rank. */
function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** A browser context whose pane frames mark when the Accept button is in the DOM. */
async function benchContext(browser) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: LANG });
  // Runs in every frame before the frame's own scripts; only the pane watches.
  await context.addInitScript((acceptName) => {
    if (!location.pathname.startsWith('/pane/')) return;
    new MutationObserver((_, observer) => {
      const accept = [...document.querySelectorAll('button')]
        .find((button) => button.textContent.trim() === acceptName);
      if (!accept) return;
      observer.disconnect();
      performance.mark('bench:accept-in-dom');
      requestAnimationFrame(() => performance.mark('bench:accept-next-frame'));
    }).observe(document, { childList: true, subtree: true });
  }, ACCEPT);
  return context;
}

/** One visit in `context`: open the shop, click, wait for Accept, read the pane's timeline. */
async function visit(browser, context) {
  const { shop, pane } = await openShop(browser, {}, context);
  try {
    const launcher = shop.getByRole('button', { name: 'Open chat' });
    await launcher.waitFor();
    // The click's time in the shop page's clock (epoch ms), so the pane's entries line up.
    await shop.evaluate(() => {
      document.addEventListener('click', () => {
        window.chatwardBenchClick = performance.timeOrigin + performance.now();
      }, { capture: true, once: true });
    });
    const started = Date.now();
    await launcher.click();
    await pane.getByRole('button', { name: ACCEPT }).waitFor();
    const seen = Date.now() - started;
    const clickAt = await shop.evaluate(() => window.chatwardBenchClick);
    const frame = shop.frames().find((f) => new URL(f.url()).pathname.startsWith('/pane/'));
    const timeline = await frame.evaluate(() => ({
      origin: performance.timeOrigin,
      entries: performance.getEntries()
        .filter((e) => ['navigation', 'resource', 'mark'].includes(e.entryType))
        .map((e) => ({
          type: e.entryType,
          name: e.name,
          start: e.startTime,
          end: e.responseEnd ?? e.startTime,
          transfer: e.transferSize ?? 0,
        })),
    }));
    const at = (time) => timeline.origin + time - clickAt;
    const phases = { 'Accept seen by playwright': seen };
    for (const entry of timeline.entries) {
      if (entry.type === 'mark') {
        phases[entry.name] = at(entry.start);
        continue;
      }
      const file = entry.type === 'navigation' ? 'page' : new URL(entry.name).pathname.replace(/^\/pane\//, '');
      phases[`${file} requested`] = at(entry.start);
      phases[`${file} loaded`] = at(entry.end);
      phases[`${file} bytes`] = entry.transfer;
    }
    return phases;
  } finally {
    await shop.close();
  }
}

/** Prints median and p90 of every phase over `runs`, in order of their medians. */
function report(title, runs) {
  const names = [...new Set(runs.flatMap((run) => Object.keys(run)))];
  const rows = names.map((name) => {
    const values = runs.map((run) => run[name]).filter((value) => value !== undefined);
    return { name, median: quantile(values, 0.5), p90: quantile(values, 0.9), n: values.length };
  });
  const isBytes = (row) => row.name.endsWith(' bytes');
  rows.sort((a, b) => (isBytes(a) - isBytes(b)) || a.median - b.median);
  console.log(`${title}, ${runs.length} runs, language ${LANG} (ms after the click; bytes on the wire):`);
  for (const row of rows) {
    console.log(`  ${row.name.padEnd(34)} median ${row.median.toFixed(0).padStart(7)}` +
      `  p90 ${row.p90.toFixed(0).padStart(7)}${row.n < runs.length ? `  (in ${row.n} runs)` : ''}`);
  }
}

const browser = await launchBrowser();
try {
  // Warm-up: the relay's first answers and Chromium's first renderer processes.
  const warmUp = await benchContext(browser);
  await visit(browser, warmUp);
  await warmUp.close();

  const first = [];
  const returning = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await benchContext(browser);
    try {
      first.push(await visit(browser, context));
      returning.push(await visit(browser, context));
    } finally {
      await context.close();
    }
  }
  report('click to usable pane, first visit', first);
  report('click to usable pane, returning visit', returning);
} finally {
  await browser.close();
}
