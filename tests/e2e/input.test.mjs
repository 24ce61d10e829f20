// End to end: what a user sees when the input is not what the page expects (a zip, a picture, an
// empty file, text — and process text dropped on the image page, which the process tool
// decodes), how reading and verifying an archive shows its progress (in bytes of the archive, in
// words, in the app's colours), what Cancel says, and the two-dump comparison's highlight and
// reload. Every check in the light and the dark colour scheme, with axe-core clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, copyFile, stat } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  serve, launch, open, FIXTURES, ROOT, OPEN_IMAGE, dropFile, pasteText, pasteBox, humanBytes, slowOciArchive, plainArchive, recordTexts, recorded, axe, archiveShown,
} from './harness.mjs';

const IMAGES = join(FIXTURES, 'images');
const BIN = process.env.TARSIER_BIN ?? join(ROOT, 'target/debug/tarsier');
const OPENS = 'Tarsier opens what docker save, podman save or skopeo copy writes: a tar archive (docker-archive or OCI layout), optionally gzip- or zstd-compressed.';
let server, browser, dir, big, plain;
before(async () => {
  server = await serve();
  browser = await launch();
  dir = await mkdtemp(join(tmpdir(), 'tarsier-input-'));
  // The wrong inputs, made here: a real zip (Python's zipfile), a PNG's first bytes, an empty
  // file, a text file that is no process text, and process text saved to files.
  execFileSync('python3', ['-c', "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w') as z: z.writestr('manifest.json', '[]')", join(dir, 'archive.zip')]);
  await writeFile(join(dir, 'picture.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]));
  await writeFile(join(dir, 'empty.tar'), '');
  await writeFile(join(dir, 'notes.txt'), 'Remember to run docker save before the demo.\n');
  await copyFile(join(FIXTURES, 'proc/local/host_self.status'), join(dir, 'self-status.txt'));
  await writeFile(join(dir, 'mask.txt'), 'CapEff:\t00000000a80425fb\n');
  await writeFile(join(dir, 'label.txt'), 'docker-default (enforce)\n');
  // (2 GiB: reading it must outlast the axe check below; 1 GiB did not on a loaded machine.)
  big = slowOciArchive(dir, 2);
  plain = plainArchive(dir, 0.3);
});
after(async () => { await browser?.close(); await server?.close(); });

async function imagePage(scheme) {
  const { page, errors } = await open(browser, server.url);
  await page.emulateMedia({ colorScheme: scheme });
  await page.getByRole('button', { name: 'Container image' }).click();
  return { page, errors };
}

const choose = (page, path) => page.getByLabel(OPEN_IMAGE).setInputFiles(path);

/** The error sentence once it names `name`. */
async function errorFor(page, name) {
  const error = page.locator('#image-error .error', { hasText: name });
  await error.waitFor();
  return error.textContent();
}

for (const scheme of ['light', 'dark']) {
  test(`wrong files on the image page are named in plain words, once, without backticks (${scheme})`, async () => {
    const { page, errors } = await imagePage(scheme);
    const cases = [
      ['archive.zip', 'a zip archive', ''],
      ['picture.png', 'a PNG image', ''],
      ['empty.tar', 'an empty file (0 bytes)', ''],
      ['notes.txt', 'plain text', 'A /proc/PID/status dump, a capability mask or an AppArmor label goes in the Process tool (tarsier status or tarsier caps on the command line). '],
    ];
    for (const [name, what, hint] of cases) {
      await choose(page, join(dir, name));
      const text = await errorFor(page, name);
      assert.equal(text, `${name}: this is ${what}, not a container image archive. ${hint}${OPENS}`);
      assert.equal(text.split(name).length - 1, 1, `${name} appears once in: ${text}`);
      assert.equal(await page.locator('#image-error').getAttribute('data-code'), 'not_an_archive');
      await page.getByRole('button', { name: 'Dismiss' }).click();
      if (name === 'archive.zip') await axe(page, 'a wrong file refused');
    }
    // The same sentence on the command line (the CLI is the core's other face).
    const cli = (() => {
      try { execFileSync(BIN, ['inspect', join(dir, 'archive.zip')], { encoding: 'utf8', stdio: 'pipe' }); } catch (e) { return e.stderr; }
      return 'tarsier inspect accepted a zip';
    })();
    assert.equal(cli.trim(), `tarsier: ${join(dir, 'archive.zip')}: this is a zip archive, not a container image archive. ${OPENS}`);
    // With an image on screen, a wrong file leaves it there, labelled as still shown.
    await choose(page, join(IMAGES, 'a1_podman_docker-archive.tar'));
    await page.getByRole('tab', { name: 'Overview' }).waitFor();
    await choose(page, join(dir, 'archive.zip'));
    await errorFor(page, 'archive.zip');
    assert.equal(await page.locator('#still-showing').textContent(), 'Still showing a1_podman_docker-archive.tar.');
    assert.equal(await page.locator('.archive dd', { hasText: 'a1_podman_docker-archive.tar' }).count(), 1);
    assert.equal(await page.locator('body').evaluate((b) => b.innerText.includes('`')), false);
    await axe(page, 'a refused file over an image on screen');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test(`process text chosen or dropped on the image page is decoded by the process tool (${scheme})`, async () => {
    const { page, errors } = await imagePage(scheme);
    const cases = [
      ['self-status.txt', 'a /proc status dump', 'article.status-report', 'choose'],
      ['mask.txt', 'a capability mask', 'article.mask', 'drop'],
      ['label.txt', 'an AppArmor label', 'article.apparmor', 'choose'],
    ];
    for (const [name, what, view, how] of cases) {
      if (how === 'drop') await dropFile(page, join(dir, name)); else await choose(page, join(dir, name));
      await page.locator(view).first().waitFor();
      assert.equal(await page.locator('#file-note').textContent(), `${name} is ${what}, not a container image archive: it is decoded here.`);
      assert.equal(await page.getByRole('button', { name: 'Process: capabilities and /proc status' }).getAttribute('aria-pressed'), 'true');
      assert.ok((await pasteBox(page).inputValue()).length > 0);
      if (name === 'self-status.txt') await axe(page, 'a status dump opened from a file');
      await page.getByRole('button', { name: 'Container image' }).click();
    }
    assert.equal(await page.locator('#image-error').count(), 0);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test(`reading a 2 GiB archive and verifying one of 300 MiB: progress in words and bytes, app colours, Cancel says so (${scheme})`, async () => {
    const { page, errors } = await imagePage(scheme);
    await choose(page, join(IMAGES, 'a1_podman_docker-archive.tar'));
    await page.getByRole('tab', { name: 'Overview' }).waitFor();
    // Cancel while the layer is read: said in words, the image on screen kept and labelled.
    await recordTexts(page, '.progress[role="status"] .hint');
    await choose(page, big);
    await page.locator('.progress[role="status"] .hint', { hasText: 'layer 1 of 1' }).waitFor();
    const colours = await page.locator('.progress progress').evaluate((bar) => {
      const probe = document.createElement('span');
      probe.style.color = 'var(--accent)';
      document.body.append(probe);
      const accent = getComputedStyle(probe).color;
      probe.remove();
      return { accent, bar: getComputedStyle(bar).accentColor };
    });
    assert.equal(colours.bar, colours.accent);
    await axe(page, 'the progress of an archive being read');
    await page.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await page.locator('#image-error .error').textContent(), 'Cancelled: slow-oci-2g.tar was not opened.');
    assert.equal(await page.locator('#still-showing').textContent(), 'Still showing a1_podman_docker-archive.tar.');
    assert.equal(await page.locator('.archive dd', { hasText: 'a1_podman_docker-archive.tar' }).count(), 1);
    const texts = await recorded(page);
    assert.ok(texts.some((t) => / · layer 1 of 1$/.test(t)), texts.join('\n'));
    assert.deepEqual(texts.filter((t) => /[0-9a-f]{12}|blobs\/sha256/.test(t)), []);
    // Verified: the status shows bytes of the archive as they are hashed, from the start.
    await choose(page, plain);
    await archiveShown(page, 'plain-0.3g.tar');
    await recordTexts(page, '.verify-progress');
    await page.locator('#verify-button').click();
    await page.locator('#verify-summary').waitFor();
    assert.equal(await page.locator('#verify-summary').textContent(), 'All 2 digests match.');
    const total = humanBytes((await stat(plain)).size);
    const hashing = (await recorded(page)).map((t) => t.match(/hashing… (.+) of (.+)$/)).filter(Boolean);
    assert.ok(hashing.length > 0);
    // Never "of 1 B": every message, the first included, counts the archive's bytes.
    assert.ok(hashing.every(([, , of]) => of === total), hashing.map((m) => m[0]).join('\n'));
    assert.ok(hashing.some(([, done]) => done !== '0 B' && done !== total), `no progress between 0 and ${total}: ${hashing.map((m) => m[0]).join(' | ')}`);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test(`two dumps compared: only differing rows marked, no fill with differences only; pasted together they reload unpinned (${scheme})`, async () => {
    const { page, errors } = await open(browser, server.url);
    await page.emulateMedia({ colorScheme: scheme });
    const left = execFileSync('cat', [join(FIXTURES, 'proc/local/host_self.status')], { encoding: 'utf8' });
    const right = execFileSync('cat', [join(FIXTURES, 'proc/local/podman_default.status')], { encoding: 'utf8' });
    await pasteText(page, `${left.trimEnd()}\n${right}`);
    const cmp = page.locator('section.comparison');
    await cmp.waitFor();
    assert.equal(await page.locator('.pinned').count(), 0);
    const fills = () => cmp.locator('table.compare tbody tr:not(.group-head)').evaluateAll((rows) => rows.map((r) => ({
      differs: r.classList.contains('differs'),
      fill: getComputedStyle(r).backgroundColor,
      mark: getComputedStyle(r.querySelector('th')).boxShadow,
      same: [...r.querySelectorAll('td.side')].map((td) => td.textContent).reduce((a, b) => a === b),
    })));
    const none = 'rgba(0, 0, 0, 0)';
    // Differences only (the default): every row differs, none is filled, each has the thin mark.
    const only = await fills();
    assert.ok(only.length > 0 && only.every((r) => r.differs && !r.same && r.fill === none && r.mark !== 'none'), JSON.stringify(only.slice(0, 3)));
    await axe(page, 'the comparison, differences only');
    // Every row: only those whose values differ are filled.
    await cmp.getByRole('checkbox', { name: 'Differences only' }).uncheck();
    const all = await fills();
    assert.ok(all.length > only.length);
    for (const r of all) {
      assert.equal(r.differs, !r.same);
      assert.equal(r.fill !== none, r.differs, JSON.stringify(r));
    }
    await axe(page, 'the comparison, every row');
    // Reloaded, it is the comparison that was pasted: both dumps in the box, nothing pinned.
    const heading = await cmp.locator('h2').textContent();
    await page.waitForFunction(() => location.hash.startsWith('#status=v1.'));
    assert.equal(await page.evaluate(() => location.hash.endsWith('&pinned')), false);
    await page.reload();
    await page.locator('section.comparison').waitFor();
    assert.equal(await page.locator('section.comparison h2').textContent(), heading);
    assert.equal(await page.locator('.pinned').count(), 0);
    const box = await pasteBox(page).inputValue();
    assert.match(box, /^Pid:\s*1$/m);
    assert.match(box, /^Pid:\s*26170$/m);
    assert.deepEqual(errors, []);
    await page.context().close();
  });
}
