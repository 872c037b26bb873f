//! The npm package as a shop's developer uses it: the packed tarball from `cargo xtask dist`
//! installed into a fresh Vite app, built, served, and used by a person in a real browser.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { launchBrowser, relayUrl } from './harness.mjs';

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));
const distDir = process.env.CHATWARD_DIST_DIR || join(here, '..', 'dist');
const viteBin = join(here, 'node_modules', 'vite', 'bin', 'vite.js');
const tscBin = join(here, 'node_modules', 'typescript', 'bin', 'tsc');

/** A Windows program's first bytes (DOS header pointing at a PE header), named like a photo. */
function programNamedAsPhoto() {
  const bytes = Buffer.alloc(512);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'latin1');
  return { name: 'invoice.jpg', mimeType: 'image/jpeg', buffer: bytes };
}

/** A genuine 1×1 grey PNG. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010800000000' +
    '3a7e9b550000000a49444154789c636800000082008177cd72b60000000049454e44ae426082',
  'hex',
);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

let app; // the temporary copy of the fixture
let server;
let appUrl;
let browser;

before(async () => {
  const tarballs = (await readdir(distDir)).filter((name) => /^chatward-.*\.tgz$/.test(name));
  assert.equal(tarballs.length, 1, `one packed tarball in dist/ (run cargo xtask dist): ${tarballs}`);
  const tarball = join(distDir, tarballs[0]);

  app = await mkdtemp(join(tmpdir(), 'chatward-vite-'));
  await cp(join(here, 'vite-app'), app, { recursive: true });
  // The tarball has no dependencies, so this needs no registry.
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', tarball], {
    cwd: app,
  });
  await run(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], { cwd: app });

  const built = join(app, 'dist');
  server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname));
    const file = join(built, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(built)) {
      response.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${server.address().port}`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  if (app) await rm(app, { recursive: true, force: true });
});

async function openShop() {
  const page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${appUrl}/?relay=${encodeURIComponent(relayUrl)}`);
  return page;
}

test('the Vite build bundles the engine wasm as an asset', async () => {
  const assets = await readdir(join(app, 'dist', 'assets'));
  assert.ok(
    assets.some((name) => /^chatward_engine_bg.*\.wasm$/.test(name)),
    `a chatward_engine wasm among ${assets.join(', ')}`,
  );
});

test('the self-hostable pane carries the upload guard beside boot.js', async () => {
  const pane = await readdir(join(app, 'node_modules', 'chatward', 'pane'));
  for (const file of ['boot.js', 'chatward_bg.wasm', 'guard.js', 'guard_bg.wasm']) {
    assert.ok(pane.includes(file), `pane/${file} in the package: ${pane.join(', ')}`);
  }
});

test("the TypeScript declarations check a shop's code and catch its mistakes", async () => {
  // types.ts uses every export and marks wrong uses with @ts-expect-error, which fails the
  // check when the declarations let a mistake through.
  await run(process.execPath, [tscBin, '-p', app], { cwd: app }).catch((error) => {
    assert.fail(`tsc found problems:\n${error.stdout}${error.stderr}`);
  });
});

test('the launcher opens the pane from the relay', async () => {
  const page = await openShop();
  try {
    assert.equal(await page.locator('iframe').count(), 0, 'no iframe before the launcher is clicked');
    await page.getByRole('button', { name: 'Open chat' }).click();
    const frame = page.locator('iframe[title="Vite Shop support"]');
    await frame.waitFor();
    assert.ok((await frame.getAttribute('src')).startsWith(`${relayUrl}/pane/`));
    const pane = page.frameLocator('iframe[title="Vite Shop support"]');
    await pane.getByRole('heading', { name: 'Before we chat' }).waitFor();
    await page.getByRole('button', { name: 'Close chat' }).waitFor();
  } finally {
    await page.close();
  }
});

test('the shop form warns about a card number in the order notes', async () => {
  const page = await openShop();
  try {
    const notes = page.getByRole('textbox', { name: 'Order notes' });
    const warning = page.getByRole('alert');
    await notes.fill('Please charge my card 4111 1111 1111 1111 for the gift wrap');
    await warning.filter({ hasText: 'Contains a card number' }).waitFor();
    // An order number is not a card: the warning goes away.
    await notes.fill('Order 20261125-0042, leave it at the door');
    await page.waitForFunction(() => document.getElementById('notes-warning').textContent === '');
  } finally {
    await page.close();
  }
});

test('the shop form refuses a program named like a photo and accepts a real one', async () => {
  const page = await openShop();
  try {
    const input = page.getByLabel('Photo of the damaged item');
    const status = page.getByRole('status');
    await input.setInputFiles(programNamedAsPhoto());
    await status.filter({ hasText: 'This file is a program, not a picture.' }).waitFor();
    await input.setInputFiles({ name: 'item.png', mimeType: 'image/png', buffer: PNG });
    await status.filter({ hasText: 'Photo ready (PNG, 1×1).' }).waitFor();
  } finally {
    await page.close();
  }
});

test('the engine also runs in Node, with JavaScript string offsets and the policy', async () => {
  const engine = await import(pathToFileURL(join(app, 'node_modules', 'chatward', 'engine.js')).href);
  const text = 'Grüße 😀 card 4111 1111 1111 1111';
  const [card] = (await engine.scan(text)).filter((f) => f.category === 'CREDIT_CARD');
  assert.ok(card, 'the card is found');
  assert.equal(text.slice(card.start, card.end), '4111 1111 1111 1111');
  assert.equal(card.subtype, 'VISA');

  const verdict = await engine.judge(text);
  assert.equal(verdict.action, 'block');
  assert.ok(verdict.masked.endsWith('1111') && !verdict.masked.includes('4111 1111'));
  assert.equal((await engine.judge(text, { CREDIT_CARD: 'warn' })).action, 'warn');
  await assert.rejects(engine.judge(text, { CREDIT_CARD: 'shred' }), /shred/);

  const shopAddress = 'write to help@shop.example';
  assert.deepEqual((await engine.scan(shopAddress)).map((f) => f.category), ['EMAIL']);
  assert.deepEqual(await engine.scan(shopAddress, { allow: ['help@shop.example'] }), []);

  const refused = await engine.checkUpload(programNamedAsPhoto().buffer);
  assert.deepEqual([refused.verdict, refused.reason, refused.format], ['block', 'executable', 'pe']);
  const allowed = await engine.checkUpload(PNG);
  assert.equal(allowed.verdict, 'allow');
  assert.ok(allowed.cleaned instanceof Uint8Array && allowed.cleaned.length > 0);
  assert.equal((await engine.checkUpload(PNG, { maxBytes: 10 })).reason, 'too-large');
  await assert.rejects(engine.checkUpload(PNG, { maxBytes: -1 }), /maxBytes/);
});
