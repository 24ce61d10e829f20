// profile_browser.mjs — not a test: drops one archive on the built site in headless Chromium with
// the V8 sampling profiler running in the image worker, and prints where the worker's time went
// (self time per function, top N), for the worker that took the most samples. Run it through
// scripts/profile_browser.sh, which first builds a site that keeps wasm function names.
// usage: TARSIER_DIST=target/prof/dist node scripts/profile_browser.mjs ARCHIVE [--top N] [--out FILE.cpuprofile]
//
// How: a CDP session on the page auto-attaches to the workers the page starts (non-flattened, so
// the worker's session is driven through Target.sendMessageToTarget), pauses each new worker until
// the profiler is started in it, and stops the profiler once the overview's archive card appears.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { serve, launch, open } from '../tests/e2e/harness.mjs';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '40' }, out: { type: 'string' } } });
const top = Number(values.top);
const out = values.out ?? null;
if (positionals.length !== 1) {
  console.error('usage: node scripts/profile_browser.mjs ARCHIVE [--top N] [--out FILE]');
  process.exit(2);
}
const archive = resolve(positionals[0]);

const server = await serve();
const browser = await launch();
try {
  const { page, context } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  const cdp = await context.newCDPSession(page);
  let nextId = 1;
  const waiting = new Map();
  const workers = [];
  cdp.on('Target.receivedMessageFromTarget', ({ message }) => {
    const m = JSON.parse(message);
    if (m.id && waiting.has(m.id)) {
      waiting.get(m.id)(m);
      waiting.delete(m.id);
    }
  });
  const send = (sessionId, method, params = {}) => new Promise((ok) => {
    const id = nextId++;
    waiting.set(id, ok);
    cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(() => ok({}));
  });
  cdp.on('Target.attachedToTarget', async ({ sessionId, targetInfo }) => {
    if (targetInfo.type !== 'worker') return;
    workers.push({ sessionId, url: targetInfo.url });
    await send(sessionId, 'Profiler.enable');
    await send(sessionId, 'Profiler.setSamplingInterval', { interval: 200 });
    await send(sessionId, 'Profiler.start');
    await send(sessionId, 'Runtime.runIfWaitingForDebugger');
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: false });

  const data = { items: [], files: [archive], dragOperationsMask: 1 };
  const t0 = Date.now();
  for (const type of ['dragEnter', 'dragOver', 'drop']) {
    await cdp.send('Input.dispatchDragEvent', { type, x: 200, y: 300, data });
  }
  await page.waitForSelector('.archive[data-elapsed-ms], #image-error', { timeout: 30 * 60_000 });
  console.error(`indexed in ${Date.now() - t0} ms (worker says ${await page.locator('.archive').getAttribute('data-elapsed-ms')} ms)`);

  let best = null;
  for (const w of workers) {
    const r = await send(w.sessionId, 'Profiler.stop');
    const p = r.result?.profile;
    if (p && (!best || p.samples.length > best.samples.length)) best = p;
  }
  if (!best) throw new Error('no worker profile');
  if (out) await writeFile(out, JSON.stringify(best));
  const self = new Map();
  const dt = new Map();
  best.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (best.timeDeltas[i] ?? 0)));
  let total = 0;
  for (const n of best.nodes) {
    const us = dt.get(n.id) ?? 0;
    total += us;
    const name = n.callFrame.functionName || `(anonymous ${n.callFrame.url.split('/').pop()})`;
    self.set(name, (self.get(name) ?? 0) + us);
  }
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  console.log(`total ${(total / 1000).toFixed(0)} ms sampled`);
  for (const [name, us] of rows) console.log(`${(us / 1000).toFixed(1).padStart(8)} ms ${(100 * us / total).toFixed(1).padStart(5)} %  ${name.slice(0, 140)}`);
  await context.close();
} finally {
  await browser.close();
  await server.close();
}
