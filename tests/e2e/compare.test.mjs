// End to end: the Compare page (issue 14). Pairs of images built by
// scripts/fixtures/compare_pairs.sh (buildah, skopeo, umoci; as root) are compared in Chromium —
// two archives dropped at once, and "Compare with…" the archive on screen — and what the page
// shows is checked against the pairs' truth (umoci unpack of both images, compared by
// compare_truth.py) and GNU tar + diff -u for the line diff.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, launch, open, foreign, ROOT, FIXTURES, OPEN_IMAGE, slowArchive, openOnScreen } from './harness.mjs';

const PAIRS = join(ROOT, 'target/tmp/fixtures/compare_pairs');
let server, browser, truth;

before(async () => {
  // Builds the pairs when they are missing or stale (cached otherwise); fails naming what to install.
  try {
    execFileSync('bash', [join(ROOT, 'scripts/fixtures/compare_pairs.sh'), PAIRS], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    throw new Error(`compare_pairs.sh failed (it needs root, buildah, skopeo, umoci): ${e.stderr ?? e.message}`);
  }
  truth = JSON.parse(readFileSync(join(PAIRS, 'truth.json'), 'utf8'));
  server = await serve();
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.close(); });

const pair = (name) => {
  const p = truth.pairs.find((x) => x.name === name);
  assert.ok(p, `no pair ${name} in truth.json`);
  return p;
};

/** Layers at the bottom with the same diff_id on both sides, by the truth's layer lists. */
function sharedPrefix(p) {
  let n = 0;
  while (n < p.layers.a.length && n < p.layers.b.length && p.layers.a[n].diff_id === p.layers.b[n].diff_id) n += 1;
  return n;
}

/** Drops several files from disk on the page at once, as a user's mouse would (CDP). */
async function dropFiles(page, paths) {
  const cdp = await page.context().newCDPSession(page);
  const data = { items: [], files: paths, dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop']) {
    await cdp.send('Input.dispatchDragEvent', { type, x: 200, y: 300, data });
  }
  await cdp.detach();
}

/** A file's body in an image archive, read with GNU tar from the topmost layer that has it. */
function bodyOf(archive, path) {
  const file = join(PAIRS, archive);
  const [manifest] = JSON.parse(execFileSync('tar', ['-xOf', file, 'manifest.json'], { encoding: 'utf8' }));
  for (const layer of [...manifest.Layers].reverse()) {
    const tar = execFileSync('tar', ['-xOf', file, layer], { maxBuffer: 1 << 28 });
    const list = execFileSync('tar', ['-t'], { input: tar, encoding: 'utf8' }).split('\n');
    if (list.includes(path) || list.includes(`./${path}`)) {
      const name = list.includes(path) ? path : `./${path}`;
      return execFileSync('tar', ['-xO', name], { input: tar });
    }
  }
  throw new Error(`${path} is in no layer of ${archive}`);
}

/** `diff -u`'s hunks (the lines after its two file headers). */
function unifiedDiff(a, b) {
  const dir = mkdtempSync(join(tmpdir(), 'tarsier-compare-'));
  writeFileSync(join(dir, 'a'), a);
  writeFileSync(join(dir, 'b'), b);
  let out = '';
  try {
    execFileSync('diff', ['-u', join(dir, 'a'), join(dir, 'b')], { encoding: 'utf8' });
  } catch (e) {
    assert.equal(e.status, 1, `diff failed: ${e.stderr}`);
    out = e.stdout;
  }
  return out.split('\n').slice(2).filter((l) => l !== '');
}

const count = (page, key) => page.locator(`.compare-summary dd[data-count="${key}"]`);
const section = (page) => page.getByRole('region', { name: /^Compare:/ });

async function expectCounts(page, p) {
  await count(page, 'changed').waitFor();
  assert.equal(await count(page, 'added').textContent(), String(p.added.length));
  assert.equal(await count(page, 'removed').textContent(), String(p.removed.length));
  assert.equal(await count(page, 'changed').textContent(), String(p.changed.length));
  assert.equal(await count(page, 'touched').textContent(), String(p.touched.length));
}

test('two archives dropped at once: summary, layers and the changed file\'s line diff as the tools say', async () => {
  const p = pair('same_size_content');
  assert.deepEqual([p.added.length, p.removed.length, p.changed.length], [0, 0, 1]);
  const { page, requests, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFiles(page, [join(PAIRS, p.a.archive), join(PAIRS, p.b.archive)]);
  await section(page).waitFor();
  await expectCounts(page, p);
  assert.equal(await page.locator('.no-differences').count(), 0);

  // Layers: the shared bottom marked, then B's own.
  const shared = sharedPrefix(p);
  assert.equal(shared, 2);
  assert.equal(await page.locator('tr.layer-shared').count(), shared);
  assert.equal(await page.locator('tr.layer-only-b').count(), p.layers.b.length - shared);
  assert.equal(await page.locator('tr.layer-only-a').count(), p.layers.a.length - shared);
  for (const [i, row] of (await page.locator('tr.layer-shared').all()).entries()) {
    assert.match(await row.textContent(), /shared/);
    assert.equal(await row.locator('.digest code').getAttribute('title'), p.layers.a[i].diff_id);
    assert.equal(await row.locator('.digest .short').textContent(), `${p.layers.a[i].diff_id.slice(0, 15)}…`);
  }
  const onlyB = page.locator('tr.layer-only-b');
  assert.equal(await onlyB.locator('.digest code').getAttribute('title'), p.layers.b[shared].diff_id);

  // The changed file, and its line diff against diff -u of the bodies GNU tar reads.
  const changed = p.changed[0];
  assert.equal(changed.path, 'app/data.txt');
  const row = page.locator(`li.file-changed[data-path="${changed.path}"]`);
  assert.match(await row.locator('summary').textContent(), new RegExp(`changed: ${changed.what.join(', ')}`));
  await row.locator('summary').click();
  const want = unifiedDiff(bodyOf(p.a.archive, changed.path), bodyOf(p.b.archive, changed.path));
  assert.ok(want.includes('-version=1') && want.includes('+version=2'), `diff -u says ${want}`);
  const lines = await row.locator('.text-diff .diff-line').allTextContents();
  assert.deepEqual(lines.map((l) => l.replace(/\n$/, '')), want);

  // Touched paths are off by default, and the toggle shows them.
  assert.equal(await page.locator('li.file-touched').count(), 0);
  await page.getByLabel(/^Touched, only the mtime differs/).check();
  assert.deepEqual((await page.locator('li.file-touched').evaluateAll((els) => els.map((e) => e.dataset.path))).sort(), p.touched.map((t) => t.path).sort());

  // The path search narrows the list.
  await page.getByLabel('Path contains').fill('no-such-path');
  assert.equal(await page.locator('.compare-files li').count(), 0);
  await page.getByLabel('Path contains').fill('data');
  assert.equal(await page.locator('.compare-files li').count(), 1);

  assert.deepEqual(foreign(requests, server.origin), []);
  assert.deepEqual(errors, []);
  await page.context().close();
});

/** The last layer of an archive's first image whose GNU tar listing holds `path` (a write). */
function lastWriter(archive, path) {
  const file = join(PAIRS, archive);
  const [manifest] = JSON.parse(execFileSync('tar', ['-xOf', file, 'manifest.json'], { encoding: 'utf8' }));
  let found = null;
  manifest.Layers.forEach((layer, i) => {
    const tar = execFileSync('tar', ['-xOf', file, layer], { maxBuffer: 1 << 28 });
    const list = execFileSync('tar', ['-t'], { input: tar, encoding: 'utf8', maxBuffer: 1 << 26 }).split('\n').map((l) => l.replace(/^\.\//, '').replace(/\/$/, ''));
    if (list.includes(path)) found = i;
  });
  return found;
}

test('the files diff filtered by directory and by the layer that wrote a path, as GNU tar lists the layers', async () => {
  const p = pair('added_tree');
  const { page, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFiles(page, [join(PAIRS, p.a.archive), join(PAIRS, p.b.archive)]);
  await section(page).waitFor();
  await expectCounts(page, p);
  const shown = async () => (await page.locator('ul.compare-files li').evaluateAll((lis) => lis.map((li) => li.dataset.path))).sort();
  // Under a directory: it and what is below it, never a sibling that shares its prefix.
  const dir = p.added.map((a) => a.path).find((x) => x.split('/').length === 3);
  await page.getByLabel('Under').fill(`/${dir}`);
  assert.deepEqual(await shown(), p.added.map((a) => a.path).filter((x) => x === dir || x.startsWith(`${dir}/`)).sort());
  await page.getByLabel('Under').fill('');
  // By layer: B's layers each hold the added paths GNU tar lists last there; A's hold none of them.
  const writers = Object.fromEntries(p.added.map((a) => [a.path, lastWriter(p.b.archive, a.path)]));
  for (let pos = 0; pos < p.layers.b.length; pos += 1) {
    await page.getByLabel('Written by').selectOption(`b:${pos}`);
    const want = p.added.map((a) => a.path).filter((x) => writers[x] === pos || (writers[x] === null && pos === p.layers.b.length - 1)).sort();
    assert.deepEqual(await shown(), want, `B's layer ${pos}`);
  }
  assert.ok(Object.values(writers).some((w) => w !== null), 'GNU tar lists the added files');
  await page.getByLabel('Written by').selectOption('a:0');
  assert.deepEqual(await shown(), []);
  await page.getByText('No files to show.').waitFor();
  await page.getByLabel('Written by').selectOption('any');
  assert.equal((await shown()).length, p.added.length);
  assert.deepEqual(errors, []);
});

/** A docker-archive with one plain layer holding `big.bin`: `mib` MiB of the byte `fill`. */
function bigFileArchive(dir, name, mib, fill) {
  const out = join(dir, name);
  const py = `
import hashlib, io, json, sys, tarfile
size, fill = int(sys.argv[2]) << 20, int(sys.argv[3])
class Fill(io.RawIOBase):
    def __init__(self, n): self.n = n
    def readable(self): return True
    def readinto(self, b):
        k = min(len(b), self.n); b[:k] = bytes([fill]) * k; self.n -= k; return k
layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode='w|') as t:
    i = tarfile.TarInfo('big.bin'); i.size = size; t.addfile(i, io.BufferedReader(Fill(size), 1 << 20))
body = layer.getvalue()
diff_id = 'sha256:' + hashlib.sha256(body).hexdigest()
config = json.dumps({'architecture': 'amd64', 'os': 'linux', 'config': {}, 'rootfs': {'type': 'layers', 'diff_ids': [diff_id]}}).encode()
cname = hashlib.sha256(config).hexdigest() + '.json'
manifest = json.dumps([{'Config': cname, 'RepoTags': ['big:%d' % fill], 'Layers': ['layer.tar']}]).encode()
with tarfile.open(sys.argv[1], 'w') as t:
    for n, data in [('layer.tar', body), (cname, config), ('manifest.json', manifest)]:
        i = tarfile.TarInfo(n); i.size = len(data); t.addfile(i, io.BytesIO(data))
`;
  execFileSync('python3', ['-c', py, out, String(mib), String(fill)]);
  return out;
}

test('same-size files from different layers are hashed with progress, and told apart by their digests', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tarsier-hash-'));
  const mib = 192;
  const [a, b] = [bigFileArchive(dir, 'zeros.tar', mib, 0), bigFileArchive(dir, 'ones.tar', mib, 1)];
  const { page, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFiles(page, [a, b]);
  // The hashing step counts the bytes of both bodies.
  const progress = page.locator('.compare-progress', { hasText: 'Hashing same-size files' });
  await progress.waitFor({ timeout: 60000 });
  assert.equal(await progress.locator('progress').getAttribute('max'), String(2 * mib * 1024 * 1024));
  await section(page).locator('.compare-summary').waitFor({ timeout: 120000 });
  assert.equal(await count(page, 'changed').textContent(), '1');
  // The digests shown are GNU tar's bytes hashed by sha256sum.
  const sum = (file) => execFileSync('bash', ['-c', 'tar -xOf "$1" layer.tar | tar -xOf - big.bin | sha256sum', 'x', file], { encoding: 'utf8' }).slice(0, 64);
  const row = page.locator('li.file-changed[data-path="big.bin"]');
  await row.locator('summary').click();
  // Shortened on screen (sha256: and 8 hex digits), whole in the title and for Copy.
  const shown = row.locator('.binary-change .digest code');
  assert.deepEqual(await shown.evaluateAll((codes) => codes.map((c) => c.title)), [`sha256:${sum(a)}`, `sha256:${sum(b)}`]);
  assert.deepEqual(await shown.locator('.short').allTextContents(), [`sha256:${sum(a).slice(0, 8)}…`, `sha256:${sum(b).slice(0, 8)}…`]);
  await page.getByText(`2 file bodies (${2 * mib}.0 MiB) were read to tell same-size files apart.`).waitFor();
  assert.deepEqual(errors, []);
  rmSync(dir, { recursive: true, force: true });
});

/** Every image's layers (diff_id → size) as scripts/fixtures/layer_truth.py reads them. */
function layerTruth(archives) {
  const truth = JSON.parse(execFileSync('python3', [join(ROOT, 'scripts/fixtures/layer_truth.py'), ...archives], { encoding: 'utf8', maxBuffer: 1 << 26 }));
  return truth.flatMap((a) => a.images.map((img) => new Map(img.layers.map((l) => [l.diff_id, l.size]))));
}

/** The matrix on the page (`scope`) against the truth: each pair's shared layers and bytes,
 * and the layers only one image has. */
async function checkMatrix(scope, layers) {
  const rows = scope.locator('table.matrix tbody tr');
  assert.equal(await rows.count(), layers.length);
  for (let i = 0; i < layers.length; i += 1) {
    const cells = rows.nth(i).locator('td');
    for (let j = 0; j < layers.length; j += 1) {
      const both = [...layers[i]].filter(([id]) => layers[j].has(id));
      const cell = cells.nth(j);
      assert.equal(await cell.getAttribute('data-layers'), String(both.length), `[${i}][${j}] layers`);
      assert.equal(await cell.getAttribute('data-bytes'), String(both.reduce((s, [, n]) => s + n, 0)), `[${i}][${j}] bytes`);
    }
    const own = [...layers[i].keys()].filter((id) => layers.every((l, j) => j === i || !l.has(id)));
    assert.equal(await scope.locator(`ul.matrix-unique > li[data-image="${i}"]`).getAttribute('data-unique'), String(own.length), `only in ${i}`);
  }
}

test('the layers the images of a multi-image archive share, as their bytes say (layer_truth.py)', async () => {
  const archive = join(ROOT, '../shared/fixtures/images/c1_podman_docker-archive_multi.tar');
  const layers = layerTruth([archive]);
  const { page, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFiles(page, [archive]);
  await page.getByText(`Layers these ${layers.length} images share`).click();
  await checkMatrix(page.locator('details.layer-matrix'), layers);
  assert.deepEqual(errors, []);
});

test('three archives dropped at once: the layers all their images share, as their bytes say', async () => {
  const archives = [join(ROOT, '../shared/fixtures/images/c1_podman_docker-archive_multi.tar'), join(PAIRS, 'base.docker.tar'), join(PAIRS, 'added_tree.docker.tar')];
  const layers = layerTruth(archives);
  const { page, requests, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFiles(page, archives);
  const matrix = page.getByRole('region', { name: 'Layers these images share' });
  await matrix.waitFor({ timeout: 60000 });
  assert.equal(await matrix.locator('h3').textContent(), `Layers these ${layers.length} images share`);
  await checkMatrix(matrix, layers);
  // Each image is named with its archive.
  assert.match(await matrix.locator('table.matrix thead').textContent(), /base\.docker\.tar image 0/);
  assert.deepEqual(foreign(requests, server.origin), []);
  assert.deepEqual(errors, []);
});

test('"Compare with…" the archive on screen: the same image in another format has no differences; a replaced directory', async () => {
  const same = pair('format_docker_vs_oci_gzip');
  assert.deepEqual([same.added.length, same.removed.length, same.changed.length], [0, 0, 0]);
  const { page, requests, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await page.getByLabel(OPEN_IMAGE).setInputFiles(join(PAIRS, same.a.archive));
  await page.getByLabel('Compare with another archive…').setInputFiles(join(PAIRS, same.b.archive));
  await section(page).waitFor();
  await expectCounts(page, same);
  await page.locator('.no-differences').waitFor();
  assert.match(await page.locator('.no-differences').textContent(), /No differences/);
  assert.equal(await page.locator('tr.layer-shared').count(), sharedPrefix(same));
  assert.equal(await page.locator('.compare-files li').count(), 0);

  // Closing brings the archive back; two files dropped next compare those.
  await page.getByRole('button', { name: 'Close comparison' }).click();
  await page.getByRole('tab', { name: 'Overview' }).waitFor();
  const replaced = pair('replaced_dir');
  assert.deepEqual([replaced.added.length, replaced.removed.length], [1, 2]);
  await dropFiles(page, [join(PAIRS, replaced.a.archive), join(PAIRS, replaced.b.archive)]);
  await expectCounts(page, replaced);
  const paths = async (cls) => (await page.locator(`li.${cls}`).evaluateAll((els) => els.map((e) => e.dataset.path))).sort();
  assert.deepEqual(await paths('file-added'), replaced.added.map((f) => f.path).sort());
  assert.deepEqual(await paths('file-removed'), replaced.removed.map((f) => f.path).sort());
  // Filters: removed off leaves the added one.
  await page.getByLabel(/^Removed \(/).uncheck();
  assert.deepEqual(await paths('file-removed'), []);
  assert.equal(await page.locator('li.file-added').count(), 1);

  assert.deepEqual(foreign(requests, server.origin), []);
  assert.deepEqual(errors, []);
  await page.context().close();
});

/** What the comparison's worker spent, from the Compare view's data attributes. */
async function workerStats(page) {
  const el = page.locator('section.compare-page');
  await el.locator('.compare-summary').waitFor({ timeout: 60000 });
  const n = async (name) => Number(await el.getAttribute(name));
  return { memory: await n('data-worker-memory'), layersGiven: await n('data-layers-given'), readA: await n('data-read-a') };
}

/** The summary's counts and layer rows, as text (to compare two runs of one comparison). */
const summaryText = async (page) => [
  await page.locator('.compare-summary dl').textContent(),
  await page.locator('.compare-layers').textContent().catch(() => ''),
];

test('"Compare with…" the archive on screen adopts its index (its layers are not read again) and reuses the digests read before', async () => {
  // The same image as podman writes it: an OCI layout with gzip layers (indexing them means
  // inflating them), and a docker-archive (MANIFEST.md: a1 and b1, four layers, same diff_ids).
  const oci = join(FIXTURES, 'images/b1_podman_oci-archive.tar');
  const docker = join(FIXTURES, 'images/a1_podman_docker-archive.tar');
  const { page, requests, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  // Dropped at once: the comparison's worker indexes both, reading the OCI archive's layers.
  await dropFiles(page, [oci, docker]);
  const dropped = await workerStats(page);
  const droppedText = await summaryText(page);
  assert.equal(dropped.layersGiven, 0);
  assert.ok(dropped.memory > 0, `the worker's memory: ${dropped.memory}`);
  for (const key of ['added', 'removed', 'changed']) assert.equal(await count(page, key).textContent(), '0', key);
  // The OCI archive on screen, then compared with the docker one: its index goes along.
  await page.getByRole('button', { name: 'Close comparison' }).click();
  await openOnScreen(page, oci);
  await page.getByLabel('Compare with another archive…').setInputFiles(docker);
  const given = await workerStats(page);
  assert.equal(given.layersGiven, 4, 'the four layers of the archive on screen');
  // Its gzip layers were not inflated again: less than half of what indexing it read.
  assert.ok(given.readA * 2 < dropped.readA, `read ${given.readA} bytes with the index given, ${dropped.readA} without`);
  assert.deepEqual(await summaryText(page), droppedText, 'the same comparison either way');
  // The history's long commands wrap in their cells: the page never scrolls sideways, at desktop
  // width or a phone's.
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(scroll <= inner, `at ${width} px the Compare view is ${scroll} px wide`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });

  // Digests: a same-size change is hashed once; compared again from the page, it is known.
  const p = pair('same_size_content');
  await page.getByRole('button', { name: 'Close comparison' }).click();
  await dropFiles(page, [join(PAIRS, p.a.archive), join(PAIRS, p.b.archive)]);
  await workerStats(page);
  await page.getByText('2 file bodies (20 B) were read to tell same-size files apart.').waitFor();
  await page.getByRole('button', { name: 'Close comparison' }).click();
  await openOnScreen(page, join(PAIRS, p.a.archive));
  await page.getByLabel('Compare with another archive…').setInputFiles(join(PAIRS, p.b.archive));
  await page.getByText('2 digests were known from an earlier comparison, not read again.').waitFor();
  await workerStats(page);
  await expectCounts(page, p);
  assert.equal(await page.getByText(/were read to tell same-size files apart/).count(), 0, 'no body read again');
  // The digests from before still decide "changed".
  const row = page.locator(`li.file-changed[data-path="${p.changed[0].path}"]`);
  assert.match(await row.locator('summary').textContent(), /changed: sha256/);
  assert.deepEqual(foreign(requests, server.origin), []);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('two images of one archive, picked on the page, compared as the tools say', async () => {
  const p = pair('multi_image');
  assert.equal(p.a.archive, p.b.archive);
  const { page, requests, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await page.getByLabel(OPEN_IMAGE).setInputFiles(join(PAIRS, p.a.archive));
  await page.getByLabel('Image A', { exact: true }).selectOption(String(p.a.image));
  await page.getByLabel('Image B', { exact: true }).selectOption(String(p.b.image));
  await page.getByRole('button', { name: 'Compare these two images' }).click();
  await section(page).waitFor();
  await expectCounts(page, p);
  const paths = async (cls) => (await page.locator(`li.${cls}`).evaluateAll((els) => els.map((e) => e.dataset.path))).sort();
  assert.deepEqual(await paths('file-changed'), p.changed.map((f) => f.path).sort());
  assert.equal(await page.locator('tr.layer-shared').count(), sharedPrefix(p));
  assert.deepEqual(foreign(requests, server.origin), []);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('an archive that cannot be read: the comparison says which and why; opening one archive closes the Compare view', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tarsier-compare-'));
  const bad = join(dir, 'not-an-image.tar');
  writeFileSync(bad, 'this is not a tar archive\n'.repeat(100));
  const { page, requests, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFiles(page, [join(PAIRS, 'base.docker.tar'), bad]);
  const error = page.locator('#compare-error');
  await error.waitFor();
  assert.match(await error.textContent(), /^not-an-image\.tar: /);
  assert.equal(await page.locator('.compare-summary').count(), 0);
  await openOnScreen(page, join(PAIRS, 'base.docker.tar'));
  assert.equal(await section(page).count(), 0);
  assert.deepEqual(foreign(requests, server.origin), []);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('Cancel stops a running comparison and says so where its result would have been', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tarsier-compare-'));
  // Two archives whose gzip layers inflate to GiBs of zeros: long enough to press Cancel.
  const [a, b] = [slowArchive(dir, 2), slowArchive(dir, 3)];
  const { page, requests, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFiles(page, [a, b]);
  const progress = page.locator('.compare-progress');
  await progress.waitFor();
  await progress.getByRole('button', { name: 'Cancel' }).click();
  const said = page.locator('#compare-error');
  await said.waitFor();
  assert.equal(await said.textContent(), 'Cancelled: slow-2g.tar was not compared with slow-3g.tar.');
  assert.equal(await said.getAttribute('data-code'), 'cancelled');
  assert.equal(await progress.count(), 0);
  assert.equal(await page.locator('.compare-summary').count(), 0);
  await page.getByRole('button', { name: 'Close comparison' }).click();
  assert.equal(await section(page).count(), 0);
  assert.deepEqual(foreign(requests, server.origin), []);
  assert.deepEqual(errors, []);
  await page.context().close();
  rmSync(dir, { recursive: true, force: true });
});
