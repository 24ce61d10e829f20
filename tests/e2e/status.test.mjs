// End to end: /proc/<pid>/status dumps and AppArmor labels pasted into the built site.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { serve, launch, open, foreign, pasteText, pasteBox, FIXTURES, hashOf, settledHash } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const fixture = (p) => readFile(join(FIXTURES, p), 'utf8');

/** With a dump's report on screen: keeps it aside, pastes the fixture `right`, and returns the
 * comparison once it shows. */
async function pinAndCompare(page, right) {
  await page.getByRole('button', { name: 'Compare with another dump' }).click();
  await page.locator('.pinned').waitFor();
  await pasteText(page, await fixture(right));
  const cmp = page.locator('section.comparison');
  await cmp.waitFor();
  return cmp;
}
/** `capsh --decode=HEX` (libcap2-bin): the capability names of a mask, in bit order. */
function capsh(hex) {
  let out;
  try { out = execFileSync('capsh', [`--decode=${hex}`], { encoding: 'utf8' }); } catch (e) {
    throw new Error(`capsh --decode failed (${e.message}): install libcap2-bin`);
  }
  const names = out.trim().split('=')[1];
  return names ? names.split(',') : [];
}
// Bit numbers of the Docker default set's capabilities (include/uapi/linux/capability.h).
const BITS = { cap_chown: 0, cap_dac_override: 1, cap_fowner: 3, cap_fsetid: 4, cap_kill: 5, cap_setgid: 6, cap_setuid: 7,
  cap_setpcap: 8, cap_net_bind_service: 10, cap_net_raw: 13, cap_sys_chroot: 18, cap_mknod: 27, cap_audit_write: 29, cap_setfcap: 31 };
const DOCKER_14 = ['cap_chown', 'cap_dac_override', 'cap_fowner', 'cap_fsetid', 'cap_kill', 'cap_setgid', 'cap_setuid',
  'cap_setpcap', 'cap_net_bind_service', 'cap_net_raw', 'cap_sys_chroot', 'cap_mknod', 'cap_audit_write', 'cap_setfcap'];

test('the redis-server seed dump: seccomp filter, 14 bounding capabilities, NSpid chain', async () => {
  const { page, requests, errors } = await open(browser, server.url);
  await pasteText(page, await fixture('proc/seed/redis-server.status'));
  const report = page.locator('article.status-report');
  await report.waitFor();
  assert.equal(await report.locator('h2.proc-title').textContent(), 'redis-server (PID 1099)');
  assert.match(await report.locator('.security').textContent(), /Seccomp\s*2 — Seccomp filtering is on \(mode 2\)/);
  assert.match(await report.locator('.security').textContent(), /filter/);
  const bnd = report.locator('.cap-set[data-key="CapBnd"]');
  assert.equal(await bnd.locator('.vs-docker').textContent(), "14 capabilities: exactly Docker's default set.");
  assert.deepEqual(await report.locator('table.cap-matrix tr', { has: page.locator('td.on[data-set="CapBnd"]') }).locator('code.cap-name').allTextContents(),
    [...DOCKER_14].sort((a, b) => BITS[a] - BITS[b]));
  // The dump has no NoNewPrivs line (nor speculation lines): the report says so.
  assert.equal(await report.locator('.security dt', { hasText: /^NoNewPrivs$/ }).locator('xpath=following-sibling::dd[1]').textContent(),
    'not in this dump (the kernel prints it since Linux 4.10)');
  assert.match(await report.locator('.namespaces').textContent(), /PID 1 inside a nested PID namespace/);
  const chain = await report.locator('.ns-chain li').allTextContents();
  assert.equal(chain.length, 2);
  assert.match(chain[0], /^PID 1099 — /);
  assert.match(chain[1], /^PID 1 — .*nested/);
  assert.match(await report.locator('.verdict .headline').textContent(), /^runs as uid 999 with no effective capabilities, seccomp filtering on/);
  assert.match(await report.locator('.signals').textContent(), /SIGHUP SIGPIPE/);
  assert.match(await report.locator('.memory').textContent(), /VmPeak\s*28\.5 MiB/);
  // Shareable: the fragment carries the (compressed) dump and reopens it.
  const hash = await settledHash(page, /^#status=v1\./);
  const again = await open(browser, server.url + hash);
  await again.page.locator('article.status-report h2.proc-title').waitFor();
  assert.equal(await again.page.locator('h2.proc-title').textContent(), 'redis-server (PID 1099)');
  assert.deepEqual(foreign(requests, server.origin), []);
  assert.deepEqual(foreign(again.requests, server.origin), []);
  assert.deepEqual(errors, []);
});

test('two dumps: pin one, paste another, see the differences side by side', async () => {
  const { page, requests } = await open(browser, server.url);
  await pasteText(page, await fixture('proc/local/host_self.status'));
  await page.locator('article.status-report').waitFor();
  const cmp = await pinAndCompare(page, 'proc/local/podman_default.status');
  const seccomp = cmp.locator('tr', { has: page.locator('th code', { hasText: /^Seccomp$/ }) });
  assert.deepEqual(await seccomp.locator('td code').allTextContents(), ['0', '2']);
  assert.match(await seccomp.getAttribute('class'), /differs/);
  const capEff = cmp.locator('tr', { has: page.locator('th code', { hasText: /^CapEff$/ }) });
  assert.match(await capEff.textContent(), /− .*cap_sys_admin/);
  // The two full reports are folded until asked for.
  assert.equal(await page.locator('article.status-report').count(), 0);
  await page.getByRole('button', { name: /Both full reports/ }).click();
  assert.equal(await page.locator('.side-by-side article.status-report').count(), 2);
  assert.deepEqual(foreign(requests, server.origin), []);
});

test('two dumps pasted at once are compared', async () => {
  const { page } = await open(browser, server.url);
  const both = (await fixture('proc/local/host_self.status')) + '$ podman exec c cat /proc/1/status\n' + (await fixture('proc/local/podman_default.status'));
  await pasteText(page, both);
  await page.locator('section.comparison').waitFor();
  assert.match(await page.locator('section.comparison h2').textContent(), /^Comparison: /);
});

test('an AppArmor label and a garbage paste', async () => {
  const { page } = await open(browser, server.url);
  await pasteText(page, await fixture('proc/seed/apparmor-attr-current.txt'));
  await page.locator('article.apparmor').waitFor();
  assert.match(await page.locator('article.apparmor').textContent(), /docker-default/);
  assert.match(await page.locator('article.apparmor').textContent(), /enforce/);
  await pasteText(page, 'Name:\tbash\nthis line is garbage\n');
  await page.locator('#paste-error').waitFor();
  assert.match(await page.locator('#paste-error').textContent(), /Line 2/);
  // The previous result stays on screen.
  assert.equal(await page.locator('article.apparmor').count(), 1);
});

test('a dump with stray lines (a debugger transcript, a note) is explained, each ignored line named', async () => {
  const { page, errors } = await open(browser, server.url);
  const lines = (await fixture('proc/local/host_self.status')).trimEnd().split('\n');
  lines.splice(20, 0, '(the next lines are from the second terminal)');
  lines.push('(gdb) detach', 'Detaching from program: /usr/bin/cat, process 4242', '[Inferior 1 (process 4242) detached]');
  await pasteText(page, lines.join('\n'));
  const report = page.locator('article.status-report');
  await report.waitFor();
  assert.equal(await report.locator('h2.proc-title').textContent(), 'cat (PID 26170)');
  const warnings = await report.locator('.warnings li').allTextContents();
  assert.deepEqual(warnings, [
    'Line 21 is not a "Key:\tvalue" line and was ignored: "(the next lines are from the second terminal)".',
    `Line ${lines.length - 2} is not a "Key:\tvalue" line and was ignored: "(gdb) detach".`,
    `Line ${lines.length - 1} is not a "Key:\tvalue" line and was ignored: "Detaching from program: /usr/bin/cat, process 4242".`,
    `Line ${lines.length} is not a "Key:\tvalue" line and was ignored: "[Inferior 1 (process 4242) detached]".`,
  ]);
  assert.equal(await page.locator('#paste-error').count(), 0);
  assert.deepEqual(errors, []);
});

test('a MIPS dump: 128-bit signal masks, renamed by the numbering picked in the Signals card', async () => {
  const { page, errors } = await open(browser, server.url);
  // threads_signals with SigCgt as a MIPS kernel prints it (32 hex digits): SIGINT (2), SIGTERM
  // (15), SIGUSR1 (16 on MIPS, SIGSTKFLT on x86) and SIGRTMAX (127).
  const dump = (await fixture('proc/local/threads_signals.status')).replace(/^SigCgt:.*$/m, 'SigCgt:\t4000000000000000000000000000c002');
  await pasteText(page, dump);
  const signals = page.locator('article.status-report .signals');
  await signals.waitFor();
  const cgt = signals.locator('dt', { hasText: /^SigCgt / });
  assert.equal(await cgt.textContent(), 'SigCgt 4000000000000000000000000000c002');
  const names = () => cgt.locator('xpath=following-sibling::dd[1]').textContent();
  assert.match(await names(), /SIGINT SIGTERM SIGSTKFLT SIG127$/);
  assert.match(await signals.locator('.signals-note').textContent(), /choose the MIPS numbering/);
  await signals.getByLabel('Signal numbering').selectOption('mips');
  await page.waitForFunction(() => /SIGUSR1/.test(document.querySelector('.signals')?.textContent ?? ''));
  assert.match(await names(), /SIGINT SIGTERM SIGUSR1 SIGRTMAX$/);
  assert.equal(await signals.locator('.signals-note').count(), 0);
  assert.deepEqual(errors, []);
});

/** Elements (by selector) whose text the page breaks over more than one line. */
const brokenValues = (page, selector) => page.evaluate((sel) => [...document.querySelectorAll(sel)]
  .filter((el) => el.getClientRects().length > 1).map((el) => el.textContent), selector);
/** Whether the whole page scrolls sideways. */
const overflowsPage = (page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

test('the status report: a section index in reach, one capability × set grid as capsh decodes it, sentences', async () => {
  const { page, errors } = await open(browser, server.url);
  const dump = await fixture('proc/local/capsh_user_nobody_ambient.status');
  await pasteText(page, dump);
  const report = page.locator('article.status-report');
  await report.waitFor();
  const index = report.getByRole('navigation', { name: /^Sections of / });
  assert.deepEqual(await index.getByRole('link').allTextContents(),
    ['Verdict', 'Identity', 'Users', 'Namespaces', 'Capabilities', 'Seccomp/NoNewPrivs', 'Signals', 'CPUs/memory', 'Memory', 'Raw']);
  // One grid: a column per set, a row per capability any set holds, a mark where capsh says the set holds it.
  const grid = report.locator('table.cap-matrix');
  const keys = ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb'];
  assert.deepEqual(await grid.locator('thead th.set').allTextContents(), keys);
  assert.equal(await report.locator('table.cap-matrix').count(), 1);
  const hexOf = (key) => dump.match(new RegExp(`^${key}:\\s*([0-9a-f]+)$`, 'm'))[1];
  const union = new Set(keys.flatMap((k) => capsh(hexOf(k))));
  assert.equal(await grid.locator('tbody tr').count(), union.size);
  for (const key of keys) {
    const marked = await grid.locator('tbody tr', { has: page.locator(`td.on[data-set="${key}"]`) }).locator('code.cap-name').allTextContents();
    assert.deepEqual(marked, capsh(hexOf(key)), `the ${key} column`);
    const cells = await grid.locator(`td.on[data-set="${key}"] [aria-hidden="true"]`).allTextContents();
    assert.deepEqual(cells, marked.map(() => '●'), `${key}: a visible mark per held capability`);
  }
  assert.equal(await report.locator('.cap-set[data-key="CapInh"] .vs-docker').textContent(), '2 capabilities: a subset of Docker\'s default set.');
  assert.equal(await report.locator('.cap-set[data-key="CapBnd"] .vs-docker').textContent(), '40 capabilities: all but cap_sys_resource.');
  // No sentence ends in a bare "Docker default." and no empty set shows capsh's dangling "=".
  const text = await report.textContent();
  assert.doesNotMatch(text, /Compared with Docker's default: Docker default\./);
  assert.doesNotMatch(text, /0x0{16}=/);
  // Capability names never wrap.
  assert.deepEqual(await brokenValues(page, 'article.status-report code.cap-name'), []);
  // The index stays in reach: after a jump to Memory, the index is still on screen, at the top,
  // and the link did not touch the fragment (which holds the dump).
  const hash = await settledHash(page, /^#status=v1\./);
  await index.getByRole('link', { name: 'Memory', exact: true }).click();
  await page.waitForFunction(() => { const r = document.querySelector('.status-report .memory').getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight / 2; });
  const box = await index.evaluate((el) => { const r = el.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, scrollY }; });
  assert.ok(box.scrollY > 500, `the page scrolled (${box.scrollY})`);
  assert.ok(box.top >= 0 && box.top < 2 && box.bottom < 200, `index at the top of the viewport: ${JSON.stringify(box)}`);
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('memory')), true);
  assert.equal(await hashOf(page), hash);
  assert.deepEqual(errors, []);
});

test('an empty set says "none"; a field the dump lacks says so', async () => {
  const { page } = await open(browser, server.url);
  const dump = (await fixture('proc/local/podman_cap_drop_all.status')).replace(/^NoNewPrivs:.*\n/m, '');
  await pasteText(page, dump);
  const report = page.locator('article.status-report');
  await report.waitFor();
  for (const key of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb']) {
    assert.equal(capsh('0000000000000000').length, 0);
    assert.match(await report.locator(`.cap-set[data-key="${key}"]`).textContent(), new RegExp(`^${key} \\(\\w+ set\\) 0{16} — none \\(an empty set\\)\\.`));
  }
  assert.equal(await report.locator('table.cap-matrix').count(), 0);
  assert.equal(await report.locator('.no-caps').textContent(), 'No set holds any capability.');
  const dd = (key) => report.locator('.security dt', { hasText: new RegExp(`^${key}$`) }).locator('xpath=following-sibling::dd[1]').textContent();
  assert.equal(await dd('NoNewPrivs'), 'not in this dump (the kernel prints it since Linux 4.10)');
  assert.match(await dd('Seccomp'), /^2 — /);
});

test('two dumps compared: differences only by default, grouped by section, whole values, the reports folded, kept over a reload', async () => {
  const { page, errors } = await open(browser, server.url);
  await page.setViewportSize({ width: 1280, height: 900 });
  await pasteText(page, await fixture('proc/local/host_self.status'));
  await page.locator('article.status-report').waitFor();
  const cmp = await pinAndCompare(page, 'proc/local/podman_default.status');
  const [, differing, total] = (await cmp.locator('.diff-count').textContent()).match(/^(\d+) of (\d+) fields differ\.$/).map(Number);
  const toggle = cmp.getByRole('checkbox', { name: 'Differences only' });
  assert.equal(await toggle.isChecked(), true);
  const rows = cmp.locator('table.compare tbody tr:not(.group-head)');
  assert.equal(await rows.count(), differing);
  assert.equal(await cmp.locator('table.compare tbody tr.differs').count(), differing);
  // Grouped by the report's sections, in its order.
  const sections = await cmp.locator('tbody.group').evaluateAll((els) => els.map((e) => e.dataset.section));
  assert.deepEqual(sections, ['identity', 'users', 'namespaces', 'capabilities', 'security', 'signals', 'cpus', 'memory'].filter((s) => sections.includes(s)));
  assert.ok(sections.includes('capabilities') && sections.includes('security'));
  assert.match(await cmp.locator('tbody.group[data-section="capabilities"] tr.group-head').textContent(), /^Capabilities$/);
  await toggle.uncheck();
  assert.equal(await rows.count(), total);
  assert.ok(total > differing);
  await toggle.check();
  assert.equal(await rows.count(), differing);
  // Sane widths: Left and Right wider than 120 px; no value, name or field broken over lines.
  for (const name of [/^Left/, /^Right/]) {
    const width = await cmp.getByRole('columnheader', { name }).evaluate((el) => el.getBoundingClientRect().width);
    assert.ok(width > 120, `${name} column is ${width} px wide`);
  }
  assert.deepEqual(await brokenValues(page, 'table.compare td code, table.compare th[scope="row"] code, table.compare .name'), []);
  assert.deepEqual(await brokenValues(page, 'table.compare td.side'), []);
  // The full reports are folded behind a disclosure.
  const full = page.getByRole('button', { name: /Both full reports: cat \(PID 26170\) and cat \(PID 1\)$/ });
  assert.equal(await full.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.locator('article.status-report').count(), 0);
  // A reload shows the same comparison, the left dump still kept aside.
  const heading = await cmp.locator('h2').textContent();
  const count = await cmp.locator('.diff-count').textContent();
  await page.reload();
  await page.locator('section.comparison').waitFor();
  assert.equal(await page.locator('section.comparison h2').textContent(), heading);
  assert.equal(await page.locator('section.comparison .diff-count').textContent(), count);
  assert.match(await page.locator('.pinned').textContent(), /^Comparing against cat \(PID 26170\)/);
  assert.match(await pasteBox(page).inputValue(), /^Pid:\s*1$/m);
  assert.doesNotMatch(await pasteBox(page).inputValue(), /^Pid:\s*26170$/m);
  await page.getByRole('button', { name: 'Stop comparing' }).click();
  assert.equal(await page.locator('.pinned').count(), 0);
  assert.deepEqual(errors, []);
});

for (const scheme of ['light', 'dark']) {
  test(`at phone width (390 px, ${scheme}) the status report and the comparison never scroll the page sideways`, async () => {
    const { page } = await open(browser, server.url);
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 390, height: 844 });
    await pasteText(page, await fixture('proc/seed/redis-server.status'));
    await page.locator('article.status-report').waitFor();
    await page.locator('.raw .disclosure-toggle').click();
    assert.equal(await overflowsPage(page), false, 'the status report');
    assert.deepEqual(await brokenValues(page, 'article.status-report code.cap-name'), []);
    // The wide grid scrolls in its own box.
    const grid = await page.locator('table.cap-matrix').evaluate((t) => ({ table: t.scrollWidth, box: t.parentElement.clientWidth, overflow: getComputedStyle(t.parentElement).overflowX }));
    assert.equal(grid.overflow, 'auto');
    assert.ok(grid.table > grid.box, `the grid (${grid.table} px) scrolls in its ${grid.box} px box`);
    await pinAndCompare(page, 'proc/local/podman_default.status');
    assert.equal(await overflowsPage(page), false, 'the comparison');
    await page.getByRole('checkbox', { name: 'Differences only' }).uncheck();
    await page.getByRole('button', { name: /Both full reports/ }).click();
    await page.locator('.side-by-side article.status-report').nth(1).waitFor();
    assert.equal(await overflowsPage(page), false, 'the comparison with every row and both reports');
    assert.deepEqual(await brokenValues(page, 'table.compare td code, table.compare .name'), []);
  });
}
