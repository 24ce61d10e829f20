// End to end: a representative subset of the adversarial corpus (scripts/make_adversarial.py)
// dropped on the page and pasted into it. Each yields a clear error or a warning, the page stays
// responsive, and a failing file never takes away the image already on screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, launch, open, foreign, cspViolations, pasteBox, FIXTURES, ROOT, dropFile } from './harness.mjs';

let server, browser, corpus;
before(async () => {
  corpus = await mkdtemp(join(tmpdir(), 'tarsier-adv-'));
  execFileSync('python3', [join(ROOT, 'scripts/make_adversarial.py'), '--skip-many', corpus], { stdio: 'ignore' });
  server = await serve();
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.close(); });

/** The page answers within a second: the UI thread is not blocked. */
async function responsive(page) {
  const t0 = Date.now();
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => ok(1))));
  assert.ok(Date.now() - t0 < 1000, 'the page stays responsive');
}

const ERRORS = ['header/size-base256-overflow.tar', 'manifest/absent-layer.tar', 'json/manifest-deeply-nested.tar',
  'json/manifest-enormous.tar', 'bomb/zstd-huge-window-layer.tar', 'bomb/zstd-huge-window-outer.tar.zst', 'other/random.bin',
  'other/html.tar', 'other/empty.tar', 'truncate/a1-cut-at-1024.tar'];
const WARNINGS = [['header/layer-size-nonoctal.tar', 'damaged_layer'], ['bomb/gzip-bomb-nested.tar.gz', 'damaged_layer'],
  ['manifest/layer-listed-twice.tar', 'layer_listed_twice'], ['manifest/oci-index-absent-blob.tar', 'missing_blob']];

test('damaged and hostile archives: a clear error, the previous image stays, the page stays up', async () => {
  const { page, requests, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFile(page, join(FIXTURES, 'images/a1_podman_docker-archive.tar'));
  await page.locator('.archive dd', { hasText: 'a1_podman_docker-archive.tar' }).waitFor();
  for (const name of ERRORS) {
    let file = join(corpus, name);
    if (name.startsWith('truncate/')) {
      const listed = execFileSync('ls', [join(corpus, 'truncate')], { encoding: 'utf8' }).split('\n').filter((f) => f.startsWith('a1'));
      file = join(corpus, 'truncate', listed[0]);
    }
    await dropFile(page, file);
    const error = page.locator('#image-error');
    await error.waitFor({ timeout: 60_000 });
    const text = await error.locator('p').textContent();
    const base = file.split('/').pop();
    assert.ok(text.startsWith(`${base}: `) && text.length > base.length + 10, `${name}: ${text}`);
    assert.doesNotMatch(text, /panicked|unwrap|RuntimeError/);
    await responsive(page);
    assert.equal(await page.locator('.archive dd', { hasText: 'a1_podman_docker-archive.tar' }).count(), 1, `${name}: a1 stays`);
    await page.getByRole('button', { name: 'Dismiss' }).click();
  }
  assert.deepEqual(foreign(requests, server.origin), []);
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(errors.filter((e) => /panicked|RuntimeError|unreachable/.test(e)), []);
});

test('damage inside a layer, bombs and odd manifests: the image loads with a warning', async () => {
  const { page } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  for (const [name, code] of WARNINGS) {
    await dropFile(page, join(corpus, name));
    const base = name.split('/').pop();
    await page.locator('.archive dd', { hasText: base }).waitFor({ timeout: 120_000 });
    assert.match(await page.locator('section.warnings').textContent(), new RegExp(code), name);
    await responsive(page);
  }
});

test('hostile names: traversal flagged, non-UTF-8 escaped, link loops do not hang', async () => {
  const { page } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFile(page, join(corpus, 'names/path-traversal.tar'));
  await page.locator('.image-card').waitFor();
  await page.getByRole('tab', { name: 'Findings' }).click();
  assert.match(await page.locator('section.findings').textContent(), /path traversal/);
  await dropFile(page, join(corpus, 'names/non-utf8.tar'));
  await page.locator('.archive dd', { hasText: 'non-utf8.tar' }).waitFor();
  await page.getByRole('tab', { name: 'Files' }).click();
  await page.locator('#file-search').fill('caf');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator('.search-results li').first().waitFor();
  assert.match(await page.locator('.search-results').textContent(), /caf\\xe9/);
  await dropFile(page, join(corpus, 'names/link-loops.tar'));
  await page.locator('.archive dd', { hasText: 'link-loops.tar' }).waitFor();
  await page.getByRole('tab', { name: 'Files' }).click();
  await page.locator('#file-search').fill('loop');
  await page.getByRole('button', { name: 'Search' }).click();
  const hit = page.locator('.search-results li button').first();
  await hit.waitFor();
  await hit.click();
  await page.locator('#file-detail').waitFor();
  await page.locator('#file-detail dl, #file-detail .error').first().waitFor({ timeout: 30_000 });
  await responsive(page);
});

test('10 MB pastes get a clear message without freezing the page', async () => {
  const { page, context } = await open(browser, server.url);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  await pasteBox(page).fill('CapEff:\t00000000a80425fb');
  await page.locator('article.mask').waitFor();
  for (const name of ['paste/status-10mb.txt', 'paste/masks-10mb.txt', 'paste/one-line-10mb.txt']) {
    const text = await readFile(join(corpus, name), 'utf8');
    // A real paste: the text goes to the system clipboard, then Ctrl+V in the box.
    await page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await pasteBox(page).click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('ControlOrMeta+V');
    await page.locator('#paste-error').waitFor({ timeout: 30_000 });
    assert.match(await page.locator('#paste-error').textContent(), new RegExp(`^The paste is ${Buffer.byteLength(text)} bytes; at most \\d+ bytes are read`), name);
    await responsive(page);
    assert.equal(await page.locator('article.mask').count(), 1, `${name}: the previous decode stays`);
    assert.equal(await pasteBox(page).inputValue(), 'CapEff:\t00000000a80425fb', `${name}: the box keeps its text`);
  }
});
