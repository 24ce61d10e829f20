// End to end: what the page shows about each fixture archive, against the outside oracle
// (`scripts/oracle/truth.py`: GNU tar, skopeo, umoci, getcap, dpkg-query, dive's formula) — never
// against Tarsier's own CLI. Tags of every image, the digest rows, the layers table (digests,
// sizes, entries, changes, wasted bytes), the packages table, the wasted-space view, the finding
// paths, and a downloaded file and a text preview against the bytes GNU tar / umoci wrote.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, open, foreign, FIXTURES, dropFile, truthOf, humanBytes, archiveShown } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const ARCHIVES = [
  'images/a1_podman_docker-archive.tar', 'images/a5_podman_docker-archive.tar.gz', 'images/b1_podman_oci-archive.tar',
  'images/c1_podman_docker-archive_multi.tar', 'images/d2_skopeo_oci-archive_zstd.tar', 'images/dpkg-small.tar',
  'images/e1_podman_docker-archive_empty.tar', 'images/g1_podman_overlay_docker-archive_opaque.tar',
  'public/aquasecurity__trivy/pkg/fanal/test/testdata/alpine-311.tar.gz',
  'public/google__go-containerregistry/pkg/v1/tarball/testdata/hello-world-v25.tar',
];

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const texts = async (locator) => (await locator.allTextContents()).map((t) => t.trim());

/** The `dd` after the `dt` labelled `label` in a definition list. */
async function row(scope, label) {
  const dt = scope.locator('dt', { hasText: new RegExp(`^${label}$`) });
  if ((await dt.count()) === 0) return null;
  return (await dt.locator('xpath=following-sibling::dd[1]').textContent()).trim();
}

async function checkOverview(page, img, c) {
  const tags = img.tags.length ? img.tags.join(', ') : 'untagged image';
  assert.equal((await page.locator('.image-card h3.tags').textContent()).trim(), tags, `${c}: tags`);
  const card = page.locator('.image-card dl');
  // Digests are shortened on screen; the whole one is the title (and what Copy copies).
  const whole = (label) => card.locator('dt', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]//code').getAttribute('title');
  assert.equal(await whole('Config digest'), img.config_digest, `${c}: config digest row`);
  const manifest = await row(card, 'Manifest');
  if (img.manifest_digest === null) assert.equal(manifest, null, `${c}: no manifest digest row`);
  else assert.equal(await whole('Manifest'), img.manifest_digest, `${c}: manifest digest row: ${manifest}`);
  assert.equal(await row(card, 'Layers'), String(img.layers.length), `${c}: layer count`);
  // os-release as /bin/sh sources it: PRETTY_NAME (else NAME VERSION_ID, else ID), the file, its layer.
  const os = img.os_release;
  const name = os && (os.pretty_name || (os.name && os.version_id ? `${os.name} ${os.version_id}` : os.name || os.id));
  assert.equal(await row(card, 'Operating system'), os ? `${name} (/${os.path}, layer ${os.layer})` : null, `${c}: operating system`);
  // The first answers: the system, the packages (as the databases say), a readable date.
  assert.equal((await page.locator('#glance-os').textContent()).trim(), os ? name : 'not stated (no /etc/os-release)', `${c}: system at a glance`);
  const packages = (await page.locator('#glance-packages').textContent()).trim();
  if (img.packages.length === 0) assert.match(packages, /^no package database/, `${c}: no packages at a glance`);
  else assert.match(packages, new RegExp(`^${img.packages.length} packages? \\(`), `${c}: packages at a glance: ${packages}`);
  const created = img.created && img.created.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
  assert.equal(await row(card, 'Created'), created ?? null, `${c}: created`);
}

async function checkLayers(page, img, c) {
  await page.getByRole('tab', { name: 'Layers' }).click();
  const rows = page.locator('tr.layer-row');
  assert.equal(await rows.count(), img.layers.length, `${c}: layer rows`);
  for (const [k, l] of img.layers.entries()) {
    const cells = rows.nth(k).locator('td');
    const lc = `${c} layer ${k}`;
    assert.equal(await cells.nth(1).locator('.digest code').getAttribute('title'), l.digest, `${lc}: digest (skopeo)`);
    const size = (await cells.nth(2).innerText()).split('\n').map((s) => s.trim());
    assert.equal(size[0], `${humanBytes(l.uncompressed_size)} unpacked`, `${lc}: size`);
    const method = String(l.compression).toLowerCase();
    assert.equal(size[1], method === 'none' ? 'not compressed' : `compressed ${humanBytes(l.compressed_size)} (${method})`, `${lc}: size in the archive`);
    assert.equal((await cells.nth(3).textContent()).trim(), String(l.entries.length), `${lc}: entries`);
    const ch = img.changes[k];
    assert.equal((await cells.nth(4).textContent()).trim(), `+${ch.added} ~${ch.modified} −${ch.deleted}`, `${lc}: changes`);
    assert.equal((await cells.nth(5).textContent()).trim(), humanBytes(ch.wasted_bytes), `${lc}: wasted`);
  }
}

async function checkPackages(page, img, c) {
  await page.getByRole('tab', { name: 'Packages' }).click();
  if (img.packages.length === 0) {
    assert.match(await page.locator('.explorer').textContent(), /No package database/, `${c}: no packages`);
    return;
  }
  const rows = page.locator('section.packages tbody tr');
  assert.equal(await rows.count(), img.packages.length, `${c}: package rows`);
  const shown = [];
  for (const group of await page.locator('section.package-group').all()) {
    const source = await group.getAttribute('data-source');
    for (const r of await group.locator('tbody tr').all()) {
      const cell = async (k) => (await r.locator(`td.pkg-${k}`).textContent()).trim();
      shown.push([await cell('name'), await cell('version'), source, await cell('added'), await cell('changed')].join('|'));
    }
  }
  const want = img.packages.map((p) => [p.name, p.version, p.source, `layer ${p.installed_in}`,
    p.changed_in.map((l) => `layer ${l}`).join(', ')].join('|'));
  assert.deepEqual(shown.sort(), want.sort(), `${c}: packages table (dpkg-query / apk database)`);
}

async function checkWasted(page, img, c) {
  await page.getByRole('tab', { name: 'Wasted space' }).click();
  const dl = page.locator('section.wasted dl');
  const eff = img.efficiency;
  assert.equal((await row(dl, 'Efficiency')).split('%')[0] + '%', `${(eff.score * 100).toFixed(2)}%`, `${c}: efficiency (dive's formula)`);
  assert.equal(await row(dl, 'Wasted'), `${humanBytes(eff.wasted_bytes)} written by a layer and overwritten or deleted later`, `${c}: wasted`);
  assert.equal(await row(dl, 'Potential waste \\(dive\\)'), humanBytes(eff.dive_wasted_bytes), `${c}: dive's wasted`);
  const rows = page.locator('section.wasted tbody tr');
  const want = eff.inefficient_paths.slice(0, 50);
  assert.equal(await rows.count(), want.length, `${c}: inefficient paths`);
  for (const [i, p] of want.entries()) {
    assert.deepEqual(await texts(rows.nth(i).locator('td')), [`/${p.path}`, String(p.versions), humanBytes(p.cumulative_bytes)], `${c}: path ${i}`);
  }
}

async function checkFindings(page, img, c) {
  await page.getByRole('tab', { name: 'Findings' }).click();
  // Info rows are hidden at first: show every severity.
  const info = page.getByRole('group', { name: 'Severities shown' }).getByRole('button', { name: /^info \d+$/ });
  if (await info.getAttribute('aria-pressed') === 'false') await info.click();
  // Rows that say the same of many paths are folded: open them all.
  const closed = page.locator('table.findings-table button.fold[aria-expanded="false"]');
  while (await closed.count()) await closed.first().click();
  const rows = page.locator('section.findings tr.finding');
  const found = {};
  for (let i = 0; i < await rows.count(); i++) {
    const [, kind, path, , , detail] = await texts(rows.nth(i).locator('td'));
    (found[kind] ??= []).push([path.replace(/^\//, ''), detail]);
  }
  const paths = (kind) => (found[kind] ?? []).map(([p]) => p).sort();
  const f = img.findings;
  assert.deepEqual(paths('setuid'), [...f.setuid].sort(), `${c}: setuid findings`);
  assert.deepEqual(paths('setgid'), [...f.setgid].sort(), `${c}: setgid findings`);
  assert.deepEqual(paths('world writable'), [...f.world_writable].sort(), `${c}: world-writable findings`);
  assert.deepEqual(paths('world writable sticky'), [...f.world_writable_sticky].sort(), `${c}: sticky findings`);
  const caps = Object.fromEntries((found['file capabilities'] ?? []));
  assert.deepEqual(caps, f.file_capabilities, `${c}: file capabilities (getcap)`);
}

async function openDetail(page, path) {
  await page.getByRole('tab', { name: 'Files' }).click();
  await page.locator('#file-search').fill(path);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.locator('.search-results button', { hasText: new RegExp(`^/${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).click();
  await page.locator('#file-detail dl').waitFor();
}

/** The largest merged file downloads with the bytes umoci wrote; a small text file previews as them. */
async function checkBytes(page, img, c) {
  const files = img.merged.filter((e) => e.kind === 'file' && e.nlink === 1);
  if (files.length === 0) return;
  const big = files.reduce((a, b) => (b.size > a.size ? b : a));
  await openDetail(page, big.path);
  const detail = page.locator('#file-detail');
  const mtime = new Date(big.mtime * 1000).toISOString().replace('T', ' ').slice(0, 16);
  assert.equal(await row(detail, 'Modified'), `${mtime} UTC`, `${c}: /${big.path} date`);
  await page.getByRole('button', { name: 'Download this file' }).click();
  const link = page.locator('#file-detail a.download');
  await link.waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.equal(sha256(await readFile(await download.path())), big.sha256, `${c}: /${big.path} downloaded`);
  const text = files.find((e) => e.size > 0 && e.size < 4096 && /\.(sh|txt|conf|release)$|os-release|passwd|motd/.test(e.path));
  if (!text) return;
  await openDetail(page, text.path);
  const pre = page.locator('#file-detail pre.preview.text');
  await pre.waitFor();
  const lines = (await pre.textContent()).split('\n').filter((l, i, all) => i < all.length - 1 || l !== '');
  const body = lines.map((l) => l.replace(/^ *\d+ {2}/, '')).join('\n') + '\n';
  assert.equal(sha256(Buffer.from(body)), text.sha256, `${c}: /${text.path} preview`);
}

for (const rel of ARCHIVES) {
  test(`${rel}: the page shows the oracle's figures`, async () => {
    const archive = join(FIXTURES, rel);
    const truth = truthOf(archive);
    const name = rel.split('/').pop();
    const { page, requests, errors } = await open(browser, server.url);
    await page.getByRole('button', { name: 'Container image' }).click();
    await dropFile(page, archive);
    await archiveShown(page, name);
    // The layout in the words of the tools that write it (the oracle tells it from the members).
    const layout = { docker_archive: /^docker-archive \(docker save/, oci_layout: /^OCI image layout \(/,
      oci_with_docker_manifest: /^OCI image layout with Docker's manifest\.json/ }[truth.format];
    assert.match(await row(page.locator('.archive dl'), 'Layout'), layout, `${name}: layout`);
    for (const p of await page.locator('.platforms li').allTextContents()) assert.doesNotMatch(p, /^\s*\//, `${name}: platform ${p}`);
    for (const [i, img] of truth.images.entries()) {
      const c = `${name} image ${i}`;
      if (truth.images.length > 1) await page.locator('.image-switcher button').nth(i).click();
      await page.getByRole('tab', { name: 'Overview' }).click();
      await checkOverview(page, img, c);
      await checkLayers(page, img, c);
      await checkPackages(page, img, c);
      await checkWasted(page, img, c);
      await checkFindings(page, img, c);
      await checkBytes(page, img, c);
    }
    assert.deepEqual(foreign(requests, server.origin), []);
    assert.deepEqual(errors, []);
  });
}
