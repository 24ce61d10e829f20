// bench_browser.mjs — not a test: drops one image archive on the built site in headless Chromium
// and prints one JSON line with how long indexing took and how much memory it needed.
//
// usage: node scripts/bench_browser.mjs ARCHIVE [--runs N] [--timeout-min M]
//   env: TARSIER_DIST (the site to serve, default dist/), CHROMIUM (default /usr/bin/chromium)
//
// What it does, per run (a fresh page each time; with --runs N > 1 every run is printed on stderr
// and the LAST one on stdout, so "run twice, report the warm run" is `--runs 2`):
//   1. serves dist/ on loopback (tests/e2e/harness.mjs `serve`) and launches Debian's Chromium
//      with the harness's flags (`launch`) — the page talks to nothing but that loopback origin,
//      which is checked (`foreign_requests` must be empty);
//   2. clicks "Container image", installs a MutationObserver that stamps `performance.now()` when
//      the overview shown while the layers are indexed (`#image-preview`, uncompressed archives
//      only) and when the full report's `.archive[data-elapsed-ms]` appear, stamps the start just
//      before the drop, then drags the file in from disk with CDP `Input.dispatchDragEvent` (as a
//      user's mouse would);
//   3. waits (default 30 min) for the overview's archive card and reads its data attributes:
//      `data-elapsed-ms` (the worker's own wall time of indexing), `data-wasm-memory` (the worker's
//      WebAssembly memory at the end = its peak, wasm memory never shrinks), `data-bytes-read`;
//   4. samples the page's JS heap (CDP `Runtime.getHeapUsage`) every 500 ms while waiting and
//      keeps the peak; after indexing it also asks the image worker for its JS heap when the
//      browser exposes one (`performance.memory` in the worker; null when it does not).
//
// Output fields: archive, archive_bytes, files_indexed, members, drop_to_overview_ms (page-side, from
// just before the CDP drop to the overview appearing; null when none was shown, as for a
// compressed archive), drop_to_index_ms (the same to the full report's card), worker_elapsed_ms, wasm_memory_bytes,
// bytes_read, page_heap_peak_bytes, worker_js_heap_bytes, foreign_requests, errors, run, runs.
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { resolve, basename } from 'node:path';
import { serve, launch, open, foreign } from '../tests/e2e/harness.mjs';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string', default: '1' }, 'timeout-min': { type: 'string', default: '30' } } });
const runs = Number(values.runs);
const timeoutMin = Number(values['timeout-min']);
if (positionals.length !== 1 || !(runs >= 1)) {
  console.error('usage: node scripts/bench_browser.mjs ARCHIVE [--runs N] [--timeout-min M]');
  process.exit(2);
}
const archive = resolve(positionals[0]);
const archiveBytes = (await stat(archive)).size;

async function once(browser, server, run) {
  const { page, context, requests, errors } = await open(browser, server.url);
  const dbg = (m) => { if (process.env.BENCH_DEBUG) console.error(`[bench] ${m}`); };
  dbg("opened");
  const workers = [];
  page.on('worker', (w) => workers.push(w));
  await page.getByRole('button', { name: 'Container image' }).click();
  dbg("image tool");
  // The page stamps the moment the card appears, so the time is not the poll interval's.
  await page.evaluate(() => {
    window.__benchDone = null;
    window.__benchOverview = null;
    const seen = () => document.querySelector('.archive[data-elapsed-ms]') || document.querySelector('#image-error');
    new MutationObserver((_, obs) => {
      if (window.__benchOverview === null && document.querySelector('#image-preview')) window.__benchOverview = performance.now();
      if (seen()) { window.__benchDone = performance.now(); obs.disconnect(); }
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });

  const cdp = await context.newCDPSession(page);
  let heapPeak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      try {
        const { usedSize } = await cdp.send('Runtime.getHeapUsage');
        heapPeak = Math.max(heapPeak, usedSize);
      } catch { /* page busy or closing */ }
      await new Promise((ok) => setTimeout(ok, 500));
    }
  })();

  const data = { items: [], files: [archive], dragOperationsMask: 1 };
  await page.evaluate(() => { window.__benchStart = performance.now(); });
  for (const type of ['dragEnter', 'dragOver', 'drop']) {
    await cdp.send('Input.dispatchDragEvent', { type, x: 200, y: 300, data });
  }
  dbg("dropped");
  await page.waitForFunction(() => window.__benchDone !== null, null, { timeout: timeoutMin * 60_000, polling: 250 });
  sampling = false;
  await sampler;

  const failed = await page.locator('#image-error').count();
  if (failed) throw new Error(`the page reported an error: ${await page.locator('#image-error').textContent()}`);
  const card = page.locator('.archive[data-elapsed-ms]');
  const row = async (label) => {
    const dd = card.locator('dt', { hasText: label }).locator('xpath=following-sibling::dd[1]');
    return (await dd.count()) ? (await dd.first().textContent()).trim() : null;
  };
  const dropToIndex = await page.evaluate(() => window.__benchDone - window.__benchStart);
  const dropToOverview = await page.evaluate(() => (window.__benchOverview === null ? null : window.__benchOverview - window.__benchStart));
  let workerHeap = null;
  for (const w of workers) {
    try {
      const v = await w.evaluate(() => (self.performance && self.performance.memory ? self.performance.memory.usedJSHeapSize : null));
      if (v != null) workerHeap = Math.max(workerHeap ?? 0, v);
    } catch { /* worker gone */ }
  }
  const result = {
    archive: basename(archive),
    archive_bytes: archiveBytes,
    files_indexed: Number(((await row('Entries indexed')) ?? '').split(' ')[0] || NaN),
    members: Number((await row('Members')) ?? NaN),
    drop_to_overview_ms: dropToOverview === null ? null : Math.round(dropToOverview),
    drop_to_index_ms: Math.round(dropToIndex),
    worker_elapsed_ms: Number(await card.getAttribute('data-elapsed-ms')),
    wasm_memory_bytes: Number(await card.getAttribute('data-wasm-memory')),
    bytes_read: Number(await card.getAttribute('data-bytes-read')),
    page_heap_peak_bytes: heapPeak,
    worker_js_heap_bytes: workerHeap,
    foreign_requests: foreign(requests, server.origin),
    errors,
    run,
    runs,
  };
  await cdp.detach().catch(() => {});
  await context.close();
  return result;
}

const server = await serve();
const browser = await launch();
let last;
try {
  for (let run = 1; run <= runs; run++) {
    last = await once(browser, server, run);
    if (runs > 1) console.error(JSON.stringify(last));
    if (last.foreign_requests.length) throw new Error(`requests left loopback: ${last.foreign_requests.join(', ')}`);
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(JSON.stringify(last));
