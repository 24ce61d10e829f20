// End to end: "Scan contents" on the fixture of scripts/fixtures/secrets_image.sh (issue 16). The
// expected rows are the script's truth.json — what it planted (secrets with their layer, line and
// the later layer that hides them), keys and certificates as openssl / ssh-keygen describe them,
// accounts re-hashed with openssl, setuid/setgid and capabilities from umoci unpack + getcap —
// never the CLI's output. No snippet on the page may hold a planted secret whole.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { serve, launch, open, foreign, dropFile, scriptFixture, slowArchive, ROOT, archiveShown } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const secretsFixture = () => scriptFixture('secrets_image', 'secrets.docker.tar');

const cells = async (row) => (await row.locator('td').allTextContents()).map((t) => t.trim());

/** Opens every folded group of the Findings table (rows that say the same of many paths). */
async function expandAll(page) {
  const closed = page.locator('table.findings-table button.fold[aria-expanded="false"]');
  while (await closed.count()) await closed.first().click();
}

test('Scan contents: every planted secret with its layer, line and hiding layer, cut; keys, certificates, accounts, setuid', async () => {
  const { archive, truth } = secretsFixture();
  const { page, requests, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFile(page, archive);
  await page.getByRole('tab', { name: 'Findings' }).click();
  // The scan runs in a worker of its own, which ends with its answer (it holds a second index).
  const scanWorker = page.waitForEvent('worker');
  await page.getByRole('button', { name: 'Scan contents' }).click();
  const ended = (await scanWorker).evaluate(() => new Promise(() => {})).catch(() => 'ended');
  const report = page.locator('section.scan-contents .scan-report');
  await report.waitFor({ timeout: 120000 });
  assert.equal(await Promise.race([ended, new Promise((r) => setTimeout(() => r('still running'), 5000))]), 'ended');
  // The tables by kind sit behind a disclosure (the Findings table above has every row).
  await report.locator('details.scan-details > summary').click();

  const rows = report.locator('table.scan-secrets tbody tr');
  const seen = [];
  for (let i = 0; i < await rows.count(); i++) {
    const [rule, path, layer, line, hidden, snippet] = await cells(rows.nth(i));
    seen.push(`${rule} ${path} ${layer} ${line} ${hidden}`);
    // A private key's truth "value" is its BEGIN line, a label shown as it is; the key's body
    // never reaches a snippet (the rule matches the label line only).
    for (const s of truth.secrets.filter((s) => !s.rule.startsWith('private_key'))) {
      assert.ok(!snippet.includes(s.value), `the snippet of ${path}:${line} holds a planted secret whole`);
    }
    assert.ok(!/[A-Za-z0-9+/]{60}/.test(snippet), `the snippet of ${path}:${line} holds a long encoded run`);
  }
  const want = truth.secrets.map((s) => `${s.rule} /${s.path} ${s.layer} ${s.line} ${s.hidden_by === null ? '' : `hidden by layer ${s.hidden_by}`}`);
  assert.deepEqual(seen.sort(), want.sort());
  assert.ok(truth.secrets.some((s) => s.hidden_by !== null), 'the fixture hides a secret');

  const keys = report.locator('table.scan-keys tbody tr');
  assert.equal(await keys.count(), truth.keys.length);
  const keyRows = [];
  for (let i = 0; i < await keys.count(); i++) {
    const [path, layer, format, , , encrypted] = await cells(keys.nth(i));
    keyRows.push(`${path} ${layer} ${format} ${encrypted}`);
  }
  assert.deepEqual(keyRows.sort(), truth.keys.map((k) => `/${k.path} ${k.layer} ${k.format} ${k.encrypted ? 'yes' : 'no'}`).sort());

  const certs = report.locator('table.scan-certs tbody tr');
  const certRows = [];
  for (let i = 0; i < await certs.count(); i++) {
    const [path, subject, issuer] = await cells(certs.nth(i));
    certRows.push(`${path} ${subject} ${issuer}`);
  }
  assert.deepEqual(certRows.sort(), truth.certificates.map((c) => `/${c.path} ${c.subject} ${c.issuer}`).sort());

  const accounts = await report.locator('ul.scan-accounts').textContent();
  for (const s of truth.accounts.shadow) {
    if (s.empty) assert.match(accounts, new RegExp(`Empty password \\(anyone may log in\\):[^.]*\\b${s.user}\\b`));
    if (s.algorithm) assert.ok(accounts.includes(`${s.user} (${s.algorithm})`), `${s.user}'s hash algorithm`);
  }
  const setid = report.locator('table.scan-setid tbody tr');
  const setidRows = [];
  for (let i = 0; i < await setid.count(); i++) {
    const [path, kind, , triage] = await cells(setid.nth(i));
    setidRows.push(`${path} ${kind} ${triage === 'ordinary' ? 'ordinary' : 'shell'}`);
  }
  assert.deepEqual(setidRows.sort(), truth.setid.map((s) => `/${s.path} ${s.kind} ${s.class}`).sort());

  // The export: the same secrets as the truth, none of the planted values whole.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the scan (JSON)' }).click()]);
  assert.equal(download.suggestedFilename(), 'scan.json');
  const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.deepEqual(exported.secrets.map((s) => `${s.rule} /${s.path} ${s.layer} ${s.line} ${s.hidden_by === null ? '' : `hidden by layer ${s.hidden_by}`}`).sort(), want.sort());
  const text = JSON.stringify(exported);
  for (const s of truth.secrets.filter((s) => !s.rule.startsWith('private_key'))) assert.ok(!text.includes(s.value), `the export holds ${s.rule} whole`);
  // A secret in a file the container shows opens in the file detail at its line.
  const shownRow = rows.filter({ hasText: '/app/.env' }).first();
  const shownLine = Number((await cells(shownRow))[3]);
  await shownRow.getByRole('button', { name: '/app/.env' }).click();
  await page.locator('#file-detail h3', { hasText: /^\/app\/\.env$/ }).waitFor();
  await page.locator('#file-detail mark#file-line', { hasText: new RegExp(`^\\s*${shownLine}\\s`) }).waitFor();
  assert.deepEqual(foreign(requests, server.origin), []);
  assert.deepEqual(errors, []);
});

test('Findings: one table of header and content findings, counted and filtered by severity; a deleted file\'s secret opens as its layer wrote it, at its line', async () => {
  const { archive, truth } = secretsFixture();
  const { page, requests, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFile(page, archive);
  await page.getByRole('tab', { name: 'Findings' }).click();
  // Findings, one a row (after every folded group is opened).
  const rows = page.locator('table.findings-table tbody tr.finding');
  const countLine = page.locator('.findings-count');
  await countLine.getByText(/from the headers and the config; "Scan contents" below/).waitFor();
  await expandAll(page);
  const headerRows = await rows.count();
  assert.ok(headerRows > 0);
  assert.equal(await page.locator('table.findings-table tr.finding.info').count(), 0, 'info is hidden at first');

  await page.getByRole('button', { name: 'Scan contents' }).click();
  await page.locator('section.scan-contents .scan-report').waitFor({ timeout: 120000 });
  await countLine.getByText(/from the content scan\./).waitFor();
  await expandAll(page);
  // Every planted secret is one row: high (an entropy guess medium), its path, layer (and what
  // hides it), line; the detail is the cut snippet, never the value.
  const secretRows = page.locator('table.findings-table tr.from-scan', { hasText: 'secret: ' });
  const seen = [];
  for (let i = 0; i < await secretRows.count(); i++) {
    const [sev, what, path, layer, line, detail] = await cells(secretRows.nth(i));
    seen.push(`${sev} ${what} ${path} ${layer} ${line}`);
    for (const s of truth.secrets.filter((s) => !s.rule.startsWith('private_key'))) assert.ok(!detail.includes(s.value), `${path}:${line} shows ${s.rule} whole`);
  }
  const want = truth.secrets.map((s) => `${s.rule === 'high_entropy' ? 'medium' : 'high'} secret: ${s.rule.replaceAll('_', ' ')} /${s.path} ${s.layer}${s.hidden_by === null ? '' : ` (hidden by layer ${s.hidden_by})`} ${s.line}`);
  assert.deepEqual(seen.sort(), want.sort());
  // Root's empty password (CVE-2019-5021) and the setuid shells are high rows.
  await page.locator('table.findings-table tr.finding.high', { hasText: 'empty password' }).filter({ hasText: 'root has no password' }).waitFor();
  // A setuid/setgid file that gives a shell is one high row (the scan's, in place of the
  // header's); an ordinary one keeps the header's row.
  for (const s of truth.setid) {
    const onPath = page.locator('table.findings-table tbody tr').filter({ has: page.getByRole('button', { name: `/${s.path}`, exact: true }) });
    if (s.class === 'shell') {
      assert.deepEqual((await onPath.allTextContents()).map((t) => t.includes(`${s.kind} shell`)), [true], `/${s.path}`);
    } else {
      assert.equal(await onPath.filter({ hasText: s.kind }).count(), 1, `/${s.path}`);
    }
  }

  // Each chip counts its severity's rows; pressing it hides or shows them.
  const chip = (sev) => page.getByRole('group', { name: 'Severities shown' }).getByRole('button', { name: new RegExp(`^${sev} \\d+$`) });
  for (const sev of ['high', 'medium', 'low']) {
    const n = Number((await chip(sev).textContent()).split(' ')[1]);
    assert.equal(await page.locator(`table.findings-table tr.finding.${sev}`).count(), n, `${sev} rows`);
  }
  const infoCount = Number((await chip('info').textContent()).split(' ')[1]);
  const certs = truth.certificates.filter((c) => !c.expired_at_build).length;
  assert.ok(infoCount >= certs, 'the unexpired certificates are info rows');
  await chip('info').click();
  assert.equal(await chip('info').getAttribute('aria-pressed'), 'true');
  await expandAll(page);
  assert.equal(await page.locator('table.findings-table tr.finding.info').count(), infoCount);
  assert.equal(await page.locator('table.findings-table tr.finding.info', { hasText: 'certificate' }).count(), certs);
  await chip('high').click();
  assert.equal(await page.locator('table.findings-table tr.finding.high').count(), 0);
  await chip('high').click();
  // The source and text filters.
  await page.getByLabel('From', { exact: true }).selectOption('headers');
  await expandAll(page);
  assert.equal(await page.locator('table.findings-table tr.from-scan').count(), 0);
  // The header rows of before the scan, less those the scan raised (shell-giving setuid/setgid,
  // capabilities on interpreters), plus the info rows now shown.
  const raised = truth.setid.filter((s) => s.class === 'shell').length + truth.file_capabilities.filter((c) => c.interpreter).length;
  assert.equal(await rows.count(), headerRows - raised + await page.locator('table.findings-table tr.finding.info').count());
  await page.getByLabel('From', { exact: true }).selectOption('contents');
  await expandAll(page);
  // (a folded group's own row is from the scan too, but is no finding row: count the findings)
  assert.equal(await rows.count(), await page.locator('table.findings-table tr.finding.from-scan').count());
  assert.equal(await page.locator('table.findings-table tr.finding:not(.from-scan)').count(), 0);
  await page.getByLabel('Filter', { exact: true }).fill('credentials.env');
  await expandAll(page);
  assert.equal(await rows.count(), truth.secrets.filter((s) => s.path.endsWith('credentials.env')).length);

  // A secret of a file a later layer deleted: its path opens the version its layer wrote, at
  // its line (which holds the planted value: the user's own file, shown in the tab).
  const hidden = truth.secrets.find((s) => s.hidden_by !== null && s.path.endsWith('credentials.env'));
  const row = rows.filter({ hasText: hidden.rule.replaceAll('_', ' ') }).first();
  await row.getByRole('button', { name: `/${hidden.path}` }).click();
  const detail = page.locator('#file-detail');
  await detail.locator('h3', { hasText: `/${hidden.path}` }).waitFor();
  assert.equal(await detail.locator('.version-of').textContent(), `as layer ${hidden.layer} wrote it`);
  assert.match(await detail.locator('.version-note').textContent(), new RegExp(`^The version layer ${hidden.layer} wrote \\(.*\\): layer \\d+ (deleted it|wrote the path again)`));
  const mark = await detail.locator('mark#file-line').textContent();
  assert.match(mark, new RegExp(`^\\s*${hidden.line}\\s`));
  assert.ok(mark.includes(hidden.value), 'the highlighted line is the planted one');
  // And it downloads as that layer wrote it: GNU tar's extraction of the layer is the oracle.
  await detail.getByRole('button', { name: 'Download this version' }).click();
  const link = detail.locator('a.download');
  await link.waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', archive, 'manifest.json']));
  const member = manifest[0].Layers[hidden.layer];
  const expected = execFileSync('bash', ['-c', 'tar -xOf "$1" "$2" | tar -xOf - "$3"', 'x', archive, member, hidden.path]);
  assert.deepEqual(readFileSync(await download.path()), expected);
  assert.deepEqual(foreign(requests, server.origin), []);
  assert.deepEqual(errors, []);
});

test('Findings: many paths with the same finding fold into one row (Alpine: 308 symlinks to /bin/busybox, as GNU tar lists them)', async () => {
  const archive = join(ROOT, '../shared/fixtures/public/aquasecurity__trivy/pkg/fanal/test/testdata/alpine-311.tar.gz');
  const listing = readFileSync(`${archive}.truth/img0_layer00.tar-tvv.txt`, 'utf8').split('\n');
  const busybox = listing.filter((l) => l.startsWith('l') && l.endsWith(' -> /bin/busybox')).map((l) => `/${l.split(/\s+/)[5]}`).sort();
  assert.ok(busybox.length > 300);
  const { page, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFile(page, archive);
  await page.getByRole('tab', { name: 'Findings' }).click();
  const chip = page.getByRole('group', { name: 'Severities shown' }).getByRole('button', { name: /^info \d+$/ });
  await chip.click();
  const group = page.locator('table.findings-table tr.finding-group', { hasText: '/bin/busybox' });
  assert.equal(await group.getAttribute('data-count'), String(busybox.length));
  // One row stands for them all until opened; the table stays short.
  assert.ok(await page.locator('table.findings-table tbody tr').count() < 20);
  await group.getByRole('button', { name: `${busybox.length} paths` }).click();
  const rows = page.locator('table.findings-table tr.finding', { hasText: '/bin/busybox' });
  assert.equal(await rows.count(), busybox.length);
  assert.deepEqual((await rows.locator('td:nth-child(3)').allTextContents()).map((t) => t.trim()).sort(), busybox);
  await group.getByRole('button', { name: `${busybox.length} paths` }).click();
  assert.equal(await rows.count(), 0);
  assert.deepEqual(errors, []);
});

test('Scan contents: the allow-list; a size limit that does not read is one sentence', async () => {
  const { archive, truth } = secretsFixture();
  const { page, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFile(page, archive);
  await page.getByRole('tab', { name: 'Findings' }).click();
  await page.getByLabel(/Allow-list: paths/).fill('root/\n');
  await page.getByLabel('rules', { exact: true }).fill('high_entropy');
  await page.getByRole('button', { name: 'Scan contents' }).click();
  const report = page.locator('section.scan-contents .scan-report');
  await report.waitFor({ timeout: 120000 });
  const paths = await report.locator('table.scan-secrets tbody tr td:nth-child(2)').allTextContents();
  const rules = await report.locator('table.scan-secrets tbody tr td:nth-child(1)').allTextContents();
  assert.equal(paths.length, truth.secrets.filter((s) => !s.path.startsWith('root/') && s.rule !== 'high_entropy').length);
  assert.ok(paths.every((p) => !p.startsWith('/root/')) && rules.every((r) => r !== 'high_entropy'));
  await page.getByLabel('Skip files larger than (MiB)').fill('0');
  await page.getByRole('button', { name: 'Scan contents' }).click();
  await page.getByText('The size limit is a whole number of MiB, at least 1.').waitFor();
  assert.deepEqual(errors, []);
});

test('Cancel stops a content scan; the archive stays open', async () => {
  // A layer of 1 GiB of zeros (gzip): the scan's worker indexes it again before reading files,
  // long enough to press Cancel while it runs.
  const slow = slowArchive(await mkdtemp(join(tmpdir(), 'tarsier-scan-')), 1);
  const { page, errors } = await open(browser, server.url);
  await page.getByRole('button', { name: 'Container image' }).click();
  await dropFile(page, slow);
  await archiveShown(page, 'slow-1g.tar', 120000);
  await page.getByRole('tab', { name: 'Findings' }).click();
  await page.getByRole('button', { name: 'Scan contents' }).click();
  const progress = page.locator('.scan-progress');
  await progress.getByText(/^Indexing slow-1g\.tar/).waitFor();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await progress.waitFor({ state: 'detached' });
  assert.equal(await page.locator('section.scan-contents .scan-report').count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Scan contents' }).isEnabled(), true);
  await page.getByRole('tab', { name: 'Files' }).click();
  await page.locator('[data-path="zeros.bin"]').waitFor();
  assert.deepEqual(errors, []);
});
