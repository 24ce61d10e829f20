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
