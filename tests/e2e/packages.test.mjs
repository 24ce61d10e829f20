// End to end: the Packages view on the fixture of scripts/fixtures/sbom_image.sh (issue 15). The
// expected rows are the script's truth.json — what Python's importlib.metadata, json.load of
// every package.json and unzip of every jar's pom.properties read in each layer's merged root — never the CLI's output: one group per
// ecosystem, every Python, npm, Java, Go (go version -m) and cargo auditable (the .dep-v0 JSON)
// package with its version, licence, and the layers that added,
// changed and removed it; the search box; the rpm database named as not read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, open, foreign, dropFile, scriptFixture } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const sbomFixture = () => scriptFixture('sbom_image', 'sbom.docker.tar');

const layer = (n) => (n === null || n === undefined ? '' : `layer ${n}`);

/** Every row of the Packages view as `source|name|version|licence|added|changed|removed|evidence`. */
async function shownRows(page) {
  const rows = [];
  for (const group of await page.locator('section.package-group').all()) {
    const source = await group.getAttribute('data-source');
    for (const r of await group.locator('tbody tr').all()) {
      const cell = async (k) => (await r.locator(`td.pkg-${k}`).textContent()).trim();
      rows.push([source, ...(await Promise.all(['name', 'version', 'licence', 'added', 'changed', 'removed', 'where'].map(cell)))].join('|'));
    }
  }
  return rows.sort();
}

test('Packages: Python, npm, Java, Go and Rust packages grouped by ecosystem, with licence and layers, as real readers see them; search; rpm named', async () => {
  const { archive, truth } = sbomFixture();
  const { page, requests, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFile(page, archive);
  // The overview's warnings name the rpm database.
  const warnings = page.locator('section.warnings');
  await warnings.waitFor();
  assert.match(await warnings.textContent(), /rpm_db_not_read This image has an rpm database \(var\/lib\/rpm\/rpmdb\.sqlite\); Tarsier does not read rpm databases yet/);
  await page.getByRole('tab', { name: 'Packages' }).click();
  await page.locator('section.package-group').first().waitFor();

  const want = truth.packages.filter((p) => ['pypi', 'npm', 'maven', 'golang', 'cargo'].includes(p.ecosystem));
  assert.equal(want.length, 15);
  // A Go binary built without modules (umoci) has no version: the truth's null, an empty cell.
  const expected = want.map((p) => [p.ecosystem, p.name, p.version ?? '', p.licence ?? '', layer(p.added_in),
    p.changed_in.map((c) => layer(c.layer)).join(', '), layer(p.removed_in), `/${p.evidence}`].join('|')).sort();
  assert.deepEqual(await shownRows(page), expected);
  // Groups: titled, in the view's order, with their counts.
  const titles = await page.locator('section.package-group h4').allTextContents();
  assert.deepEqual(titles, ['Python packages (PyPI) (3, and 1 removed)', 'npm packages (4, and 1 removed)', 'Java packages (Maven) (1)',
    'Go binaries (build information) (2)', 'Rust crates (cargo auditable) (3)']);
  assert.equal((await page.locator('.packages-count').textContent()).trim(), '13 packages present, 2 removed by a later layer. 15 of 15 shown.');
  assert.match(await page.locator('section.packages').textContent(), /Warning: This image has an rpm database/);

  // Search: by name (both copies of ms, each where it sits), then by licence.
  const search = page.getByLabel('Search packages', { exact: true });
  await search.fill('ms');
  await page.locator('.packages-count').filter({ hasText: /\b2 of 15 shown\./ }).waitFor();
  assert.deepEqual((await shownRows(page)).map((r) => r.split('|').slice(0, 3).join('|')), ['npm|ms|2.0.0', 'npm|ms|2.1.3']);
  await search.fill('ISC');
  await page.locator('td.pkg-name', { hasText: 'inherits' }).waitFor();
  assert.deepEqual((await shownRows(page)).map((r) => r.split('|')[1]), ['@isaacs/string-locale-compare', 'inherits']);
  await search.fill('');
  await page.locator('.packages-count').filter({ hasText: /\b15 of 15 shown\./ }).waitFor();

  assert.deepEqual(errors, []);
  assert.deepEqual(foreign(requests, server.origin), []);
});
