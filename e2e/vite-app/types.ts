// Type-checked by e2e/npm-package.test.mjs (`tsc --noEmit`), never bundled: the package's
// TypeScript declarations as a TypeScript shop would use them.
import { mount, type Widget } from "chatward";
import { checkUpload, judge, scan, type Finding, type UploadVerdict } from "chatward/engine";

const widget: Widget | null = mount({ server: "https://chat.example.com", "policy-iban": "block" });
widget?.on("message", () => undefined).open();

export async function check(text: string, file: File): Promise<string> {
  const findings: Finding[] = await scan(text, { allow: ["help@shop.example"] });
  const verdict: UploadVerdict = await checkUpload(file, { maxBytes: 1024 });
  const judged = await judge(text, { CREDIT_CARD: "warn" });
  const upload = verdict.verdict === "block" ? verdict.message : verdict.cleaned.byteLength;
  return `${findings.length} ${judged.action} ${judged.masked} ${upload}`;
}

// Mistakes the declarations must catch.
// @ts-expect-error: `server` is required.
mount({ title: "Help" });
// @ts-expect-error: not an event the widget emits.
widget?.on("typing", () => undefined);
// @ts-expect-error: not an action.
void judge("x", { CREDIT_CARD: "shred" });
// @ts-expect-error: `cleaned` exists only on an allowed upload.
void checkUpload(new Uint8Array()).then((v) => v.cleaned);
