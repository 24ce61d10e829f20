// End to end: the Files view of an opened image, as a person sees it and uses it by mouse and by
// keyboard — folder totals, folder names that open folders, no arrow on empty folders, the detail
// beside its row (below it on a narrow screen), a WAI-ARIA tree, no sideways scroll at 390 px —
// checked against the fixture's ground truth (umoci's flattened rootfs, GNU tar's listings), in
// the light and the dark colour scheme, with axe-core clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, mkdtemp } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { serve, launch, open, FIXTURES, dropFile, humanBytes } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
const A1 = 'a1_podman_docker-archive.tar';
const TRUTH = join(FIXTURES, 'images', `${A1}.truth`);
let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function axe(page, what) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const summary = result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  assert.deepEqual(summary, [], `axe violations on ${what}`);
}

/**
 * The merged tree's truth: umoci's flattened rootfs (mode, size, path), with the paths GNU tar's
 * listings show as hard links (last writer wins, bottom layer first) counted once, at their target.
 */
async function groundTruth() {
  const rows = (await readFile(join(TRUTH, 'img0_flattened_rootfs.tsv'), 'utf8')).split('\n').slice(1)
    .filter((l) => l.trim()).map((l) => { const c = l.split('\t'); return { mode: c[0], size: Number(c[2]), path: c[3] }; });
  const hardlink = new Map();
  const listings = (await readdir(TRUTH)).filter((f) => /^img0_layer\d+\.tar-tvv\.txt$/.test(f)).sort();
  assert.ok(listings.length > 0, 'the fixture has GNU tar listings');
  for (const f of listings) {
    for (const line of (await readFile(join(TRUTH, f), 'utf8')).split('\n')) {
      const m = line.match(/^(\S)\S*\s+\S+\s+\S+\s+\S+\s+\S+\s+(.*?)(?: link to .*| -> .*)?$/);
      if (!m) continue;
      const path = m[2].replace(/^\.\//, '').replace(/\/$/, '');
      hardlink.set(path, m[1] === 'h');
    }
  }
  const below = (dir, p) => dir === '' || p.startsWith(`${dir}/`);
  const dirs = new Map();
  for (const d of [{ path: '' }, ...rows.filter((r) => r.mode.startsWith('d'))]) {
    const inside = rows.filter((r) => below(d.path, r.path));
    const bytes = inside.filter((r) => r.mode.startsWith('-') && !hardlink.get(r.path)).reduce((s, r) => s + r.size, 0);
    const children = inside.filter((r) => !r.path.slice(d.path ? d.path.length + 1 : 0).includes('/')).length;
    dirs.set(d.path, { bytes, entries: inside.length, children });
  }
  return { rows, dirs };
}

async function openFiles(page) {
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFile(page, join(FIXTURES, 'images', A1));
  await page.locator('.image-card').waitFor();
  await page.getByRole('tab', { name: 'Files' }).click();
  await page.locator('[role="tree"] [data-path="app"]').waitFor();
}

const node = (page, path) => page.locator(`[role="tree"] li[data-path="${path}"]`);
const item = (page, path) => node(page, path).locator(':scope > [role="treeitem"]');
const row = (page, path) => item(page, path).locator(':scope > .node-row');
const focusedPath = (page) => page.evaluate(() => document.activeElement?.getAttribute('role') === 'treeitem' ? document.activeElement.parentElement.getAttribute('data-path') : null);
/** The paths of the tree items in the order they are drawn. */
const drawn = (page) => page.evaluate(() => [...document.querySelectorAll('[role="tree"] [role="treeitem"]')].map((e) => e.parentElement.getAttribute('data-path')));

for (const scheme of ['light', 'dark']) {
  test(`folders: total sizes and counts from the fixture, names open them, empty ones have no arrow (${scheme})`, async () => {
    const { dirs, rows } = await groundTruth();
    const { page, errors } = await open(browser, server.url);
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1280, height: 900 });
    await openFiles(page);
    const top = [...dirs.keys()].filter((p) => p && !p.includes('/'));
    assert.ok(top.length > 5, 'the fixture has top-level folders');
    for (const dir of top) {
      const t = dirs.get(dir);
      const size = row(page, dir).locator('.size');
      assert.equal(await size.getAttribute('title'), `${t.bytes} bytes in the files below`, `/${dir}: total size`);
      assert.match(await size.textContent(), new RegExp(`^\\d+(\\.\\d+)? (B|KiB|MiB) · ${t.children} items?$`), `/${dir}: shown size and count`);
      const arrow = row(page, dir).locator('button.twisty');
      if (t.entries === 0) {
        assert.equal(await arrow.count(), 0, `/${dir} is empty: no arrow`);
        assert.equal(await item(page, dir).getAttribute('aria-expanded'), null, `/${dir} is empty: not expandable`);
      } else {
        assert.equal(await arrow.count(), 1, `/${dir} has an arrow`);
        assert.equal(await item(page, dir).getAttribute('aria-expanded'), 'false');
      }
    }
    assert.ok(top.some((d) => dirs.get(d).entries === 0), 'the fixture has empty folders (data, dev, proc…)');
    // bin holds busybox and a hard link to it: counted once.
    assert.equal(dirs.get('bin').bytes, rows.find((r) => r.path === 'bin/busybox').size);
    // A click on a folder's name opens it, a second one closes it.
    await row(page, 'app').locator('button.name').click();
    await item(page, 'app/entrypoint.sh').waitFor();
    assert.equal(await item(page, 'app').getAttribute('aria-expanded'), 'true');
    assert.equal(await row(page, 'app/data').locator('.size').getAttribute('title'), `${dirs.get('app/data').bytes} bytes in the files below`);
    await row(page, 'app').locator('button.name').click();
    await node(page, 'app/entrypoint.sh').waitFor({ state: 'detached' });
    assert.equal(await item(page, 'app').getAttribute('aria-expanded'), 'false');
    // The detail card of a folder: its total and what is below it, not "0 B".
    await item(page, 'usr').focus();
    await page.keyboard.press('Enter');
    const total = page.locator('#file-detail .dir-total');
    await total.waitFor();
    const usr = dirs.get('usr');
    assert.match(await total.textContent(), new RegExp(`\\(${usr.bytes} bytes\\) in the regular files below it`));
    assert.match(await page.locator('#file-detail .dir-entries').textContent(), new RegExp(`^${usr.entries} entries at any depth, ${usr.children} directly inside$`));
    assert.doesNotMatch(await page.locator('#file-detail dl').textContent(), /\b0 B\b/);
    await axe(page, `the Files view with a folder's detail (${scheme})`);
    // Sorting by size puts the biggest folder first.
    await page.getByLabel('sort by size').check();
    const biggest = top.reduce((a, b) => (dirs.get(b).bytes > dirs.get(a).bytes ? b : a));
    await page.waitForFunction((p) => document.querySelector('[role="tree"] > li')?.getAttribute('data-path') === p, biggest);
    assert.deepEqual(errors, []);
  });

  test(`the detail opens beside its row on a wide screen, below it on a narrow one (${scheme})`, async () => {
    const { page, errors } = await open(browser, server.url);
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1280, height: 900 });
    await openFiles(page);
    await row(page, 'etc').locator('button.name').click();
    await row(page, 'etc/passwd').locator('button.name').click();
    await page.locator('#file-detail pre.preview').waitFor();
    assert.equal(await page.locator('#file-detail').count(), 1);
    assert.equal(await item(page, 'etc/passwd').locator('#file-detail').count(), 1, 'the detail belongs to its row');
    assert.equal(await page.locator('[role="tree"] [aria-selected="true"]').count(), 1);
    assert.equal(await item(page, 'etc/passwd').getAttribute('aria-selected'), 'true');
    const passwd = await row(page, 'etc/passwd').boundingBox();
    const name = await row(page, 'etc/passwd').locator('button.name').boundingBox();
    let card = await page.locator('#file-detail').boundingBox();
    assert.ok(Math.abs(card.y - passwd.y) < 8, `beside the row: card top ${card.y}, row top ${passwd.y}`);
    assert.ok(card.x > name.x + name.width, `to the right of the name: card left ${card.x}, name right ${name.x + name.width}`);
    // The rows after it stay where they were (the panel is beside the tree, not in it).
    const next = await row(page, 'etc/passwd.abs-link').boundingBox();
    assert.ok(next.y - (passwd.y + passwd.height) < 8, 'the next row follows the opened one');
    await axe(page, `a file's detail beside its row (${scheme})`);
    // Narrow: right below the row, before the next one.
    await page.setViewportSize({ width: 600, height: 900 });
    await page.waitForFunction(() => getComputedStyle(document.querySelector('.row-detail')).position === 'static');
    const passwd2 = await row(page, 'etc/passwd').boundingBox();
    card = await page.locator('#file-detail').boundingBox();
    const next2 = await row(page, 'etc/passwd.abs-link').boundingBox();
    assert.ok(card.y >= passwd2.y + passwd2.height - 1 && card.y - (passwd2.y + passwd2.height) < 24, `below the row: card top ${card.y}, row bottom ${passwd2.y + passwd2.height}`);
    assert.ok(next2.y >= card.y + card.height, 'the next row comes after the card');
    // Closing it gives the row back its place.
    await page.locator('#file-detail').getByRole('button', { name: 'Close' }).click();
    await page.locator('#file-detail').waitFor({ state: 'detached' });
    assert.deepEqual(errors, []);
  });

  test(`arrow keys move in the tree as in a WAI-ARIA tree view (${scheme})`, async () => {
    const { dirs } = await groundTruth();
    const { page, errors } = await open(browser, server.url);
    await page.emulateMedia({ colorScheme: scheme });
    await openFiles(page);
    const top = [...dirs.keys()].filter((p) => p && !p.includes('/')).sort();
    const tree = page.locator('[role="tree"]');
    assert.equal(await tree.getAttribute('aria-label'), 'Merged filesystem');
    // One stop in the Tab order: the first row.
    assert.equal(await tree.locator('[role="treeitem"][tabindex="0"]').count(), 1);
    assert.equal(await item(page, top[0]).getAttribute('tabindex'), '0');
    assert.equal(await item(page, top[0]).getAttribute('aria-level'), '1');
    await item(page, top[0]).focus();
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement.querySelector('.node-row')).outlineStyle);
    assert.notEqual(outline, 'none', 'the focused row is visible');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focusedPath(page), top[1]);
    await page.waitForFunction((p) => document.querySelector(`[role="tree"] li[data-path="${p}"] > [role="treeitem"]`)?.getAttribute('tabindex') === '0', top[1]);
    assert.equal(await tree.locator('[role="treeitem"][tabindex="0"]').count(), 1, 'the Tab stop moved with the focus');
    await page.keyboard.press('ArrowUp');
    assert.equal(await focusedPath(page), top[0]);
    await page.keyboard.press('End');
    assert.equal(await focusedPath(page), top[top.length - 1]);
    await page.keyboard.press('Home');
    assert.equal(await focusedPath(page), top[0]);
    // Right opens a closed folder, then enters it; Left goes back to the parent, then closes it.
    assert.equal(top[0], 'app');
    await page.keyboard.press('ArrowRight');
    await item(page, 'app/bin').waitFor();
    assert.equal(await item(page, 'app').getAttribute('aria-expanded'), 'true');
    assert.equal(await focusedPath(page), 'app', 'opening keeps the focus');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focusedPath(page), 'app/bin');
    assert.equal(await item(page, 'app/bin').getAttribute('aria-level'), '2');
    const order = await drawn(page);
    await page.keyboard.press('ArrowDown');
    assert.equal(await focusedPath(page), order[order.indexOf('app/bin') + 1], 'Down goes to the next row drawn');
    assert.ok(order.indexOf('app/bin') + 1 < order.indexOf('app/entrypoint.sh'), 'app/bin is followed by its siblings');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await focusedPath(page), 'app');
    await page.keyboard.press('ArrowLeft');
    await node(page, 'app/bin').waitFor({ state: 'detached' });
    assert.equal(await item(page, 'app').getAttribute('aria-expanded'), 'false');
    // An empty folder neither opens nor moves on Right.
    await item(page, 'data').focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await focusedPath(page), 'data');
    assert.equal(await item(page, 'data').getAttribute('aria-expanded'), null);
    // Enter and Space open the detail.
    await page.keyboard.press('Enter');
    await page.locator('#file-detail .dir-total').waitFor();
    assert.match(await page.locator('#file-detail h3').textContent(), /^\/data$/);
    await item(page, 'app').focus();
    await page.keyboard.press('ArrowRight');
    await item(page, 'app/entrypoint.sh').waitFor();
    await item(page, 'app/entrypoint.sh').focus();
    await page.keyboard.press(' ');
    await page.locator('#file-detail pre.preview').waitFor();
    assert.match(await page.locator('#file-detail h3').textContent(), /^\/app\/entrypoint\.sh$/);
    // Keys inside the detail are the detail's own.
    await page.locator('#file-detail').getByRole('button', { name: 'Close' }).focus();
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Close');
    assert.deepEqual(errors, []);
  });

  test(`at 390 px the Files view does not scroll sideways (${scheme})`, async () => {
    const { page, errors } = await open(browser, server.url);
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 390, height: 844 });
    await openFiles(page);
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= innerWidth);
    assert.ok(await fits(), 'the tree fits');
    // The deepest, longest path of the fixture, opened level by level.
    const deep = 'usr/share/doc/a-very-long-directory-name-0123456789/another-quite-long-directory-name-abcdefghij/third-level-dir-xyz';
    const parts = deep.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      await row(page, dir).locator('button.name').click();
      await node(page, dir).locator(':scope > ul > li').first().waitFor();
    }
    const file = `${deep}/file-with-a-long-name-to-exceed-one-hundred-chars.txt`;
    await row(page, file).locator('button.name').click();
    await page.locator('#file-detail pre.preview').waitFor();
    assert.ok(await fits(), `the page does not scroll sideways with /${file} open (scrollWidth ${await page.evaluate(() => document.documentElement.scrollWidth)})`);
    // A binary's hex preview too.
    await row(page, 'bin').locator('button.name').click();
    await row(page, 'bin/busybox').locator('button.name').click();
    await page.locator('#file-detail pre.preview.hex').waitFor();
    assert.ok(await fits(), `the page does not scroll sideways with a hex preview (scrollWidth ${await page.evaluate(() => document.documentElement.scrollWidth)})`);
    await axe(page, `the Files view at 390 px (${scheme})`);
    assert.deepEqual(errors, []);
  });
}

/** A docker-archive whose one layer holds `many/` with `n` files of 0..n-1 bytes (Python's tarfile), and the layer itself. */
function manyFiles(dir, n) {
  const out = join(dir, `many-${n}.tar`);
  const py = `
import hashlib, io, json, sys, tarfile
n = int(sys.argv[2])
layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode='w', format=tarfile.GNU_FORMAT) as t:
    d = tarfile.TarInfo('many'); d.type = tarfile.DIRTYPE; d.mode = 0o755; t.addfile(d)
    for k in range(n):
        i = tarfile.TarInfo('many/f%04d' % k); i.size = k; t.addfile(i, io.BytesIO(b'x' * k))
body = layer.getvalue()
open(sys.argv[1] + '.layer.tar', 'wb').write(body)
diff_id = 'sha256:' + hashlib.sha256(body).hexdigest()
config = json.dumps({'architecture': 'amd64', 'os': 'linux', 'config': {}, 'rootfs': {'type': 'layers', 'diff_ids': [diff_id]}}).encode()
cname = hashlib.sha256(config).hexdigest() + '.json'
manifest = json.dumps([{'Config': cname, 'RepoTags': ['many:1'], 'Layers': ['layer.tar']}]).encode()
with tarfile.open(sys.argv[1], 'w') as t:
    for name, data in [('layer.tar', body), (cname, config), ('manifest.json', manifest)]:
        i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
`;
  execFileSync('python3', ['-c', py, out, String(n)]);
  return { archive: out, layer: `${out}.layer.tar` };
}

test('a folder of 1,200 files: its total from GNU tar, shown 500 at a time ("Show N more (M left)"), End reaches the last drawn', async () => {
  const n = 1200;
  const { archive, layer } = manyFiles(await mkdtemp(join(tmpdir(), 'tarsier-many-')), n);
  // GNU tar's verbose listing: the sizes of the regular files below many/.
  const listing = execFileSync('tar', ['-tvf', layer], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('-'));
  assert.equal(listing.length, n);
  const total = listing.reduce((sum, l) => sum + Number(l.trim().split(/\s+/)[2]), 0);
  const { page, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFile(page, archive);
  await page.locator('.image-card').waitFor();
  await page.getByRole('tab', { name: 'Files' }).click();
  await page.locator('[role="tree"] li[data-path="many"]').waitFor();
  const size = row(page, 'many').locator('.size');
  assert.equal(await size.getAttribute('title'), `${total} bytes in the files below`);
  assert.equal(await size.textContent(), `${humanBytes(total)} · ${n} items`);
  await row(page, 'many').locator('button.name').click();
  const children = node(page, 'many').locator(':scope > ul > li');
  await children.first().waitFor();
  assert.equal(await children.count(), 500);
  const more = node(page, 'many').getByRole('button', { name: /^Show \d+ more/ });
  assert.equal(await more.textContent(), 'Show 500 more (700 left)');
  await more.click();
  await page.waitForFunction(() => document.querySelectorAll('[role="tree"] li[data-path="many"] > ul > li').length === 1000);
  assert.equal(await more.textContent(), 'Show 200 more (200 left)');
  await page.waitForFunction(() => document.activeElement?.parentElement?.getAttribute('data-path') === 'many/f0500');
  assert.equal(await focusedPath(page), 'many/f0500', 'the focus goes to the first row the button drew');
  assert.equal(await item(page, 'many/f0500').getAttribute('tabindex'), '0');
  await item(page, 'many').focus();
  await page.keyboard.press('End');
  assert.equal(await focusedPath(page), 'many/f0999', 'End: the last row drawn');
  await more.click();
  await page.waitForFunction((k) => document.querySelectorAll('[role="tree"] li[data-path="many"] > ul > li').length === k, n);
  assert.equal(await more.count(), 0);
  await page.waitForFunction(() => document.activeElement?.parentElement?.getAttribute('data-path') === 'many/f1000');
  await page.keyboard.press('End');
  assert.equal(await focusedPath(page), `many/f${String(n - 1).padStart(4, '0')}`);
  await page.keyboard.press('Enter');
  await page.locator('#file-detail').waitFor();
  assert.match(await page.locator('#file-detail dl').textContent(), new RegExp(`${n - 1} bytes`));
  assert.deepEqual(errors, []);
});
