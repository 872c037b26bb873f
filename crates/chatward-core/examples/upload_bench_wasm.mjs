// Times the upload guard compiled to WebAssembly in V8 (Chromium's engine) and prints the
// figures. Usage: node upload_bench_wasm.mjs path/to/upload_bench_wasm.wasm
import { readFileSync } from 'node:fs';

const path = process.argv[2];
if (!path) {
  console.error('usage: node upload_bench_wasm.mjs <upload_bench_wasm.wasm>');
  process.exit(2);
}
const wasm = readFileSync(path);
const { instance } = await WebAssembly.instantiate(wasm, {});
const api = instance.exports;

for (const [name, size, check] of [['jpeg photo', api.photo_len, api.check_photo], ['png', api.png_len, api.check_png]]) {
  const bytes = size();
  if (check() === 0) {
    console.error(`${name}: refused, the benchmark picture is broken`);
    process.exit(1);
  }
  const runs = 30;
  let best = Infinity;
  let total = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    check();
    const spent = performance.now() - start;
    best = Math.min(best, spent);
    total += spent;
  }
  const mb = bytes / 1e6;
  const mean = total / runs;
  console.log(`wasm ${name}: ${mb.toFixed(1)} MB check+clean best ${best.toFixed(2)} ms (${(mb / best * 1e3).toFixed(0)} MB/s), mean ${mean.toFixed(2)} ms (${(mb / mean * 1e3).toFixed(0)} MB/s); wasm ${wasm.length} bytes`);
}
