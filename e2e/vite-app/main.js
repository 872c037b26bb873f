/* The shop's script: mounts the chat (relay from the page's `?relay=` parameter, so the test
 * can point it at the relay under test) and checks the form with the privacy engine. */

import { mount } from "chatward";
import { checkUpload, scan } from "chatward/engine";

const relay = new URLSearchParams(location.search).get("relay") || "http://127.0.0.1:8080";
mount({ server: relay, title: "Vite Shop support" });

const notes = document.getElementById("notes");
const notesWarning = document.getElementById("notes-warning");
let typed = 0;
notes.addEventListener("input", async () => {
  const mine = ++typed;
  const findings = await scan(notes.value);
  if (mine !== typed) return; // a newer keystroke has its own answer
  const card = findings.some((finding) => finding.category === "CREDIT_CARD");
  notesWarning.textContent = card
    ? "Contains a card number. Please do not write card details in order notes."
    : "";
});

const photo = document.getElementById("photo");
const photoStatus = document.getElementById("photo-status");
photo.addEventListener("change", async () => {
  const file = photo.files && photo.files[0];
  if (!file) return;
  const verdict = await checkUpload(file);
  photoStatus.textContent = verdict.verdict === "block"
    ? verdict.message
    : `Photo ready (${verdict.format.toUpperCase()}, ${verdict.width}×${verdict.height}).`;
});
