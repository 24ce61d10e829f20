// End to end: the Build page (issue 13). The article's busybox image built from a rootfs
// tarball and a layer appended to an opened archive, each reopened in the explorer and its
// download compared byte for byte with `tarsier build` given the same inputs; bad input gets
// one sentence and no download link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { serve, launch, open, foreign, FIXTURES, ROOT } from './harness.mjs';

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
  await page.locator('.archive dd', { hasText: 'image.tar' }).waitFor();
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
  await page.getByLabel('Choose an image archive…').setInputFiles(A1);
  await page.locator('.archive dd', { hasText: 'a1_podman_docker-archive.tar' }).waitFor();
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
  assert.match(await problem.textContent(), /^The path `\.\.\/etc\/passwd` climbs out with `\.\.`/);
  assert.ok(await page.locator('#build-button').isDisabled());
  assert.equal(await page.locator('#build-download').count(), 0);
  assert.deepEqual(foreign(requests, server.origin), []);
  assert.deepEqual(errors, []);
});

test('a base archive compressed as a whole (a5, .tar.gz): the core\'s sentence (decompress it first), no download link', async () => {
  const { page, requests, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await page.getByLabel('Choose an image archive…').setInputFiles(join(FIXTURES, 'images', 'a5_podman_docker-archive.tar.gz'));
  await page.locator('.archive dd', { hasText: 'a5_podman_docker-archive.tar.gz' }).waitFor();
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
