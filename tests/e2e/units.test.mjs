// End to end: units, labels and the phone width (issue 17). Every view of an opened image (the
// Alpine and the Debian fixtures: overview, layers, files, findings, the content scan, packages,
// wasted space), of the process tool (status report, two dumps compared, capability masks, the
// system-call view, AppArmor) and the Build and Compare pages, at 390 × 844 in light and dark:
// the page never scrolls sideways, sizes are written KiB/MiB/GiB (never "mib" — CSS
// text-transform shows in innerText, so it is caught too), "1 item" not "1 items", and no
// literal backtick. The Layers table labels its numbers, checked against skopeo's manifest; a
// digest is shortened, whole in its accessible name, and its Copy button copies it whole.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, open, pasteText, dropFile, FIXTURES, OPEN_IMAGE, humanBytes, archiveShown, openOnScreen } from './harness.mjs';

const ALPINE = join(FIXTURES, 'public/aquasecurity__trivy/pkg/fanal/test/testdata/alpine-311.tar.gz');
const DEBIAN = join(FIXTURES, 'images/dpkg-small.tar');
const A1 = join(FIXTURES, 'images/a1_podman_docker-archive.tar');
const B1 = join(FIXTURES, 'images/b1_podman_oci-archive.tar');
const D2 = join(FIXTURES, 'images/d2_skopeo_oci-archive_zstd.tar');
const PROC = join(FIXTURES, 'proc/local');

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** A size in any unit spelling but the page's own (KiB, MiB, GiB). */
const WRONG_UNIT = /\b\d+(\.\d+)?\s?(kib|mib|gib|kb|mb|gb)\b/gi;
/** One of something, said in the plural. */
const ONE_MANY = /\b1 (items|findings|matches|files|layers|paths|packages|entries|secrets|certificates|private keys|calls|images|bytes|digests|warnings|fields|differences|rows|capabilities|changes)\b/g;

/** What is wrong with the page as shown now: sideways scroll, units, plurals, backticks. */
async function problemsOf(page, what) {
  const seen = await page.evaluate(() => {
    const scroll = document.documentElement.scrollWidth;
    // The page's own words only: what it quotes verbatim (a dump's "VmRSS: 3060 kB", a script's
    // backticks in a preview) is code or pre, hidden from innerText for the reading (visibility
    // keeps the layout as it is).
    // (Set through the CSSOM, which the page's Content-Security-Policy allows.)
    const quoted = [...document.querySelectorAll('code, pre, kbd, samp')].map((el) => [el, el.style.visibility]);
    for (const [el] of quoted) el.style.visibility = 'hidden';
    const text = document.body.innerText;
    for (const [el, was] of quoted) el.style.visibility = was;
    return { text, scroll, width: window.innerWidth };
  });
  const found = [];
  if (seen.scroll > seen.width) found.push(`${what}: the page scrolls sideways (${seen.scroll} px wide in ${seen.width} px)`);
  for (const m of seen.text.matchAll(WRONG_UNIT)) {
    if (!['KiB', 'MiB', 'GiB'].includes(m[2])) found.push(`${what}: "${m[0]}" is not written KiB/MiB/GiB`);
  }
  for (const m of seen.text.matchAll(ONE_MANY)) found.push(`${what}: "${m[0]}"`);
  const tick = seen.text.indexOf('`');
  if (tick >= 0) found.push(`${what}: a backtick in "${seen.text.slice(Math.max(0, tick - 40), tick + 40).replace(/\n/g, ' ')}"`);
  return found;
}

async function phone(scheme) {
  const opened = await open(browser, server.url);
  await opened.page.setViewportSize({ width: 390, height: 844 });
  await opened.page.emulateMedia({ colorScheme: scheme });
  return opened;
}

/** Every view of one image, `name` the fixture's file name; returns what is wrong. */
async function walkImage(page, archive, name, search) {
  const found = [];
  await page.getByRole('button', { name: 'Container image' }).click();
  found.push(...await problemsOf(page, 'the empty image tool'));
  await dropFile(page, archive);
  await archiveShown(page, name, 60000);
  await page.locator('.image-card').waitFor();
  found.push(...await problemsOf(page, `${name}: overview`));
  await page.getByRole('tab', { name: 'Layers' }).click();
  await page.getByRole('button', { name: 'Layer 0' }).click();
  await page.locator('.layer-tree').waitFor();
  found.push(...await problemsOf(page, `${name}: layers, layer 0's entries`));
  await page.getByRole('tab', { name: 'Files' }).click();
  await page.locator('ul.tree [data-path="etc"]').waitFor();
  await page.getByRole('button', { name: 'Expand etc', exact: true }).click();
  found.push(...await problemsOf(page, `${name}: files`));
  await page.locator('#file-search').fill(search);
  await page.locator('#file-search').press('Enter');
  await page.locator('.search-results button').first().waitFor();
  found.push(...await problemsOf(page, `${name}: files, a search with one match`));
  await page.getByRole('tab', { name: 'Findings' }).click();
  const info = page.locator('.chips button.sev-info');
  if (await info.getAttribute('aria-pressed') === 'false') await info.click();
  const fold = page.locator('table.findings-table button.fold[aria-expanded="false"]');
  if (await fold.count()) await fold.first().click();
  found.push(...await problemsOf(page, `${name}: findings, every severity`));
  await page.getByRole('button', { name: 'Scan contents' }).click();
  const report = page.locator('section.scan-contents .scan-report');
  await report.waitFor({ timeout: 120000 });
  await report.locator('details.scan-details > summary').click();
  found.push(...await problemsOf(page, `${name}: findings after the content scan`));
  for (const tab of ['Packages', 'Wasted space']) {
    await page.getByRole('tab', { name: tab }).click();
    await page.locator(`#tab-${tab === 'Packages' ? 'packages' : 'wasted'}[aria-selected="true"]`).waitFor();
    found.push(...await problemsOf(page, `${name}: ${tab.toLowerCase()}`));
  }
  return found;
}

for (const scheme of ['light', 'dark']) {
  test(`every image view at 390 px (${scheme}): no sideways scroll, KiB/MiB, plurals, no backticks`, async () => {
    const found = [];
    for (const [archive, search] of [[ALPINE, 'alpine-release'], [DEBIAN, 'status']]) {
      const { page, context } = await phone(scheme);
      found.push(...await walkImage(page, archive, archive.split('/').pop(), search));
      await context.close();
    }
    assert.deepEqual(found, []);
  });

  test(`the process tool, Build and Compare at 390 px (${scheme}): no sideways scroll, KiB/MiB, plurals, no backticks`, async () => {
    const { page } = await phone(scheme);
    const found = [];
    found.push(...await problemsOf(page, 'the empty page'));
    await pasteText(page, await readFile(join(PROC, 'host_self.status'), 'utf8'));
    await page.locator('article.status-report').waitFor();
    await page.locator('.raw .disclosure-toggle').first().click();
    found.push(...await problemsOf(page, 'a status report'));
    await page.getByRole('button', { name: 'Compare with another dump' }).click();
    await pasteText(page, await readFile(join(PROC, 'podman_default.status'), 'utf8'));
    await page.locator('section.comparison').waitFor();
    await page.getByRole('checkbox', { name: 'Differences only' }).uncheck();
    await page.getByRole('button', { name: /Both full reports/ }).click();
    await page.locator('.side-by-side article.status-report').nth(1).waitFor();
    found.push(...await problemsOf(page, 'two dumps compared, with both full reports'));
    await pasteText(page, 'CapEff:\t000001ffffffffff\nCapBnd:\t00000000a80425fb');
    await page.locator('article.mask').first().waitFor();
    await page.getByText('Build a mask from capabilities').click();
    found.push(...await problemsOf(page, 'capability masks decoded, and the builder'));
    await page.getByRole('button', { name: /System calls: what may a container call/ }).click();
    await page.locator('#syscalls tr.syscall').first().waitFor();
    found.push(...await problemsOf(page, 'the system-call view'));
    await page.getByRole('button', { name: 'Compare with another profile or context' }).click();
    await page.locator('table.seccomp-diffs').waitFor();
    found.push(...await problemsOf(page, 'two system-call contexts compared'));
    await pasteText(page, 'docker-default (enforce)');
    await page.locator('article.apparmor').waitFor();
    found.push(...await problemsOf(page, 'an AppArmor label'));

    await page.getByRole('button', { name: 'Container image' }).click();
    await openOnScreen(page, A1);
    await page.getByLabel('Compare with another archive…').setInputFiles(B1);
    await page.locator('.compare-summary').waitFor({ timeout: 60000 });
    found.push(...await problemsOf(page, 'the Compare page'));
    await page.getByRole('button', { name: 'Build an image' }).click();
    await page.locator('#build-title').waitFor();
    await page.getByLabel(/Build on the image open in Tarsier/).check();
    for (const kind of ['Add a file', 'Make a directory', 'Make a symlink', 'Delete a path', 'Replace a directory']) {
      await page.getByRole('button', { name: kind }).click();
    }
    found.push(...await problemsOf(page, 'the Build page with every kind of change'));
    assert.deepEqual(found, []);
  });

  test(`the Layers table labels its numbers; digests are short, whole when copied (${scheme})`, async () => {
    const { page, context } = await open(browser, server.url);
    await page.emulateMedia({ colorScheme: scheme });
    const manifest = JSON.parse(await readFile(`${D2}.truth/img0_skopeo_inspect_raw_manifest.json`, 'utf8'));
    await page.getByRole('button', { name: 'Container image' }).click();
    await page.getByLabel(OPEN_IMAGE).setInputFiles(D2);
    await page.locator('.image-card').waitFor();
    await page.getByRole('tab', { name: 'Layers' }).click();
    const rows = page.locator('table.layer-table tbody tr');
    assert.equal(await rows.count(), manifest.layers.length);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    for (const [i, layer] of manifest.layers.entries()) {
      const row = rows.nth(i);
      // The size cell: the unpacked size, then the compressed one with its label and method.
      const size = (await row.locator('td.size').innerText()).replace(/\s+/g, ' ').trim();
      assert.match(size, new RegExp(`^\\d+(\\.\\d)? (B|KiB|MiB|GiB) unpacked compressed ${humanBytes(layer.size).replace('.', '\\.')} \\(zstd\\)$`), `layer ${i}: ${size}`);
      // The digest: sha256: and 8 hex digits, then an ellipsis; whole in its title and name.
      const digest = row.locator('.digest code');
      assert.equal(await digest.locator('.short').innerText(), `${layer.digest.slice(0, 'sha256:'.length + 8)}…`);
      assert.equal(await digest.getAttribute('title'), layer.digest);
      assert.equal(await digest.locator('.visually-hidden').textContent(), layer.digest, 'whole for screen readers');
      await row.getByRole('button', { name: `Copy the digest ${layer.digest}` }).click();
      await row.locator('.digest .copied').waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), layer.digest);
    }
    await context.close();

    // An archive whose layers are plain tars says so, with no second number.
    const plain = await open(browser, server.url);
    await plain.page.emulateMedia({ colorScheme: scheme });
    await plain.page.getByRole('button', { name: 'Container image' }).click();
    await plain.page.getByLabel(OPEN_IMAGE).setInputFiles(A1);
    await plain.page.locator('.image-card').waitFor();
    await plain.page.getByRole('tab', { name: 'Layers' }).click();
    const cells = await plain.page.locator('table.layer-table tbody td.size').allInnerTexts();
    assert.equal(cells.length, 4);
    for (const c of cells) assert.match(c.replace(/\s+/g, ' ').trim(), /^\d+(\.\d)? (B|KiB|MiB|GiB) unpacked not compressed$/);
    await plain.context.close();
  });
}
