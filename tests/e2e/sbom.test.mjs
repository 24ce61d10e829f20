// End to end: "Download SBOM" on the Packages view. dpkg-small.tar is dropped on the built site,
// its SBOM downloaded as CycloneDX (the final image) and as SPDX (from layer 1 up), each validated
// by the same outside tools as tests/sbom_export.rs (tests/sbom_validate.py in the venv that
// scripts/setup.sh --browser makes: cyclonedx-python-lib's strict 1.6 schema, spdx-tools), and
// its packages compared with dpkg-query's lists recorded beside the fixture.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { serve, launch, open, foreign, FIXTURES, ROOT, dropFile, scriptFixture } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const ARCHIVE = join(FIXTURES, 'images/dpkg-small.tar');
const PYTHON = join(ROOT, 'target/venv-sbom/bin/python');

/** The outside validator's verdict on a downloaded document (fails naming what installs it). */
function validate(format, path) {
  assert.ok(existsSync(PYTHON), `${PYTHON} is missing: run scripts/setup.sh --browser (it installs cyclonedx-python-lib[json-validation] and spdx-tools into target/venv-sbom)`);
  const r = spawnSync(PYTHON, [join(ROOT, 'tests/sbom_validate.py'), format, path], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${format} is not valid:\n${r.stdout}${r.stderr}`);
}

/** dpkg-query's package names: of the final image, and those the second layer added or changed. */
function recorded() {
  const tsv = (f) => new Map(readFileSync(join(FIXTURES, 'images/dpkg-small.tar.truth/packages', f), 'utf8')
    .trim().split('\n').map((l) => l.split('\t')).map(([name, version]) => [name, version]));
  const merged = tsv('merged.tsv');
  const first = tsv('layer1.tsv');
  return { all: [...merged.keys()].sort(), top: [...merged].filter(([n, v]) => first.get(n) !== v).map(([n]) => n).sort() };
}

/** Asks for the SBOM and saves it once its link (named `name`: a new one, not the last) is there. */
async function downloadSbom(page, name) {
  await page.getByRole('button', { name: 'Download SBOM' }).click();
  const link = page.locator('.sbom a.download', { hasText: name });
  await link.waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.equal(download.suggestedFilename(), name);
  // Under its own name: spdx-tools tells the format by the file's extension.
  const path = `${await download.path()}-${name}`;
  copyFileSync(await download.path(), path);
  return path;
}

test('Download SBOM: CycloneDX of the final image and SPDX from layer 1 up, both valid, with dpkg-query\'s packages', async () => {
  const want = recorded();
  assert.ok(want.top.length > 0 && want.top.length < want.all.length, 'the fixture has packages of both layers');
  const { page, requests } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFile(page, ARCHIVE);
  await page.locator('.image-card').waitFor();
  await page.getByRole('tab', { name: 'Packages' }).click();

  const cdx = await downloadSbom(page, 'dpkg-small.tar.cdx.json');
  validate('cyclonedx', cdx);
  const bom = JSON.parse(readFileSync(cdx, 'utf8'));
  assert.deepEqual(bom.components.filter((c) => c.type === 'library').map((c) => c.name).sort(), want.all);

  await page.getByLabel('Format', { exact: true }).selectOption('spdx');
  await page.getByLabel('Layers', { exact: true }).selectOption('1');
  const spdx = await downloadSbom(page, 'dpkg-small.tar.spdx.json');
  validate('spdx', spdx);
  const doc = JSON.parse(readFileSync(spdx, 'utf8'));
  assert.deepEqual(doc.packages.filter((p) => p.primaryPackagePurpose === 'LIBRARY').map((p) => p.name).sort(), want.top);
  assert.equal(doc.packages.filter((p) => p.primaryPackagePurpose === 'ARCHIVE').length, 1, 'only the second layer');
  assert.deepEqual(foreign(requests, server.origin), [], 'no request leaves the page');
});

test('Download SBOM of every layer: the SBOM fixture\'s removed packages are in it, each with the layer that removed it, as its truth says', async () => {
  const { archive, truth } = scriptFixture('sbom_image', 'sbom.docker.tar');
  const removed = truth.packages.filter((p) => p.removed_in !== null && ['pypi', 'npm'].includes(p.ecosystem))
    .map((p) => `${p.name} ${p.removed_in}`).sort();
  assert.ok(removed.length >= 2, 'the fixture removes packages');
  const { page } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFile(page, archive);
  await page.locator('.image-card').waitFor();
  await page.getByRole('tab', { name: 'Packages' }).click();
  await page.getByLabel('Which packages', { exact: true }).selectOption('all');
  const path = await downloadSbom(page, 'sbom.docker.tar.cdx.json');
  validate('cyclonedx', path);
  const bom = JSON.parse(readFileSync(path, 'utf8'));
  const got = bom.components.filter((c) => c.type === 'library')
    .flatMap((c) => c.properties.filter((p) => p.name === 'tarsier:layer:removed').map((p) => `${c.name} ${p.value}`)).sort();
  assert.deepEqual(got, removed);
});
