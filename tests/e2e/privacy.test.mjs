// End to end: nothing leaves the tab. The page runs under its Content-Security-Policy with no
// violation, requests nothing but its own files, renders hostile file names as text, and works
// offline after one visit (service worker).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, launch, open, foreign, pasteText, cspViolations, DIST, FIXTURES, dropFile } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const IMAGES = join(FIXTURES, 'images');

/** A docker-archive whose only layer holds files named with HTML and JavaScript (made with Python's tarfile). */
function hostileArchive(dir) {
  const out = join(dir, 'html-names.tar');
  const py = `
import io, json, tarfile, hashlib, sys
names = ['<img src=x onerror=alert(1)>', '<svg onload=alert(2)>', 'a"b\\'c&amp;', 'dir<b>/x']
layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode='w', format=tarfile.PAX_FORMAT) as t:
    d = tarfile.TarInfo('dir<b>'); d.type = tarfile.DIRTYPE; d.mode = 0o755; t.addfile(d)
    for n in names:
        data = n.encode(); i = tarfile.TarInfo(n); i.size = len(data); i.mode = 0o644; t.addfile(i, io.BytesIO(data))
body = layer.getvalue()
diff = 'sha256:' + hashlib.sha256(body).hexdigest()
config = json.dumps({'architecture': 'amd64', 'os': 'linux', 'config': {'Env': ['X=<b>bold</b>']}, 'rootfs': {'type': 'layers', 'diff_ids': [diff]},
                     'history': [{'created_by': '<script>alert(3)</script>'}]}).encode()
cname = hashlib.sha256(config).hexdigest() + '.json'
manifest = json.dumps([{'Config': cname, 'RepoTags': ['evil/<img src=y onerror=alert(4)>:1'], 'Layers': ['layer.tar']}]).encode()
with tarfile.open(sys.argv[1], 'w') as t:
    for name, data in [('layer.tar', body), (cname, config), ('manifest.json', manifest)]:
        i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
`;
  execFileSync('python3', ['-c', py, out]);
  return out;
}

test('the page declares its CSP and a full session makes no violation and no foreign request', async () => {
  const { page, requests, errors } = await open(browser, server.url);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline script');
  await pasteText(page, await readFile(join(FIXTURES, 'proc/seed/redis-server.status'), 'utf8'));
  await page.locator('article.status-report').waitFor();
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFile(page, join(IMAGES, 'a1_podman_docker-archive.tar'));
  await page.locator('.image-card').waitFor();
  await page.getByRole('button', { name: 'Verify digests' }).click();
  await page.locator('#verify-summary').waitFor();
  assert.match(await page.locator('#verify-summary').textContent(), /^All \d+ digests match\.$/);
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(foreign(requests, server.origin), []);
  // Every request is for one of the app's own built files.
  const built = new Set(['', ...(await readdir(DIST))]);
  const paths = requests.map((u) => new URL(u).pathname.replace(/^\//, ''));
  assert.deepEqual(paths.filter((p) => !built.has(p)), [], 'only the built files are requested');
  assert.deepEqual(errors, []);
});

test('file names, tags, env and commands with HTML are shown as text, never run', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tarsier-html-'));
  const archive = hostileArchive(dir);
  const { page } = await open(browser, server.url);
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFile(page, archive);
  await page.locator('.image-card').waitFor();
  assert.equal(await page.locator('.image-card h3.tags').textContent(), 'evil/<img src=y onerror=alert(4)>:1');
  assert.match(await page.locator('.config').textContent(), /X=<b>bold<\/b>/);
  await page.getByRole('tab', { name: 'Layers' }).click();
  assert.match(await page.locator('.created-by').first().textContent(), /<script>alert\(3\)<\/script>/);
  await page.getByRole('tab', { name: 'Files' }).click();
  const tree = page.locator('ul.tree[aria-label="Merged filesystem"]');
  await tree.locator('[data-path="<img src=x onerror=alert(1)>"]').waitFor();
  assert.equal(await tree.locator('[data-path="<svg onload=alert(2)>"] button.name').textContent(), '<svg onload=alert(2)>');
  await tree.locator('[data-path="<img src=x onerror=alert(1)>"] button.name').click();
  await page.locator('#file-detail pre.preview').waitFor();
  assert.match(await page.locator('#file-detail pre.preview').textContent(), /<img src=x onerror=alert\(1\)>/);
  assert.equal(await page.locator('img, svg').count(), 0, 'no element was made from a name');
  assert.equal(await page.locator('main script, main b').count(), 0);
  assert.deepEqual(dialogs, []);
});

test('after one visit the site loads and works with the network off', async () => {
  const { page, context } = await open(browser, server.url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload(); // now controlled by the service worker
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await pasteText(page, '0x3000'); // loads the worker's files too, into the cache on first fetch
  await page.locator('article.mask').waitFor();
  await context.setOffline(true);
  await page.reload();
  await pasteText(page, 'CapEff:\t00000000a80425fb');
  // The reload restores the last paste (0x3000, from the URL) first: wait for the new one.
  const decoded = page.locator('article.mask .capsh code', { hasText: /^0x00000000a80425fb=cap_chown/ });
  await decoded.waitFor();
  assert.match(await decoded.textContent(), /^0x00000000a80425fb=cap_chown/);
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFile(page, join(IMAGES, 'b1_podman_oci-archive.tar'));
  await page.locator('.image-card').waitFor();
  await context.setOffline(false);
});
