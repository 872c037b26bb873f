// Attachments as a customer meets them: a program renamed to look like a photo is refused in
// the browser with a reason and a way forward, and nothing of it is sent.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launchBrowser } from './harness.mjs';
import { startChat } from './customer.mjs';

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
  const chooser = shop.waitForEvent('filechooser');
  await pane.getByRole('button', { name: 'Attach a picture' }).click();
  await (await chooser).setFiles({ name: 'invoice.jpg', mimeType: 'image/jpeg', buffer: windowsProgram() });
  const alert = pane.getByRole('list', { name: 'Pictures' }).getByRole('alert');
  await alert.getByText(/invoice\.jpg was not sent/).waitFor();
  assert.match(await alert.innerText(), /program, not a picture/);
  assert.match(await alert.innerText(), /PNG or JPEG/);
  assert.deepEqual(uploads, []);
  await pane.getByRole('button', { name: 'Dismiss the note about invoice.jpg' }).click();
  await alert.waitFor({ state: 'detached' });
});
