// bench_browser_build.mjs — not a test: on the built site in headless Chromium, opens BASE.tar,
// builds on it (one text file added: the base's layers are reused byte for byte, hashed while
// streaming) and prints one JSON line: the time to open the base, the time from "Build" to the
// result, the build worker's wasm memory when it answered (its peak: wasm memory never shrinks),
// the built archive's size, and whether anything left loopback. Run it on archives of different
// sizes with the same number of files (scripts/bench_browser.sh makes big-1g.tar and big-4g.tar)
// to see that the build's memory does not grow with the bytes (issue 13).
//
// usage: node scripts/bench_browser_build.mjs BASE.tar [--timeout-min M]
//   env: TARSIER_DIST (the site to serve, default dist/), CHROMIUM (default /usr/bin/chromium)
import { parseArgs } from 'node:util';
import { resolve, basename } from 'node:path';
import { serve, launch, open, foreign, OPEN_IMAGE } from '../tests/e2e/harness.mjs';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'timeout-min': { type: 'string', default: '30' } } });
if (positionals.length !== 1) {
  console.error('usage: node scripts/bench_browser_build.mjs BASE.tar [--timeout-min M]');
  process.exit(2);
}
const base = resolve(positionals[0]);
const timeout = Number(values['timeout-min']) * 60_000;
const server = await serve();
const browser = await launch();
try {
  const { page, requests, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  const opening = Date.now();
  await page.getByLabel(OPEN_IMAGE).setInputFiles(base);
  await page.locator('.archive dd', { hasText: basename(base) }).waitFor({ timeout });
  const openMs = Date.now() - opening;
  await page.getByRole('button', { name: 'Build an image' }).click();
  await page.getByLabel(/Build on the image open in Tarsier/).check();
  await page.getByRole('button', { name: 'Add a file' }).click();
  const row = page.locator('fieldset.change').last();
  await row.getByLabel('Path').fill('/bench/added.txt');
  await row.getByLabel('Content').fill('added by bench_browser_build.mjs\n');
  const started = Date.now();
  await page.locator('#build-button').click();
  await page.locator('.archive dd', { hasText: 'image.tar' }).waitFor({ timeout });
  const buildMs = Date.now() - started;
  await page.getByRole('button', { name: 'Build an image' }).click();
  const result = page.locator('#build-result');
  console.log(JSON.stringify({
    base: basename(base),
    open_base_ms: openMs,
    build_to_result_ms: buildMs,
    build_worker_wasm_memory_bytes: Number(await result.getAttribute('data-worker-memory')),
    result: (await result.locator('p').first().textContent()).trim(),
    foreign_requests: foreign(requests, server.origin),
    errors,
  }));
} finally {
  await browser.close();
  await server.close();
}
