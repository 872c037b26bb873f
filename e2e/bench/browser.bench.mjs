// Browser benchmark (prints figures, asserts nothing): in headless Chromium against a running
// relay, (1) from a click on the launcher to a usable pane (the privacy gate's Accept button
// on screen), (2) scanning a 2,000-character draft with the privacy engine (the same core the
// pane runs). Run it with the harness's environment, as `cargo xtask test` sets it:
//   node e2e/bench/browser.bench.mjs

import { launchBrowser, relayUrl } from '../harness.mjs';
import { openShop } from '../customer.mjs';

const browser = await launchBrowser();
try {
  // 1. Click to usable pane, ten fresh page loads.
  const opens = [];
  for (let run = 0; run < 10; run++) {
    const { shop, pane } = await openShop(browser);
    const launcher = shop.getByRole('button', { name: 'Open chat' });
    await launcher.waitFor();
    const started = Date.now();
    await launcher.click();
    await pane.getByRole('button', { name: 'Accept' }).waitFor();
    opens.push(Date.now() - started);
    await shop.context().close();
  }
  opens.sort((a, b) => a - b);
  console.log(`click to usable pane: median ${opens[5]} ms, best ${opens[0]} ms, worst ${opens[9]} ms (10 runs)`);

  // 2. The engine (the same core the pane runs) in a page on the relay's origin.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${relayUrl}/console/`);
  const figures = await page.evaluate(async () => {
    const engine = await import('/npm/engine.js');
    await engine.init();
    const sentence = 'Hi, my order 100234567 arrived damaged; call me on +44 20 7946 0958 or mail ' +
      'jane.doe@example.com. Refund to DE89 3704 0044 0532 0130 00, thanks! ';
    let draft = '';
    while (draft.length < 2000) draft += sentence;
    draft = draft.slice(0, 2000);
    for (let i = 0; i < 20; i++) await engine.scan(draft);
    const runs = 200;
    let started = performance.now();
    for (let i = 0; i < runs; i++) await engine.scan(draft);
    const scanMs = (performance.now() - started) / runs;

    return { scanMs };
  });
  console.log(`scan of a 2,000-character draft: ${(figures.scanMs * 1000).toFixed(0)} µs (mean of 200)`);
} finally {
  await browser.close();
}
