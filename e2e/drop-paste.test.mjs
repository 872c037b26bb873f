// Pictures reach the pane by the file picker (uploads.test.mjs), by dragging them onto the
// pane and by pasting them into the message box. The two last ways go through the same guard:
// a screenshot dropped on the pane is sent without its location, and a program pasted as
// "image.png" is refused in the browser and never uploaded.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { launchBrowser } from './harness.mjs';
import { PANE_TITLE, startChat } from './customer.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** A PNG with GPS coordinates in an eXIf chunk (a fixture of the upload guard's tests). */
const PNG = readFileSync(new URL('../crates/chatward-core/tests/data/upload/gps_rotated.png', import.meta.url));

/** The data of the PNG's eXIf chunk, which holds the GPS coordinates (and the orientation). */
function exifChunk(png) {
  for (let at = 8; at + 8 <= png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.subarray(at + 4, at + 8).toString('latin1') === 'eXIf') return png.subarray(at + 8, at + 8 + length);
    at += 12 + length;
  }
  return null;
}

/** An ELF program header: what a Linux executable starts with. */
const PROGRAM = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);

/**
 * A `DataTransfer` made in the pane's frame (where `inFrame` lives) holding one file, as a
 * drag or the clipboard would carry it.
 */
function transfer(inFrame, name, type, bytes) {
  return inFrame.evaluateHandle(
    (_element, { name, type, bytes }) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], name, { type }));
      return data;
    },
    { name, type, bytes: [...bytes] },
  );
}

/** Every body POSTed to the relay's upload route from this page. */
function uploadsFrom(shop) {
  const sent = [];
  shop.on('request', (request) => {
    if (request.url().includes('/api/upload')) sent.push(request.postDataBuffer());
  });
  return sent;
}

test('a screenshot dragged onto the pane is sent without its location', async () => {
  assert.ok(exifChunk(PNG)?.length > 0, 'the fixture carries eXIf');
  const { shop, pane } = await startChat(browser);
  const sent = uploadsFrom(shop);
  const main = pane.getByRole('main', { name: PANE_TITLE });
  const data = await transfer(main, 'screenshot.png', 'image/png', PNG);
  await main.dispatchEvent('dragover', { dataTransfer: data });
  await main.dispatchEvent('drop', { dataTransfer: data });

  const pictures = pane.getByRole('list', { name: 'Pictures' });
  await pictures.getByText('Picture sent. Its location was removed.', { exact: false }).waitFor();
  // The thumbnail shows the cleaned copy, from a blob: URL the pane's CSP must allow.
  const thumbnail = pictures.getByRole('img', { name: 'Picture screenshot.png' });
  await thumbnail.evaluate((img) => img.decode());
  assert.ok(await thumbnail.evaluate((img) => img.naturalWidth > 0), 'the thumbnail shows');
  await pane.getByRole('log', { name: 'Conversation' }).getByRole('img', { name: 'Picture' }).waitFor();
  assert.equal(sent.length, 1, 'one upload');
  // The guard may keep a new eXIf with the orientation alone; the original, with GPS, is gone.
  assert.equal(sent[0].indexOf(exifChunk(PNG)), -1, 'the original eXIf data (with GPS) was not sent');
  assert.ok(sent[0].length < PNG.length, `${sent[0].length} < ${PNG.length}`);
});

test('a program pasted into the message box as image.png is refused and never uploaded', async () => {
  const { shop, pane } = await startChat(browser);
  const sent = uploadsFrom(shop);
  const box = pane.getByRole('textbox', { name: 'Message' });
  const data = await transfer(box, 'image.png', 'image/png', PROGRAM);
  await box.focus();
  await box.evaluate((element, clipboardData) => {
    element.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
  }, data);

  const alert = pane.getByRole('list', { name: 'Pictures' }).getByRole('alert');
  await alert.getByText(/image\.png was not sent/).waitFor();
  assert.match(await alert.innerText(), /program, not a picture/);
  assert.deepEqual(sent, [], 'nothing reached the relay');
  assert.equal(await box.inputValue(), '', 'the file did not become text in the draft');
});
