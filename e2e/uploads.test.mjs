// Attachments as a customer meets them: a program renamed to look like a photo is refused in
// the browser with a reason and a way forward, and nothing of it is sent; a phone photo is
// sent without its location, and shows in the conversation.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launchBrowser } from './harness.mjs';
import { PHOTO, attach, openConsole, startChat } from './customer.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** The first bytes of a Windows program: `MZ`, a pointer to the `PE` header, the header. */
function windowsProgram() {
  const bytes = Buffer.alloc(512);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(64, 0x3c);
  bytes.write('PE\0\0', 64, 'latin1');
  return bytes;
}

test('a program named invoice.jpg is refused in the browser and never uploaded', async () => {
  const { shop, pane } = await startChat(browser);
  const uploads = [];
  shop.on('request', (request) => {
    if (request.url().includes('/api/upload')) uploads.push(request.url());
  });
  await attach(shop, pane, 'invoice.jpg', windowsProgram());
  const alert = pane.getByRole('list', { name: 'Pictures' }).getByRole('alert');
  await alert.getByText(/invoice\.jpg was not sent/).waitFor();
  assert.match(await alert.innerText(), /program, not a picture/);
  assert.match(await alert.innerText(), /PNG or JPEG/);
  assert.deepEqual(uploads, []);
  await pane.getByRole('button', { name: 'Dismiss the note about invoice.jpg' }).click();
  await alert.waitFor({ state: 'detached' });
});

/** The photo's EXIF segment (APP1 `Exif`), which holds the GPS coordinates. */
function exifSegment(jpeg) {
  for (let at = 2; at + 4 < jpeg.length; ) {
    const marker = jpeg[at + 1];
    const length = jpeg.readUInt16BE(at + 2);
    if (marker === 0xe1 && jpeg.subarray(at + 4, at + 8).toString('latin1') === 'Exif') {
      return jpeg.subarray(at, at + 2 + length);
    }
    at += 2 + length;
  }
  return null;
}

test('a photo is sent without its location and shows in the conversation', async () => {
  const exif = exifSegment(PHOTO);
  assert.ok(exif, 'the fixture carries EXIF');
  const { shop, pane } = await startChat(browser);
  const sent = [];
  shop.on('request', (request) => {
    if (request.url().endsWith('/api/upload')) sent.push(request.postDataBuffer());
  });
  await attach(shop, pane, 'parcel.jpg', PHOTO);

  const pictures = pane.getByRole('list', { name: 'Pictures' });
  await pictures.getByText('Picture sent. Its location was removed.', { exact: false }).waitFor();
  // The picture is in the conversation, fetched back from the relay.
  const log = pane.getByRole('log', { name: 'Conversation' });
  const picture = log.getByRole('img', { name: 'Picture' });
  await picture.waitFor();
  await picture.evaluate((img) => img.decode());
  assert.ok(await picture.evaluate((img) => img.naturalWidth > 0), 'the relay serves the picture');

  // What left the browser: one upload, smaller, without the EXIF segment that held the GPS.
  assert.equal(sent.length, 1);
  assert.ok(sent[0].length < PHOTO.length, `${sent[0].length} < ${PHOTO.length}`);
  assert.equal(sent[0].indexOf(exif), -1, 'the original EXIF (with GPS) was not sent');

  // The operator sees it in the console.
  const console_ = await openConsole(browser);
  const conversations = console_.getByRole('button', { name: /conversation/i });
  await conversations.first().waitFor();
  // The newest conversation is this customer's; find the one holding a picture.
  const count = await conversations.count();
  let seen = false;
  for (let index = 0; index < count && !seen; index++) {
    await conversations.nth(index).click();
    const image = console_.getByRole('img', { name: /Picture from the customer/ });
    seen = await image.waitFor({ timeout: 2_000 }).then(() => true, () => false);
    if (seen) {
      await image.evaluate((img) => img.decode());
      assert.ok(await image.evaluate((img) => img.naturalWidth > 0));
    }
  }
  assert.ok(seen, 'the operator sees the picture');
});
