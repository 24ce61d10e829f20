// bench_browser_compare.mjs — not a test: drops two image archives at once on the built site in
// headless Chromium (the Compare view) and prints one JSON line: how long from the drop to the
// comparison's summary, what the comparison read (bodies hashed and their bytes, from the page),
// the page's peak JS heap, and whether anything left loopback. Issue 14's browser benchmark:
// scripts/bench_compare.sh builds the pair (the 1 GiB image and it with one more layer) and times
// `tarsier diff` and `diff -r` on it; docs/benchmarks.md puts the three side by side.
//
// With --with, A is opened on the page first (the time to open it is reported apart), then
// "Compare with…" B: the comparison's worker adopts A's index from A's own worker instead of
// reading A's layers again. Both ways print the comparison worker's wasm memory (its peak) and
// the bytes of A it read.
//
// usage: node scripts/bench_browser_compare.mjs A.tar B.tar [--with] [--timeout-min M]
//   env: TARSIER_DIST (the site to serve, default dist/), CHROMIUM (default /usr/bin/chromium)
import { parseArgs } from 'node:util';
import { resolve, basename } from 'node:path';
import { serve, launch, open, foreign, OPEN_IMAGE } from '../tests/e2e/harness.mjs';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'timeout-min': { type: 'string', default: '30' }, with: { type: 'boolean', default: false } } });
if (positionals.length !== 2) {
  console.error('usage: node scripts/bench_browser_compare.mjs A.tar B.tar [--timeout-min M]');
  process.exit(2);
}
const [a, b] = positionals.map((p) => resolve(p));
const server = await serve();
const browser = await launch();
try {
  const { page, requests, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  const cdp = await page.context().newCDPSession(page);
  let heapPeak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      try { heapPeak = Math.max(heapPeak, (await cdp.send('Runtime.getHeapUsage')).usedSize); } catch { /* busy */ }
      await new Promise((ok) => setTimeout(ok, 500));
    }
  })();
  const timeout = Number(values['timeout-min']) * 60_000;
  let openMs = null;
  let started;
  if (values.with) {
    const opening = Date.now();
    await page.getByLabel(OPEN_IMAGE).setInputFiles(a);
    // The control appears once the archive is indexed (its worker holds the index).
    await page.getByLabel('Compare with another archive…').waitFor({ state: 'attached', timeout });
    openMs = Date.now() - opening;
    started = Date.now();
    await page.getByLabel('Compare with another archive…').setInputFiles(b);
  } else {
    const data = { items: [], files: [a, b], dragOperationsMask: 1 };
    started = Date.now();
    for (const type of ['dragEnter', 'dragOver', 'drop']) await cdp.send('Input.dispatchDragEvent', { type, x: 200, y: 300, data });
  }
  const summary = page.locator('.compare-summary');
  await summary.waitFor({ timeout });
  const elapsed = Date.now() - started;
  sampling = false;
  await sampler;
  const count = async (key) => Number(await page.locator(`.compare-summary dd[data-count="${key}"]`).textContent());
  const hashed = await page.getByText(/file bodies \(.*\) were read to tell same-size files apart\./).textContent().catch(() => null);
  const attr = async (name) => Number(await page.locator('section.compare-page').getAttribute(name));
  console.log(JSON.stringify({
    a: basename(a), b: basename(b),
    mode: values.with ? 'open A, then compare with B' : 'both dropped at once',
    open_a_ms: openMs,
    to_summary_ms: elapsed,
    worker_wasm_memory_bytes: await attr('data-worker-memory'),
    layers_of_a_given: await attr('data-layers-given'),
    read_of_a_bytes: await attr('data-read-a'),
    added: await count('added'), removed: await count('removed'), changed: await count('changed'),
    hashed,
    page_heap_peak_bytes: heapPeak,
    foreign_requests: foreign(requests, server.origin),
    errors,
  }));
} finally {
  await browser.close();
  await server.close();
}
