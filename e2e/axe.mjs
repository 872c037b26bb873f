// axe-core, run the way every end-to-end test runs it: in a page or a frame, failing with a
// readable list of violations. Pages whose CSP forbids injected scripts need a browser
// context made with `bypassCSP: true`.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Runs axe in `frame` (a page or an iframe) and fails listing each violation and where. */
export async function assertAccessible(frame, what) {
  await frame.addScriptTag({ path: AXE });
  const violations = await frame.evaluate(async () => {
    const result = await globalThis.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes
      .map((n) => n.target.join(' '))
      .join(', ')}`);
  });
  assert.deepEqual(violations, [], `${what}:\n${violations.join('\n')}`);
}
