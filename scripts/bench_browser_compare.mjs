// bench_browser_compare.mjs — not a test: drops two image archives at once on the built site in
// headless Chromium (the Compare view) and prints one JSON line: how long from the drop to the
// comparison's summary, what the comparison read (bodies hashed and their bytes, from the page),
// the page's peak JS heap, and whether anything left loopback. Issue 14's browser benchmark:
// scripts/bench_compare.sh builds the pair (the 1 GiB image and it with one more layer) and times
// `tarsier diff` and `diff -r` on it; docs/benchmarks.md puts the three side by side.
//
// usage: node scripts/bench_browser_compare.mjs A.tar B.tar [--timeout-min M]
//   env: TARSIER_DIST (the site to serve, default dist/), CHROMIUM (default /usr/bin/chromium)
import { parseArgs } from 'node:util';
import { resolve, basename } from 'node:path';
import { serve, launch, open, foreign } from '../tests/e2e/harness.mjs';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'timeout-min': { type: 'string', default: '30' } } });
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
  const data = { items: [], files: [a, b], dragOperationsMask: 1 };
  const started = Date.now();
  for (const type of ['dragEnter', 'dragOver', 'drop']) await cdp.send('Input.dispatchDragEvent', { type, x: 200, y: 300, data });
  const summary = page.locator('.compare-summary');
  await summary.waitFor({ timeout: Number(values['timeout-min']) * 60_000 });
  const elapsed = Date.now() - started;
  sampling = false;
  await sampler;
  const count = async (key) => Number(await page.locator(`.compare-summary dd[data-count="${key}"]`).textContent());
  const hashed = await page.getByText(/file bodies \(.*\) were read to tell same-size files apart\./).textContent().catch(() => null);
  console.log(JSON.stringify({
    a: basename(a), b: basename(b),
    drop_to_summary_ms: elapsed,
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
