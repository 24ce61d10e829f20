// End to end: a big uncompressed multi-layer archive shows its overview (tags, config, layer
// list) while its layers are still being indexed, with the progress below, and the full report
// then replaces it.
//
// The archive is ../shared/fixtures/scripts/gen_big_image.sh's, made once and kept where
// scripts/bench_browser.sh keeps its archives (TARSIER_BENCH_DIR, default /tmp/tarsier-bench;
// `scripts/bench_browser.sh` reuses it). No clock is read: a MutationObserver in the
// page records what the page held when the overview's tags appeared (the progress bar, no
// archive card) and the file count the progress showed then and afterwards — a count that grows
// after the overview is on screen proves the layers were still being indexed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { serve, launch, open, foreign, ROOT, dropFile } from './harness.mjs';

const SIZE_MB = 1024;
const DIR = process.env.TARSIER_BENCH_DIR ?? '/tmp/tarsier-bench';
const ARCHIVE = join(DIR, `big-${SIZE_MB / 1024}g.tar`);
const GEN = join(ROOT, '../shared/fixtures/scripts/gen_big_image.sh');

let server, browser;
before(async () => {
  if (!existsSync(ARCHIVE)) {
    assert.ok(existsSync(GEN), `${GEN} is missing: the shared fixtures are expected at ../shared/fixtures`);
    mkdirSync(DIR, { recursive: true });
    try {
      // The same command as scripts/bench_browser.sh (GNU tar + python3, or buildah + podman as root).
      execFileSync('bash', [GEN, String(SIZE_MB), ARCHIVE], { env: { ...process.env, WORK: join(DIR, 'gen-work') }, stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      throw new Error(`gen_big_image.sh could not make ${ARCHIVE} (it needs python3 and GNU tar, or buildah and podman): ${e.stderr ?? e.message}`);
    }
  }
  server = await serve();
  browser = await launch();
}, { timeout: 1_800_000 });
after(async () => { await browser?.close(); await server?.close(); });

/** What the archive's manifest.json records (read with GNU tar): the first image's tags and layer count. */
function recorded() {
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', ARCHIVE, 'manifest.json'], { encoding: 'utf8' }));
  return { tags: manifest[0].RepoTags.join(', '), layers: manifest[0].Layers.length };
}

test('a big plain archive: the overview shows while the layers are indexed, then the full report replaces it', { timeout: 600_000 }, async (t) => {
  const want = recorded();
  assert.ok(want.layers >= 2, `a multi-layer archive (${want.layers} layers)`);
  const { page, requests, errors } = await open(browser, server.url);
  page.setDefaultTimeout(0); // the test's timeout is the one guard
  await page.getByRole('button', { name: 'Container image' }).click();
  await page.evaluate(() => {
    const files = () => {
      const hint = document.querySelector('.progress .hint');
      const m = hint && /· (\d+) files ·/.exec(hint.textContent);
      return m ? Number(m[1]) : null;
    };
    const log = { overview: null, filesAfter: null, full: null };
    window.__overview = log;
    new MutationObserver(() => {
      const tags = document.querySelector('#image-preview h3.tags');
      if (tags && !log.overview) {
        const layers = [...document.querySelectorAll('#image-preview .preview-image dt')].find((dt) => dt.textContent === 'Layers');
        log.overview = {
          tags: tags.textContent,
          layers: layers?.nextElementSibling?.textContent ?? null,
          historyRows: document.querySelectorAll('#image-preview tr.history-step').length,
          progress: document.querySelector('.progress[role="status"] progress') !== null,
          progressBelow: !!document.querySelector('#image-preview ~ .progress'),
          archiveCard: document.querySelector('.archive[data-elapsed-ms]') !== null,
          files: files(),
        };
      }
      if (log.overview && !log.full) {
        const now = files();
        if (now !== null) log.filesAfter = Math.max(log.filesAfter ?? 0, now);
      }
      if (!log.full && document.querySelector('.archive[data-elapsed-ms]')) {
        log.full = { preview: document.querySelector('#image-preview') !== null, progress: document.querySelector('.progress[role="status"]') !== null };
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  await dropFile(page, ARCHIVE);
  await page.locator('.archive[data-elapsed-ms]').waitFor();
  const log = await page.evaluate(() => window.__overview);
  t.diagnostic(`what the page held: ${JSON.stringify(log)}`);

  assert.ok(log.overview, 'the overview appeared before the full report');
  assert.equal(log.overview.tags, want.tags, 'its tags are the ones manifest.json records');
  assert.equal(log.overview.layers, String(want.layers), 'its layer count is manifest.json\'s');
  assert.ok(log.overview.historyRows >= want.layers, `a history row per layer at least (${log.overview.historyRows})`);
  assert.equal(log.overview.progress, true, 'the progress bar was on screen with the overview');
  assert.equal(log.overview.progressBelow, true, 'below it');
  assert.equal(log.overview.archiveCard, false, 'the full report was not');
  assert.ok(log.filesAfter > (log.overview.files ?? 0),
    `the progress went on after the overview showed (${log.overview.files} files then, ${log.filesAfter} later): the layers were still being indexed`);
  assert.deepEqual(log.full, { preview: false, progress: false }, 'the full report replaced the overview and the progress');
  assert.equal(await page.locator('.image-card h3.tags').textContent(), want.tags);
  assert.deepEqual(foreign(requests, server.origin), []);
  assert.deepEqual(errors, []);
});
