// End to end: /proc/<pid>/status dumps and AppArmor labels pasted into the built site.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, open, foreign, pasteText, FIXTURES } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const fixture = (p) => readFile(join(FIXTURES, p), 'utf8');
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
  assert.deepEqual(await bnd.locator('code.cap-name').allTextContents(), DOCKER_14);
  assert.match(await bnd.textContent(), /Compared with Docker's default: Docker default\./);
  assert.match(await report.locator('.namespaces').textContent(), /PID 1 inside a nested PID namespace/);
  const chain = await report.locator('.ns-chain li').allTextContents();
  assert.equal(chain.length, 2);
  assert.match(chain[0], /^PID 1099 — /);
  assert.match(chain[1], /^PID 1 — .*nested/);
  assert.match(await report.locator('.verdict .headline').textContent(), /^runs as uid 999 with no effective capabilities, seccomp filtering on/);
  assert.match(await report.locator('.signals').textContent(), /SIGHUP SIGPIPE/);
  assert.match(await report.locator('.memory').textContent(), /VmPeak\s*28\.5 MiB/);
  // Shareable: the fragment carries the (compressed) dump and reopens it.
  const hash = new URL(page.url()).hash;
  assert.match(hash, /^#status=v1\./);
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
  await page.getByRole('button', { name: 'Compare with another dump' }).click();
  await page.locator('.pinned').waitFor();
  await pasteText(page, await fixture('proc/local/podman_default.status'));
  const cmp = page.locator('section.comparison');
  await cmp.waitFor();
  const seccomp = cmp.locator('tr', { has: page.locator('th code', { hasText: /^Seccomp$/ }) });
  assert.deepEqual(await seccomp.locator('td code').allTextContents(), ['0', '2']);
  assert.match(await seccomp.getAttribute('class'), /differs/);
  const capEff = cmp.locator('tr', { has: page.locator('th code', { hasText: /^CapEff$/ }) });
  assert.match(await capEff.textContent(), /− .*cap_sys_admin/);
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
