// End to end: an archive whose layers are gzip-compressed (made from a real fixture by
// scripts/make_gzip_layers.py) is indexed with helper workers inflating layers in parallel; what
// the page shows and exports must equal `tarsier inspect --json`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { serve, launch, open, foreign, FIXTURES, ROOT, dropFile } from './harness.mjs';

let server, browser, archive;
before(async () => {
  server = await serve();
  browser = await launch();
  archive = join(await mkdtemp(join(tmpdir(), 'tarsier-gz-')), 'a1-gzip-layers.tar');
  execFileSync('python3', [join(ROOT, 'scripts/make_gzip_layers.py'), join(FIXTURES, 'images/a1_podman_docker-archive.tar'), archive]);
});
after(async () => { await browser?.close(); await server?.close(); });

test('gzip layers: helper workers index them; the export equals `tarsier inspect --json`', async () => {
  const bin = process.env.TARSIER_BIN ?? join(ROOT, 'target/debug/tarsier');
  const cli = JSON.parse(execFileSync(bin, ['inspect', '--json', archive], { maxBuffer: 1 << 28, encoding: 'utf8' }));
  assert.deepEqual(cli.layers.map((l) => l.compression), ['gzip', 'gzip', 'gzip', 'gzip']);
  const { page, context, requests } = await open(browser, server.url);
  // Helpers start only with more than two cores; the page tells its worker how many it has, so
  // an emulated 8-core machine exercises them on any test machine (correctness, not speed).
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setHardwareConcurrencyOverride', { hardwareConcurrency: 8 });
  await page.getByRole('button', { name: 'Container image' }).click();
  // The overview is read before the helpers start: the page records its tags when it appears.
  await page.evaluate(() => {
    window.__early = null;
    new MutationObserver((_, obs) => {
      const tags = document.querySelector('#image-preview h3.tags');
      if (tags && !document.querySelector('.archive')) { window.__early = tags.textContent; obs.disconnect(); }
    }).observe(document.body, { subtree: true, childList: true });
  });
  await dropFile(page, archive);
  const card = page.locator('.archive[data-helpers]');
  await card.waitFor();
  assert.equal(await page.evaluate(() => window.__early), cli.images[0].tags.join(', '), 'the overview came before the helpers\' work');
  assert.equal(await card.getAttribute('data-helpers'), '4', 'four gzip layers, four helpers');
  assert.equal(await card.getAttribute('data-helper-layers'), '4', 'every layer came from a helper');
  assert.match(await card.textContent(), /4 compressed layers inflated by 4 helper workers in parallel/);
  await page.getByRole('button', { name: 'Export JSON report' }).click();
  const link = page.locator('a.download');
  await link.waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
  cli.archive.name = exported.archive.name;
  assert.deepEqual(exported, cli);
  // What a person sees: the four layers; a file inside a gzip layer reads back intact (the archive's worker re-inflates it).
  await page.getByRole('tab', { name: 'Layers' }).click();
  assert.equal(await page.locator('.layers tbody tr.layer-row').count(), 4);
  await page.getByRole('tab', { name: 'Files' }).click();
  await page.locator('#file-search').fill('entrypoint.sh');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator('.search-results button', { hasText: '/app/entrypoint.sh' }).click();
  const expected = execFileSync(bin, ['cat', archive, 'app/entrypoint.sh'], { encoding: 'utf8' });
  await page.locator('.preview', { hasText: expected.split('\n')[0] }).waitFor();
  // Helpers are loaded from the site like the worker itself: nothing else is fetched.
  assert.deepEqual(foreign(requests, server.origin), []);
});
