// End to end: image archives from ../shared/fixtures/images dropped on the built site (a real
// drag of a file from disk through CDP, and the file button), checked as a person sees them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { serve, launch, open, foreign, FIXTURES, ROOT, dropFile, truthOf, slowArchive, OPEN_IMAGE, archiveShown } from './harness.mjs';
import { createHash } from 'node:crypto';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const IMAGES = join(FIXTURES, 'images');

async function openImage(page, path, how = 'drop') {
  await page.getByRole('button', { name: 'Container image' }).click();
  if (how === 'drop') await dropFile(page, path);
  else await page.getByLabel(OPEN_IMAGE).setInputFiles(path);
}

const truth = async (archive) => JSON.parse(await readFile(join(IMAGES, `${archive}.truth/summary.json`), 'utf8'));

/** Tags per image as the archive itself records them: manifest.json RepoTags, or the OCI index's ref names (read with GNU tar). */
function recordedTags(archive, t) {
  if (t.docker_manifest_json?.length) return t.docker_manifest_json.map((m) => m.RepoTags ?? []);
  const index = JSON.parse(execFileSync('tar', ['-xOf', join(IMAGES, archive), 'index.json'], { encoding: 'utf8' }));
  return index.manifests.map((m) => [m.annotations?.['org.opencontainers.image.ref.name']].filter(Boolean));
}

test('every fixture archive opens (drop and file button) with its tags and layer count', async () => {
  const archives = ['a1_podman_docker-archive.tar', 'a5_podman_docker-archive.tar.gz', 'b1_podman_oci-archive.tar',
    'c1_podman_docker-archive_multi.tar', 'd2_skopeo_oci-archive_zstd.tar', 'e1_podman_docker-archive_empty.tar',
    'g1_podman_overlay_docker-archive_opaque.tar'];
  const { page, requests, errors } = await open(browser, server.url);
  for (const [i, archive] of archives.entries()) {
    const t = await truth(archive);
    await openImage(page, join(IMAGES, archive), i % 2 ? 'button' : 'drop');
    await archiveShown(page, archive);
    const expected = recordedTags(archive, t)[0];
    assert.ok(expected.length > 0, `${archive} records a tag`);
    assert.equal(await page.locator('.image-card h3.tags').textContent(), expected.join(', '), archive);
    await page.getByRole('tab', { name: 'Layers' }).click();
    assert.equal(await page.locator('tr.layer-row').count(), t.images[0].layer_count, archive);
    await page.getByRole('tab', { name: 'Overview' }).click();
  }
  assert.deepEqual(foreign(requests, server.origin), []);
  assert.deepEqual(errors, []);
});

test('an archive dropped while the app still loads is opened once it has loaded', async () => {
  // The app's wasm is held until the file has been dropped: the drop lands on `early.js` alone.
  let release;
  const held = new Promise((ok) => { release = ok; });
  const hold = (page) => page.route('**/app_bg.wasm', async (route) => { await held; await route.continue(); });
  const { page, context, requests, errors } = await open(browser, server.url, { before: hold, app: false });
  await page.waitForFunction(() => 'tarsierEarlyDrop' in window);
  assert.equal(await page.locator('nav.tools').count(), 0, 'the app is not on the page yet');
  const archive = 'a1_podman_docker-archive.tar';
  await dropFile(page, join(IMAGES, archive));
  assert.equal(await page.evaluate(() => window.tarsierEarlyDrop?.[0]?.name), archive);
  release();
  await archiveShown(page, archive);
  const t = await truth(archive);
  assert.equal(await page.locator('.image-card').count(), t.images.length);
  assert.equal(await page.locator('.image-card h3.tags').textContent(), recordedTags(archive, t)[0].join(', '));
  assert.equal(await page.evaluate(() => window.tarsierEarlyDrop), null, 'kept once, opened once');
  assert.deepEqual(foreign(requests, server.origin), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a1: merged tree, a deleted file struck through, setuid finding, cap_net_raw+ep, file preview', async () => {
  const { page, requests } = await open(browser, server.url);
  await openImage(page, join(IMAGES, 'a1_podman_docker-archive.tar'));
  await page.locator('.image-card').waitFor();
  assert.match(await page.locator('.config').textContent(), /GREETING=hello world/);
  await page.getByRole('tab', { name: 'Files' }).click();
  const tree = page.locator('ul.tree[aria-label="Merged filesystem"]');
  await tree.locator('[data-path="etc"]').waitFor();
  await page.getByRole('button', { name: 'Expand app' }).click();
  await tree.locator('[data-path="app/entrypoint.sh"]').waitFor();
  // A deleted path is shown struck through, with the layer that removed it (etc/motd: a
  // whiteout in layer 2, see the fixture's MANIFEST.md).
  await page.getByRole('button', { name: 'Expand etc', exact: true }).click();
  const motd = tree.locator('[data-path="etc/motd"]');
  await motd.waitFor();
  assert.equal(await motd.locator('del').textContent(), 'motd');
  assert.match(await motd.locator('.status').first().textContent(), /deleted in layer 2/);
  // Findings: setuid.
  await page.getByRole('tab', { name: 'Findings' }).click();
  assert.match(await page.locator('section.findings').textContent(), /setuid/);
  // File capabilities in the + form, in the file detail.
  const capRow = page.locator('tr.finding', { hasText: 'file capabilities' }).first();
  await capRow.getByRole('button').click();
  await page.locator('#file-detail .file-caps').first().waitFor();
  const caps = await page.locator('#file-detail').textContent();
  assert.match(caps, /cap_net_raw\+ep|cap_net_bind_service,cap_sys_admin\+eip/);
  // Preview of a text file.
  await page.getByRole('tab', { name: 'Files' }).click();
  await page.locator('#file-search').fill('entrypoint.sh');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator('.search-results button', { hasText: '/app/entrypoint.sh' }).click();
  await page.locator('#file-detail pre.preview').waitFor();
  assert.match(await page.locator('#file-detail pre.preview').textContent(), /^\s+1  #!\/bin\/sh/);
  assert.deepEqual(foreign(requests, server.origin), []);
});

test('c1: the multi-image switcher', async () => {
  const { page } = await open(browser, server.url);
  await openImage(page, join(IMAGES, 'c1_podman_docker-archive_multi.tar'));
  await page.locator('.image-switcher').waitFor();
  const choices = page.locator('.image-switcher button');
  assert.equal(await choices.count(), 2);
  const first = await page.locator('.image-card h3.tags').textContent();
  await choices.nth(1).click();
  assert.notEqual(await page.locator('.image-card h3.tags').textContent(), first);
  await page.getByRole('tab', { name: 'Layers' }).click();
  assert.ok(await page.locator('.badge.shared').count() >= 1, 'the shared base layer is marked');
});

test('a truncated archive shows a clear error and keeps the previous image on screen', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tarsier-e2e-'));
  const whole = await readFile(join(IMAGES, 'a1_podman_docker-archive.tar'));
  const cut = join(dir, 'truncated.tar');
  await writeFile(cut, whole.subarray(0, 300 * 512 + 100));
  const { page } = await open(browser, server.url);
  await openImage(page, join(IMAGES, 'b1_podman_oci-archive.tar'));
  await archiveShown(page, 'b1_podman_oci-archive.tar');
  await openImage(page, cut);
  await page.locator('#image-error').waitFor();
  assert.match(await page.locator('#image-error').textContent(), /truncated\.tar: .+/);
  assert.equal(await page.locator('.archive dd', { hasText: 'b1_podman_oci-archive.tar' }).count(), 1);
  // The error says what is still on screen; the drop area is one bar once an image is open.
  assert.equal(await page.locator('#still-showing').textContent(), 'Still showing b1_podman_oci-archive.tar.');
  await page.getByLabel('Open another image archive…').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Dismiss' }).click();
  const zone = await page.locator('section.drop-zone').boundingBox();
  assert.ok(zone.height < 80, `the open-another bar is ${zone.height} px high`);
});

test('Cancel stops indexing, says so, and keeps the image on screen labelled as still shown; the newest drop wins', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tarsier-slow-'));
  const slow = slowArchive(dir, 4);
  const { page } = await open(browser, server.url);
  await openImage(page, join(IMAGES, 'a1_podman_docker-archive.tar'));
  await archiveShown(page, 'a1_podman_docker-archive.tar');
  await openImage(page, slow);
  const progress = page.locator('.progress[role="status"]');
  await progress.waitFor();
  assert.match(await progress.textContent(), /Indexing slow-4g\.tar/);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await progress.waitFor({ state: 'detached' });
  assert.equal(await page.locator('.archive dd', { hasText: 'a1_podman_docker-archive.tar' }).count(), 1);
  assert.equal(await page.locator('#image-error .error').textContent(), 'Cancelled: slow-4g.tar was not opened.');
  assert.equal(await page.locator('#still-showing').textContent(), 'Still showing a1_podman_docker-archive.tar.');
  // A slow archive, then another file dropped while it is read: the newer one is shown, and the
  // slow one never replaces it. Choosing the image tool starts the worker the next drop uses; the
  // newer drop terminates the one reading the slow archive, so no late answer can come from it:
  // its `close` event is the proof, not a pause.
  const started = page.waitForEvent('worker');
  await openImage(page, slow);
  const reading = await started;
  const gone = new Promise((ok) => reading.once('close', ok));
  await progress.waitFor();
  await openImage(page, join(IMAGES, 'b1_podman_oci-archive.tar'));
  await archiveShown(page, 'b1_podman_oci-archive.tar');
  await progress.waitFor({ state: 'detached' });
  await gone;
  assert.ok(!page.workers().includes(reading));
  assert.equal(await page.locator('.archive dd', { hasText: 'slow-4g.tar' }).count(), 0);
});

test('export: the JSON report equals `tarsier inspect --json` (which tests/oracle.rs checks against the oracle); one file downloads as umoci unpacked it', async () => {
  const archive = join(IMAGES, 'a1_podman_docker-archive.tar');
  const bin = process.env.TARSIER_BIN ?? join(ROOT, 'target/debug/tarsier');
  const cli = JSON.parse(execFileSync(bin, ['inspect', '--json', archive], { maxBuffer: 1 << 28, encoding: 'utf8' }));
  const { page } = await open(browser, server.url);
  await openImage(page, archive);
  await page.locator('.image-card').waitFor();
  await page.getByRole('button', { name: 'Export JSON report' }).click();
  const link = page.locator('a.download');
  await link.waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.equal(download.suggestedFilename(), 'a1_podman_docker-archive.tar.tarsier.json');
  const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
  cli.archive.name = exported.archive.name; // the CLI names the path it was given
  assert.deepEqual(exported, cli);
  // One file's bytes, as umoci unpacked them (the oracle), not as Tarsier's CLI reads them.
  const truth = truthOf(archive).images[0].merged.find((e) => e.path === 'app/entrypoint.sh');
  await page.getByRole('tab', { name: 'Files' }).click();
  await page.locator('#file-search').fill('entrypoint.sh');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.locator('.search-results button', { hasText: '/app/entrypoint.sh' }).click();
  await page.getByRole('button', { name: 'Download this file' }).click();
  const fileLink = page.locator('a.download', { hasText: 'entrypoint.sh' });
  await fileLink.waitFor();
  const [fileDownload] = await Promise.all([page.waitForEvent('download'), fileLink.click()]);
  const got = await readFile(await fileDownload.path());
  assert.equal(got.length, truth.size);
  assert.equal(createHash('sha256').update(got).digest('hex'), truth.sha256);
});
