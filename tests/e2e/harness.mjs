// Shared end-to-end harness: serves the built site (dist/) from a plain static server on a free
// loopback port, drives Debian's Chromium with playwright-core, and records every request the
// page makes so tests can prove nothing leaves the origin.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { basename, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DIST = process.env.TARSIER_DIST ?? join(ROOT, 'dist');
export const FIXTURES = resolve(ROOT, '../shared/fixtures');
/** The image page's file button: "Choose an image archive…", or once an image is open the
 * "Open another image archive…" bar. */
export const OPEN_IMAGE = /^(Choose an image archive|Open another image archive)…$/;

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json',
  '.webmanifest': 'application/manifest+json', '.png': 'image/png', '.ico': 'image/x-icon',
};

/** Starts a static server over `dir` under the base path `base` (e.g. '/sub/'). */
export async function serve(dir = DIST, base = '/') {
  await stat(join(dir, 'index.html')); // fail early with a clear error when the site is not built
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      if (!url.pathname.startsWith(base)) { res.writeHead(404).end(); return; }
      let rel = decodeURIComponent(url.pathname.slice(base.length)) || 'index.html';
      if (rel.endsWith('/')) rel += 'index.html';
      const file = normalize(join(dir, rel));
      if (!file.startsWith(dir)) { res.writeHead(403).end(); return; }
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { origin: `http://127.0.0.1:${port}`, url: `http://127.0.0.1:${port}${base}`, close: () => new Promise((ok) => server.close(ok)) };
}

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run', '--disable-default-apps',
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * Opens `url` in a new page and records every request it (and its workers) makes.
 * Returns { page, requests, errors }. `before(page)` runs before the page is loaded (routes);
 * with `app: false` this returns at DOMContentLoaded, without waiting for the app.
 */
export async function open(browser, url, { before, app = true } = {}) {
  const context = await browser.newContext();
  const requests = [];
  const errors = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  // Record Content-Security-Policy violations (the init script is injected by the browser's
  // debugging protocol, which the page's CSP does not govern).
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await before?.(page);
  if (!app) {
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    return { page, context, requests, errors };
  }
  await page.goto(url);
  // The load event does not wait for the app: index.html's module script awaits the wasm's
  // instantiation (top-level await), and the page-wide drop listeners are attached in an effect
  // of the first render, which Yew may run after it has given the browser a turn (its scheduler
  // yields every 16 ms once the DOM is consistent). A file dropped before then once landed on no
  // listener, and a test waited in vain for what it should open: CI's failed run. `static/early.js`
  // now keeps such a drop for the app (image.test.mjs checks that path on its own); the tests
  // start from the app listening, which the effect marks (`tarsierDropListening`).
  await page.waitForFunction(() => window.tarsierDropListening === true);
  return { page, context, requests, errors };
}

/**
 * The page's fragment as the page has it now. (`page.url()` is Playwright's copy, updated from a
 * protocol event that can arrive after the page's `history.replaceState`.)
 */
export const hashOf = (page) => page.evaluate(() => location.hash);

/**
 * Waits until the page's fragment matches `pattern`, and returns it. The page writes its fragment
 * in an effect of the render that shows the view, which can come after what a test read of that
 * render: a check made at once saw `#image/layers` with the Files tab already selected.
 */
export async function settledHash(page, pattern) {
  const handle = await page.waitForFunction((src) => new RegExp(src).test(location.hash) && location.hash, pattern.source);
  return handle.jsonValue();
}

/** Requests to anything but `origin` (data: and blob: URLs stay in the tab). */
export function foreign(requests, origin) {
  return requests.filter((u) => !u.startsWith(origin + '/') && !u.startsWith('data:') && !u.startsWith('blob:'));
}

/** The paste box, found by its label as a user (or a screen reader) finds it. */
export const pasteBox = (page) => page.getByRole('textbox', { name: /capability mask/i });

/**
 * Pastes text into the paste box the way a user replaces its content: select all, then Ctrl+V of
 * the text put on the clipboard — the browser's own paste (one `paste` event with the clipboard's
 * data, one insert). CDP's `Input.insertText` is not a paste: Chromium inserts line by line, with
 * an input event per line break, and takes 19 s for 2,000 lines even in a bare text area.
 */
export async function pasteText(page, text) {
  const box = pasteBox(page);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
  await box.click();
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('ControlOrMeta+V');
}

/** Content-Security-Policy violations the page reported so far. */
export async function cspViolations(page) {
  return page.evaluate(() => window.__csp ?? []);
}

/** Drags a file from disk onto the page and drops it, as a user's mouse would (CDP). */
export async function dropFile(page, path) {
  const cdp = await page.context().newCDPSession(page);
  const data = { items: [], files: [path], dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop']) {
    await cdp.send('Input.dispatchDragEvent', { type, x: 200, y: 300, data });
  }
  await cdp.detach();
}

/**
 * Waits until `name` is the archive on screen: its name in the archive card. (The Overview tab
 * alone is not enough when another archive was on screen: its tab is there already, and what
 * follows would act on the archive still shown.)
 */
export async function archiveShown(page, name, timeout) {
  await page.locator('.archive dd', { hasText: name }).waitFor(timeout ? { timeout } : undefined);
}

/** Opens `path` with the image page's file button and waits until it is the archive on screen. */
export async function openOnScreen(page, path, timeout) {
  await page.getByLabel(OPEN_IMAGE).setInputFiles(path);
  await archiveShown(page, basename(path), timeout);
}

/**
 * The outside oracle's truth for an archive (`scripts/oracle/truth.py`: GNU tar, skopeo, umoci,
 * getcap, dpkg-query, dive's formula), cached where the native tests cache it.
 */
export function truthOf(archive) {
  const name = archive.split('/').pop();
  const out = join(ROOT, 'target/tmp/oracle', name);
  try {
    execFileSync('python3', [join(ROOT, 'scripts/oracle/truth.py'), archive, out], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    throw new Error(`the oracle failed on ${name}: ${e.stderr ?? e.message}`);
  }
  return JSON.parse(readFileSync(join(out, 'truth.json'), 'utf8'));
}

/**
 * Bytes as the page prints them (`core::status::human_bytes`): `N B` below 1 KiB, else one
 * decimal in binary units, rounded half to even as Rust's `{:.1}` rounds an exact value, and
 * the next unit as soon as that decimal would read 1024.0 (as `numfmt --to=iec-i` does).
 */
export function humanBytes(n) {
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let b = BigInt(n);
  if (b < 1024n) return `${b} B`;
  let div = 1024n;
  let unit = 0;
  const tenthsOf = (d) => {
    const scaled = b * 10n;
    let t = scaled / d;
    const rem = scaled % d;
    if (rem * 2n > d || (rem * 2n === d && t % 2n === 1n)) t += 1n;
    return t;
  };
  let tenths = tenthsOf(div);
  while (tenths >= 10240n && unit + 1 < units.length) { div *= 1024n; unit += 1; tenths = tenthsOf(div); }
  return `${tenths / 10n}.${tenths % 10n} ${units[unit]}`;
}

/** Python for the slow archives: the size asked (argv[2], in GiB) and a stream of that many zeros. */
const ZEROS_PY = `
import gzip, hashlib, io, json, sys, tarfile
size = int(float(sys.argv[2]) * (1 << 30))
class Zeros(io.RawIOBase):
    def __init__(self, n): self.n = n
    def readable(self): return True
    def readinto(self, b):
        k = min(len(b), self.n); b[:k] = bytes(k); self.n -= k; return k
`;

/** A docker-archive whose gzip layer inflates to `gib` GiB of zeros: slow enough to watch and cancel. */
export function slowArchive(dir, gib) {
  const out = join(dir, `slow-${gib}g.tar`);
  const py = `${ZEROS_PY}layer = io.BytesIO()
with gzip.GzipFile(fileobj=layer, mode='wb', compresslevel=1, mtime=0) as gz:
    with tarfile.open(fileobj=gz, mode='w|') as t:
        i = tarfile.TarInfo('zeros.bin'); i.size = size; t.addfile(i, io.BufferedReader(Zeros(size), 1 << 20))
body = layer.getvalue()
config = json.dumps({'architecture': 'amd64', 'os': 'linux', 'config': {}, 'rootfs': {'type': 'layers', 'diff_ids': []}}).encode()
cname = hashlib.sha256(config).hexdigest() + '.json'
manifest = json.dumps([{'Config': cname, 'RepoTags': ['slow:1'], 'Layers': ['layer.tar.gz']}]).encode()
with tarfile.open(sys.argv[1], 'w') as t:
    for name, data in [('layer.tar.gz', body), (cname, config), ('manifest.json', manifest)]:
        i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
`;
  execFileSync('python3', ['-c', py, out, String(gib)]);
  return out;
}

/**
 * An OCI layout archive (blobs/sha256/…) whose one gzip layer inflates to `gib` GiB of zeros,
 * with true digests and diff_id: slow enough to watch its progress, and to verify.
 */
export function slowOciArchive(dir, gib) {
  const out = join(dir, `slow-oci-${gib}g.tar`);
  const py = `${ZEROS_PY}class Tee(io.RawIOBase):
    def __init__(self, gz): self.gz = gz; self.h = hashlib.sha256()
    def writable(self): return True
    def write(self, b): self.h.update(b); self.gz.write(b); return len(b)
layer = io.BytesIO()
with gzip.GzipFile(fileobj=layer, mode='wb', compresslevel=1, mtime=0) as gz:
    tee = Tee(gz)
    with tarfile.open(fileobj=tee, mode='w|') as t:
        i = tarfile.TarInfo('zeros.bin'); i.size = size; t.addfile(i, io.BufferedReader(Zeros(size), 1 << 20))
body = layer.getvalue()
sha = lambda b: hashlib.sha256(b).hexdigest()
config = json.dumps({'architecture': 'amd64', 'os': 'linux', 'config': {}, 'rootfs': {'type': 'layers', 'diff_ids': ['sha256:' + tee.h.hexdigest()]}}).encode()
manifest = json.dumps({'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.manifest.v1+json',
  'config': {'mediaType': 'application/vnd.oci.image.config.v1+json', 'digest': 'sha256:' + sha(config), 'size': len(config)},
  'layers': [{'mediaType': 'application/vnd.oci.image.layer.v1.tar+gzip', 'digest': 'sha256:' + sha(body), 'size': len(body)}]}).encode()
index = json.dumps({'schemaVersion': 2, 'manifests': [{'mediaType': 'application/vnd.oci.image.manifest.v1+json',
  'digest': 'sha256:' + sha(manifest), 'size': len(manifest), 'annotations': {'org.opencontainers.image.ref.name': 'slow:1'}}]}).encode()
with tarfile.open(sys.argv[1], 'w') as t:
    for name, data in [('oci-layout', b'{"imageLayoutVersion": "1.0.0"}'), ('blobs/sha256/' + sha(body), body),
                       ('blobs/sha256/' + sha(config), config), ('blobs/sha256/' + sha(manifest), manifest), ('index.json', index)]:
        i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
`;
  execFileSync('python3', ['-c', py, out, String(gib)]);
  return out;
}

/**
 * Records every text the elements matching `selector` show from now on (a MutationObserver on
 * the whole document, so elements created later count): read them with `recorded(page)`.
 */
export async function recordTexts(page, selector) {
  await page.evaluate((sel) => {
    window.__texts = [];
    const seen = () => document.querySelectorAll(sel).forEach((el) => {
      const t = el.textContent;
      if (window.__texts[window.__texts.length - 1] !== t) window.__texts.push(t);
    });
    new MutationObserver(seen).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  }, selector);
}

/** The texts recorded by `recordTexts`. */
export const recorded = (page) => page.evaluate(() => window.__texts);

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core on the whole page (evaluated through the debugging protocol, outside the page's
 * CSP) and fails on any violation. */
export async function axe(page, what) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const summary = result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  assert.deepEqual(summary, [], `axe violations on ${what}`);
}

/**
 * A docker-archive with one uncompressed layer holding `gib` GiB of zeros, with its true
 * diff_id: quick to index (its body is skipped), long enough to hash to watch the progress.
 */
export function plainArchive(dir, gib) {
  const out = join(dir, `plain-${gib}g.tar`);
  const py = `${ZEROS_PY}layer = sys.argv[1] + '.layer'
with tarfile.open(layer, 'w') as t:
    i = tarfile.TarInfo('zeros.bin'); i.size = size; t.addfile(i, io.BufferedReader(Zeros(size), 1 << 20))
h = hashlib.sha256()
with open(layer, 'rb') as f:
    for chunk in iter(lambda: f.read(1 << 20), b''): h.update(chunk)
config = json.dumps({'architecture': 'amd64', 'os': 'linux', 'config': {}, 'rootfs': {'type': 'layers', 'diff_ids': ['sha256:' + h.hexdigest()]}}).encode()
cname = hashlib.sha256(config).hexdigest() + '.json'
manifest = json.dumps([{'Config': cname, 'RepoTags': ['plain:1'], 'Layers': ['layer.tar']}]).encode()
with tarfile.open(sys.argv[1], 'w') as t:
    t.add(layer, 'layer.tar')
    for name, data in [(cname, config), ('manifest.json', manifest)]:
        i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
import os; os.remove(layer)
`;
  execFileSync('python3', ['-c', py, out, String(gib)]);
  return out;
}

/**
 * A fixture of `scripts/fixtures/NAME.sh`, made where the native tests make it
 * (target/tmp/fixtures/NAME) when absent: the archive `ARCHIVE` in it and its `truth.json`.
 */
export function scriptFixture(name, archive) {
  const out = join(ROOT, 'target/tmp/fixtures', name);
  if (!existsSync(join(out, 'truth.json')) || !existsSync(join(out, archive))) {
    execFileSync('bash', [join(ROOT, `scripts/fixtures/${name}.sh`), out], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return { archive: join(out, archive), truth: JSON.parse(readFileSync(join(out, 'truth.json'), 'utf8')) };
}
