// Browser benchmark (prints figures, asserts nothing): in headless Chromium against a running
// relay, (1) from a click on the launcher to a usable pane (the privacy gate's Accept button
// on screen), (2) scanning a 2,000-character draft with the privacy engine (the same core the
// pane runs), (3) checking and cleaning a ~5 MB photo with GPS. Run it with the harness's environment, as `cargo xtask test` sets it:
//   node e2e/bench/browser.bench.mjs

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { launchBrowser, relayUrl } from '../harness.mjs';

/** A ~5 MB camera-like JPEG (noise, 3000×2000, quality 95) with GPS in its EXIF, by Pillow. */
function photoWithGps() {
  const path = join(tmpdir(), 'chatward-bench-photo.jpg');
  execFileSync('python3', ['-c', `
from PIL import Image
image = Image.effect_noise((3000, 2000), 64).convert('RGB')
exif = Image.Exif()
exif[0x8825] = {1: 'N', 2: (54.0, 41.0, 12.5), 3: 'E', 4: (25.0, 16.0, 48.0)}
image.save(${JSON.stringify(path)}, quality=95, exif=exif)
`]);
  return readFileSync(path);
}
import { openShop } from '../customer.mjs';

const browser = await launchBrowser();
try {
  // 1. Click to usable pane, twenty fresh page loads (`open.bench.mjs` shows where it goes).
  const runs = 20;
  const opens = [];
  for (let run = 0; run < runs; run++) {
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
  const at = (q) => opens[Math.ceil(q * runs) - 1];
  console.log(`click to usable pane: median ${at(0.5)} ms, p90 ${at(0.9)} ms, best ${opens[0]} ms, ` +
    `worst ${opens[runs - 1]} ms (${runs} runs)`);

  // 2. The engine (the same core the pane runs) in a page on the relay's origin.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${relayUrl}/console/`);
  const photo = photoWithGps().toString('base64');
  const figures = await page.evaluate(async (photoBase64) => {
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

    const photo = Uint8Array.from(atob(photoBase64), (c) => c.charCodeAt(0));
    const upload = await engine.checkUpload(photo);
    const times = [];
    for (let i = 0; i < 10; i++) {
      started = performance.now();
      await engine.checkUpload(photo);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return {
      scanMs,
      photoBytes: photo.length,
      photoMs: times[5],
      photoBestMs: times[0],
      verdict: upload.verdict,
      gpsRemoved: upload.removed?.gps,
    };
  }, photo);
  console.log(`scan of a 2,000-character draft: ${(figures.scanMs * 1000).toFixed(0)} µs (mean of 200)`);
  console.log(`check and clean a ${(figures.photoBytes / 1e6).toFixed(1)} MB photo: median ${figures.photoMs.toFixed(1)} ms, ` +
    `best ${figures.photoBestMs.toFixed(1)} ms (${figures.verdict}, GPS removed: ${figures.gpsRemoved})`);
} finally {
  await browser.close();
}
