// End to end: the adversarial corpus (scripts/make_adversarial.py) dropped on the page and pasted
// into it. Each file must give what the generator's manifest.txt states for it — the error, or
// exactly the warnings — the page stays responsive, and a failing file never takes away the image
// already on screen.
//
// The page shows an error's sentence, not its code: each ImageError code is recognised by the
// sentence `Display` gives it (src/core/image/error.rs). Warnings are shown with their codes.
// No clock is read: "responsive" means a requestAnimationFrame callback runs; Playwright's own
// waits are unbounded (setDefaultTimeout(0)) and each test's timeout is the one guard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';
import { serve, launch, open, foreign, cspViolations, pasteBox, FIXTURES, ROOT, dropFile, archiveShown } from './harness.mjs';

// The corpus is written when this file loads, so that its manifest can name the tests.
const corpus = await mkdtemp(join(tmpdir(), 'tarsier-adv-'));
try {
  execFileSync('python3', [join(ROOT, 'scripts/make_adversarial.py'), '--skip-many', '--fixtures', FIXTURES, corpus], { stdio: ['ignore', 'ignore', 'pipe'] });
} catch (e) {
  throw new Error(e.code === 'ENOENT'
    ? 'python3 is not installed (Debian: apt-get install python3); it writes the adversarial corpus'
    : `make_adversarial.py failed (are the fixtures at ${FIXTURES}?): ${e.stderr ?? e.message}`);
}
const cases = (await readFile(join(corpus, 'manifest.txt'), 'utf8')).split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => { const [file, command, expect, what] = l.split('\t'); return { file, command, expect, what }; });

let server, browser;
before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.close(); });

/** The sentence of each ImageError code, as src/core/image/error.rs writes it. */
const ERROR_SENTENCE = {
  not_an_archive: /is not a tar archive \(nor a gzip- or zstd-compressed one\)|: this is [^,]+, not a container image archive\. /,
  truncated: /is truncated: it ends at byte \d+/,
  corrupt: /is damaged at byte \d+/,
  missing_manifest: /holds no image manifest/,
  bad_json: /is not valid JSON at line \d+, column \d+/,
  missing_member: /names .*, which the archive does not hold/,
  limit_exceeded: /a safety limit was reached at byte \d+.*: .* is over the limit of \d+/,
};

/** The outcomes a case's expectation allows (`a|b`: either). */
const outcomes = (c) => (c.expect.startsWith('names:') ? [c.expect] : c.expect.split('|'))
  .map((o) => { const i = o.indexOf(':'); return i < 0 ? { kind: o, arg: '' } : { kind: o.slice(0, i), arg: o.slice(i + 1) }; });

/** Inspect cases to drop: all but most of the truncation series, whose every distinct
 * expectation is kept once (the native test runs them all). */
function dropCases() {
  const seen = new Set();
  const picked = cases.filter((c) => {
    if (c.command !== 'inspect') return false;
    if (!c.file.startsWith('truncate/')) return true;
    const first = !seen.has(c.expect);
    seen.add(c.expect);
    return first;
  });
  const names = picked.map((c) => basename(c.file));
  assert.equal(new Set(names).size, names.length, 'the page names a file by its base name: they must differ');
  return picked;
}

/** Opens a page whose waits are bounded only by the test's timeout. */
async function openPage() {
  const opened = await open(browser, server.url);
  opened.page.setDefaultTimeout(0);
  return opened;
}

/** Drops `file` and waits for its outcome: the error box, or the archive shown. */
async function dropAndSettle(page, file) {
  await dropFile(page, file);
  const error = page.locator('#image-error');
  const shown = page.locator('.archive dd', { hasText: exactly(basename(file)) });
  await error.or(shown).first().waitFor();
  return (await error.count()) > 0 ? { error: await error.locator('p.error').textContent() } : { error: null };
}

/** A requestAnimationFrame callback runs: the UI thread is not blocked. */
async function responsive(page) {
  assert.equal(await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => ok(1)))), 1);
}

const exactly = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

test('every error of the corpus: its sentence, the previous image stays, the page stays up', { timeout: 900_000 }, async () => {
  const errors = dropCases().filter((c) => outcomes(c).every((o) => o.kind === 'error'));
  assert.ok(errors.length >= 15, `only ${errors.length} error cases`);
  const { page, requests, errors: pageErrors } = await openPage();
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFile(page, join(FIXTURES, 'images/a1_podman_docker-archive.tar'));
  const a1 = page.locator('.archive dd', { hasText: exactly('a1_podman_docker-archive.tar') });
  await a1.waitFor();
  const error = page.locator('#image-error');
  for (const c of errors) {
    const { error: text } = await dropAndSettle(page, join(corpus, c.file));
    assert.ok(text !== null, `${c.file} (expect ${c.expect}; ${c.what}): it loaded`);
    const base = basename(c.file);
    assert.ok(text.startsWith(`${base}: `), `${c.file}: ${text}`);
    assert.doesNotMatch(text, /panicked|unwrap|RuntimeError/);
    const sentences = outcomes(c).map((o) => ERROR_SENTENCE[o.arg]);
    assert.ok(sentences.every(Boolean), `${c.file}: no sentence known for ${c.expect}`);
    assert.ok(sentences.some((s) => s.test(text)), `${c.file} (expect ${c.expect}; ${c.what}): ${text}`);
    await responsive(page);
    assert.equal(await a1.count(), 1, `${c.file}: a1 stays`);
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await error.waitFor({ state: 'detached' });
  }
  assert.deepEqual(foreign(requests, server.origin), []);
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(pageErrors.filter((e) => /panicked|RuntimeError|unreachable/.test(e)), []);
});

test('damage inside a layer, bombs, cuts and odd manifests: the image loads with exactly the stated warnings', { timeout: 900_000 }, async () => {
  const loads = dropCases().filter((c) => outcomes(c).every((o) => o.kind !== 'error'));
  assert.ok(loads.length >= 20, `only ${loads.length} cases that load`);
  const { page } = await openPage();
  await page.getByRole('button', { name: 'Container image' }).click();
  for (const c of loads) {
    const { error } = await dropAndSettle(page, join(corpus, c.file));
    assert.equal(error, null, `${c.file} (expect ${c.expect}; ${c.what})`);
    const shown = (await page.locator('section.warnings li code').allTextContents()).sort();
    const codes = [...new Set(shown)];
    const allowed = outcomes(c).map((o) => (o.kind === 'warn' ? o.arg.split(',').sort() : []));
    assert.ok(allowed.some((w) => JSON.stringify(w) === JSON.stringify(codes)),
      `${c.file} (expect ${c.expect}; ${c.what}): warnings shown ${JSON.stringify(codes)}`);
    await responsive(page);
  }
});

test('hostile names: traversal flagged, non-UTF-8 escaped, link loops do not hang', { timeout: 300_000 }, async () => {
  const { page } = await openPage();
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFile(page, join(corpus, 'names/path-traversal.tar'));
  await archiveShown(page, exactly('path-traversal.tar'));
  await page.getByRole('tab', { name: 'Findings' }).click();
  assert.match(await page.locator('section.findings').textContent(), /path traversal/);
  await dropFile(page, join(corpus, 'names/non-utf8.tar'));
  await archiveShown(page, exactly('non-utf8.tar'));
  await page.getByRole('tab', { name: 'Files' }).click();
  await page.locator('#file-search').fill('caf');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator('.search-results li').first().waitFor();
  assert.match(await page.locator('.search-results').textContent(), /caf\\xe9/);
  await dropFile(page, join(corpus, 'names/link-loops.tar'));
  await archiveShown(page, exactly('link-loops.tar'));
  await page.getByRole('tab', { name: 'Files' }).click();
  await page.locator('#file-search').fill('loop');
  await page.getByRole('button', { name: 'Search' }).click();
  const hit = page.locator('.search-results li button').first();
  await hit.waitFor();
  await hit.click();
  await page.locator('#file-detail').waitFor();
  await page.locator('#file-detail dl, #file-detail .error').first().waitFor();
  await responsive(page);
});

/** What the paste box says for each `status` error code of the manifest (src/core/paste.rs,
 * src/core/status.rs: the paste box reads at most as much as `tarsier status`). */
const PASTE_SENTENCE = {
  too_large: (bytes) => new RegExp(`^The paste is ${bytes} bytes; at most \\d+ bytes are read`),
  too_many_lines: () => /^The text has more than \d+ lines/,
};

const pastes = cases.filter((c) => c.command === 'status');
test('the corpus has its oversized pastes', () => assert.ok(pastes.length >= 4, `only ${pastes.length} paste cases`));

for (const c of pastes) {
  test(`paste ${c.file} (${c.what}): the ${c.expect} message, the page not frozen`, { timeout: 120_000 }, async () => {
    const [{ kind, arg }] = outcomes(c);
    assert.equal(kind, 'error', c.file);
    assert.ok(PASTE_SENTENCE[arg], `${c.file}: no sentence known for ${c.expect}`);
    const text = await readFile(join(corpus, c.file), 'utf8');
    const { page, context } = await openPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    await pasteBox(page).fill('CapEff:\t00000000a80425fb');
    await page.locator('article.mask').waitFor();
    // A real paste: the text goes to the system clipboard, then Ctrl+V in the box.
    await page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await pasteBox(page).click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('ControlOrMeta+V');
    const error = page.locator('#paste-error');
    await error.waitFor();
    assert.match(await error.textContent(), PASTE_SENTENCE[arg](Buffer.byteLength(text)), c.file);
    await responsive(page);
    if (arg === 'too_large') {
      // Refused before it reaches the box: what was decoded stays.
      assert.equal(await page.locator('article.mask').count(), 1, `${c.file}: the previous decode stays`);
      assert.equal(await pasteBox(page).inputValue(), 'CapEff:\t00000000a80425fb', `${c.file}: the box keeps its text`);
    }
    await context.close();
  });
}
