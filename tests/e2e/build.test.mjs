// End to end: the Build page (issue 13). The article's busybox image built from a rootfs
// tarball and a layer appended to an opened archive, each reopened in the explorer and its
// download compared byte for byte with `tarsier build` given the same inputs; bad input gets
// one sentence and no download link. Also: a dropped file, an OCI layout with a gzip layer and
// the time of the build (skopeo reads it back), and Cancel of a long build on the archive on screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, stat, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { serve, launch, open, foreign, FIXTURES, ROOT, archiveShown, openOnScreen } from './harness.mjs';

let server, browser, tmp, rootfs;
const BIN = process.env.TARSIER_BIN ?? join(ROOT, 'target/debug/tarsier');
const A1 = join(FIXTURES, 'images', 'a1_podman_docker-archive.tar');

before(async () => {
  await stat(BIN).catch(() => { throw new Error(`${BIN} is missing: run \`cargo build --bin tarsier\` first`); });
  tmp = await mkdtemp(join(tmpdir(), 'tarsier-build-e2e-'));
  // Needs root (owners, a file capability); fails loudly otherwise.
  execFileSync('bash', [join(ROOT, 'scripts/fixtures/build_rootfs.sh'), join(tmp, 'fixture')], { stdio: ['ignore', 'ignore', 'inherit'] });
  rootfs = join(tmp, 'fixture', 'rootfs.tar');
  server = await serve();
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.close(); });

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** `tarsier build` with these arguments; the archive's bytes. */
async function cliBuild(name, args) {
  const out = join(tmp, name);
  execFileSync(BIN, ['build', '-o', out, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  return readFile(out);
}

async function buildPage(page) {
  await page.getByRole('button', { name: 'Build an image' }).click();
  await page.locator('#build-title').waitFor();
}

/** Adds a text file change: path, content, mode, owner. */
async function addText(page, path, text) {
  await page.getByRole('button', { name: 'Add a file' }).click();
  const row = page.locator('fieldset.change').last();
  await row.getByLabel('Path').fill(path);
  await row.getByLabel('Content').fill(text);
}

async function addDelete(page, path) {
  await page.getByRole('button', { name: 'Delete a path' }).click();
  await page.locator('fieldset.change').last().getByLabel('Path').fill(path);
}

/** Builds, waits for the explorer to show the result, and downloads it from the Build page. */
async function buildAndDownload(page) {
  await page.locator('#build-button').click();
  await archiveShown(page, 'image.tar');
  const layers = async () => {
    await page.getByRole('tab', { name: 'Layers' }).click();
    const n = await page.locator('tr.layer-row').count();
    await page.getByRole('tab', { name: 'Overview' }).click();
    return n;
  };
  const layerCount = await layers();
  return { layerCount, download: async () => {
    await buildPage(page);
    const link = page.locator('#build-download');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), 'image.tar');
    return readFile(await download.path());
  } };
}

/** Waits until the merged tree shows `path` (expanding its parents). */
async function treeEntry(page, path) {
  await page.getByRole('tab', { name: 'Files' }).click();
  const tree = page.locator('ul.tree[aria-label="Merged filesystem"]');
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    await tree.locator(`[data-path="${dir}"]`).waitFor();
    await page.getByRole('button', { name: `Expand ${parts[i - 1]}`, exact: true }).click();
  }
  const entry = tree.locator(`[data-path="${path}"]`);
  await entry.waitFor();
  return entry;
}

test('the article\'s busybox image from a rootfs tarball: 2 layers, the release file, bytes equal `tarsier build`', async () => {
  const { page, requests, errors } = await open(browser, server.url);
  await buildPage(page);
  await page.getByLabel(/Root filesystem tarball/).setInputFiles(rootfs);
  await page.locator('.chosen', { hasText: 'rootfs.tar' }).waitFor();
  await addText(page, 'release', 'KatacodaPrivateBuild\n');
  await page.getByLabel(/^Tags/).fill('tarsier-test/busybox:latest');
  await page.getByLabel(/^Cmd/).fill('["sh"]');
  const { layerCount, download } = await buildAndDownload(page);
  // The rootfs as one layer, the release file in a second, as the CLI writes them.
  assert.equal(layerCount, 2);
  assert.equal(await page.locator('.image-card h3.tags').textContent(), 'tarsier-test/busybox:latest');
  await treeEntry(page, 'release');
  await treeEntry(page, 'bin/busybox');
  const got = await download();
  const want = await cliBuild('busybox.tar', ['--rootfs', rootfs, '--add', 'release=KatacodaPrivateBuild\n',
    '--tag', 'tarsier-test/busybox:latest', '--cmd', '["sh"]']);
  assert.equal(got.length, want.length);
  assert.equal(sha256(got), sha256(want));
  // The form kept its inputs.
  assert.equal(await page.getByLabel(/^Tags/).inputValue(), 'tarsier-test/busybox:latest');
  assert.deepEqual(foreign(requests, server.origin), []);
  assert.deepEqual(errors, []);
});

test('a layer appended to an opened archive (a1): one more layer, the added file, the deleted one gone, bytes equal `tarsier build --base`', async () => {
  const { page, requests, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await openOnScreen(page, A1);
  await page.getByRole('tab', { name: 'Layers' }).click();
  const before = await page.locator('tr.layer-row').count();
  await buildPage(page);
  await page.getByLabel(/Build on the image open in Tarsier/).check();
  await addText(page, '/app/added.txt', 'added on the page\n');
  await addDelete(page, '/app/entrypoint.sh');
  const { layerCount, download } = await buildAndDownload(page);
  assert.equal(layerCount, before + 1);
  await treeEntry(page, 'app/added.txt');
  // The explorer lists a deleted path struck through, with the layer that removed it: the new one
  // (the explorer numbers layers from 0, so the new one is number `before`).
  const gone = page.locator('ul.tree [data-path="app/entrypoint.sh"]');
  await gone.waitFor();
  assert.equal(await gone.locator('del').textContent(), 'entrypoint.sh');
  assert.match(await gone.locator('.status').first().textContent(), new RegExp(`deleted in layer ${before}$`));
  const got = await download();
  const want = await cliBuild('a1-plus.tar', ['--base', A1, '--add', '/app/added.txt=added on the page\n', '--delete', '/app/entrypoint.sh']);
  assert.equal(sha256(got), sha256(want));
  assert.deepEqual(foreign(requests, server.origin), []);
  assert.deepEqual(errors, []);
});

test('bad input: a rootfs that is not a tar, a `..` path — one sentence each, no download link', async () => {
  const notTar = join(tmp, 'notes.tar');
  await writeFile(notTar, 'these are notes, not a tar archive\n'.repeat(40));
  const { page, requests, errors } = await open(browser, server.url);
  await buildPage(page);
  await page.getByLabel(/Root filesystem tarball/).setInputFiles(notTar);
  await page.locator('.chosen', { hasText: 'notes.tar' }).waitFor();
  await page.locator('#build-button').click();
  const error = page.locator('#build-error');
  await error.waitFor();
  assert.match(await error.textContent(), /^The root filesystem is not a tar archive \(plain, gzip or zstd\): .+\.$/);
  assert.equal(await page.locator('#build-download').count(), 0);
  // A path that climbs out: the sentence before any build, and no way to build.
  await addText(page, '../etc/passwd', 'x');
  const problem = page.locator('#build-problem');
  await problem.waitFor();
  assert.match(await problem.textContent(), /^The path \.\.\/etc\/passwd climbs out with "\.\."/);
  assert.ok(await page.locator('#build-button').isDisabled());
  assert.equal(await page.locator('#build-download').count(), 0);
  assert.deepEqual(foreign(requests, server.origin), []);
  assert.deepEqual(errors, []);
});

test('a base archive compressed as a whole (a5, .tar.gz): the core\'s sentence (decompress it first), no download link', async () => {
  const { page, requests, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await openOnScreen(page, join(FIXTURES, 'images', 'a5_podman_docker-archive.tar.gz'));
  await buildPage(page);
  await page.getByLabel(/Build on the image open in Tarsier/).check();
  await addText(page, '/added.txt', 'x\n');
  await page.locator('#build-button').click();
  const error = page.locator('#build-error');
  await error.waitFor();
  assert.match(await error.textContent(), /^The base image cannot be reused: the archive is compressed as a whole.*decompress it first/);
  assert.equal(await page.locator('#build-download').count(), 0);
  assert.deepEqual(foreign(requests, server.origin), []);
  assert.deepEqual(errors, []);
});

/** Drops files from disk on `target` (a locator), as a user's mouse would (CDP). */
async function dropOn(page, target, paths) {
  const box = await target.boundingBox();
  assert.ok(box, 'the drop target is on screen');
  const cdp = await page.context().newCDPSession(page);
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  const data = { items: [], files: paths, dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop']) await cdp.send('Input.dispatchDragEvent', { type, x, y, data });
  await cdp.detach();
}

test('a file dropped on the page into an OCI layout with a gzip layer: bytes equal `tarsier build`; with "now", skopeo reads the time of the build', async () => {
  const hello = join(tmp, 'hello.txt');
  await writeFile(hello, 'dropped from disk\n');
  const { page, requests, errors } = await open(browser, server.url);
  await buildPage(page);
  await dropOn(page, page.locator('.drop-target', { hasText: 'Add files from disk' }), [hello]);
  const row = page.locator('fieldset.change').last();
  assert.equal(await row.getByLabel('Path').inputValue(), '/hello.txt');
  await page.getByLabel(/^Tags/).fill('tarsier-test/dropped:1');
  await page.getByLabel('Format').selectOption('oci');
  await page.getByLabel('Compress the new layer with gzip').check();
  const download = async () => {
    await page.locator('#build-button').click();
    // The result opens in the explorer; the link stays on the Build page.
    await archiveShown(page, 'image-oci.tar');
    await buildPage(page);
    const link = page.locator('#build-download');
    assert.match(await page.locator('#build-result').textContent(), /Built: image-oci\.tar \(.+\), 1 layer, tarsier-test\/dropped:1\./);
    const [d] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.equal(d.suggestedFilename(), 'image-oci.tar');
    return readFile(await d.path());
  };
  const got = await download();
  const want = await cliBuild('dropped-oci.tar', ['--format', 'oci', '--gzip', '--tag', 'tarsier-test/dropped:1', '--add-file', `/hello.txt=${hello}`]);
  assert.equal(sha256(got), sha256(want), 'the page and the CLI write the same bytes');
  // The time of the build: skopeo reads it from the config, and copies the archive (which
  // checks every digest).
  await page.getByLabel('Use the time of the build (now)').check();
  const t0 = new Date();
  const now = await download();
  const t1 = new Date();
  const file = join(tmp, 'now-oci.tar');
  await writeFile(file, now);
  const config = JSON.parse(execFileSync('skopeo', ['inspect', '--config', `oci-archive:${file}`], { encoding: 'utf8' }));
  const created = new Date(config.created);
  assert.ok(created >= new Date(t0.getTime() - 1000) && created <= new Date(t1.getTime() + 1000), `created ${config.created}, built between ${t0.toISOString()} and ${t1.toISOString()}`);
  execFileSync('skopeo', ['copy', `oci-archive:${file}`, `dir:${join(tmp, 'now-copied')}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  const layer = JSON.parse(execFileSync('skopeo', ['inspect', '--raw', `oci-archive:${file}`], { encoding: 'utf8' })).layers[0];
  assert.equal(layer.mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip');
  assert.deepEqual(foreign(requests, server.origin), []);
  assert.deepEqual(errors, []);
});

test('Cancel stops a long build on the archive on screen: its worker ends, the archive stays open, no download link', async () => {
  // A base image with a 1 GiB layer (one file of zeros), made by GNU tar and the CLI: hashing
  // that layer takes long enough to press Cancel. `dd conv=sparse` keeps the zeros off the disk.
  const base = join(tmp, 'big-base.tar');
  const sparse = 'dd bs=1M iflag=fullblock conv=sparse status=none';
  execFileSync('bash', ['-c', `set -o pipefail; cd "$1" && truncate -s 1G zeros.bin && tar -cf - zeros.bin | ${sparse} of=big-rootfs.tar \\
    && "$2" build -o - --rootfs big-rootfs.tar --tag tarsier-test/big:1 | ${sparse} of=big-base.tar && rm zeros.bin big-rootfs.tar`, 'x', tmp, BIN], { stdio: ['ignore', 'ignore', 'inherit'] });
  const { page, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await openOnScreen(page, base, 60000);
  await buildPage(page);
  await page.getByLabel(/Build on the image open in Tarsier/).check();
  await addText(page, '/added.txt', 'x\n');
  // The build runs in a worker of its own (the archive's worker only hands over its index).
  const buildWorker = page.waitForEvent('worker');
  await page.locator('#build-button').click();
  const worker = await buildWorker;
  const ended = worker.evaluate(() => new Promise(() => {})).catch(() => 'ended');
  await page.getByText(/hashing the base image's layers/).waitFor({ timeout: 60000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await ended, 'ended', 'the build worker was terminated');
  assert.equal(await page.locator('.build-progress').count(), 0);
  assert.equal(await page.locator('#build-download').count(), 0);
  // The archive is still open, its worker still answering.
  await page.getByRole('button', { name: 'Container image' }).click();
  await page.getByRole('tab', { name: 'Files' }).click();
  await page.locator('[data-path="zeros.bin"]').waitFor();
  // And the build, asked again, finishes: one layer more, as the CLI builds it.
  await buildPage(page);
  await page.locator('#build-button').click();
  await archiveShown(page, 'image.tar', 120000);
  await buildPage(page);
  const link = page.locator('#build-download');
  const [d] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const want = await cliBuild('big-plus.tar', ['--base', base, '--add', '/added.txt=x\n']);
  assert.equal(sha256(await readFile(await d.path())), sha256(want));
  assert.deepEqual(errors, []);
  await page.context().close();
  for (const f of [rootfs, base, join(tmp, 'big-plus.tar')]) await rm(f, { force: true });
});
