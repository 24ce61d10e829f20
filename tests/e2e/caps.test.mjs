// End to end: the built site in headless Chromium; capability masks pasted as a user would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, open, foreign, pasteText, pasteBox, FIXTURES, settledHash } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const oracle = async () => (await readFile(join(FIXTURES, 'oracle/capsh_decode.tsv'), 'utf8'))
  .trim().split('\n').map((l) => l.split('\t'));

test('pasting a CapEff line shows capsh names, Docker comparison and meanings', async () => {
  const { page, requests, errors } = await open(browser, server.url);
  await pasteText(page, 'CapEff:\t00000000a80425fb');
  const mask = page.locator('article.mask').first();
  await mask.waitFor();
  const rows = await oracle();
  const docker = rows.find(([hex]) => hex === '00000000a80425fb')[1];
  assert.equal(await mask.locator('.capsh code').textContent(), docker);
  assert.match(await mask.textContent(), /14 capabilities: exactly Docker's default set\./);
  assert.match(await mask.textContent(), /Bind a socket to a privileged port/);
  assert.equal(await mask.locator('tbody tr').count(), 14);
  // The fragment now reproduces the view.
  assert.equal(await settledHash(page, /^#caps=/), '#caps=CapEff:00000000a80425fb');
  assert.deepEqual(foreign(requests, server.origin), []);
  assert.deepEqual(errors, []);
});

test('every spelling and several masks at once; unknown bits by number', async () => {
  const { page, requests } = await open(browser, server.url);
  await pasteText(page, '$ grep Cap /proc/self/status\nCapInh:\t0000000000000000\nCapBnd:\t000001ffffffffff\n0xa80425fb a80425fb\nffffffffffffffff\n');
  await page.locator('article.mask').nth(4).waitFor();
  const texts = await page.locator('article.mask .capsh code').allTextContents();
  const rows = Object.fromEntries((await oracle()).map(([h, l]) => [h, l]));
  // The empty set: capsh prints nothing after "="; the page says "none" there.
  assert.equal(rows['0000000000000000'], '0x0000000000000000=');
  assert.equal(await page.locator('article.mask .capsh').first().textContent(), '0x0000000000000000 = none');
  assert.deepEqual(texts, [
    rows['0000000000000000'].replace(/=$/, ''), rows['000001ffffffffff'], rows['00000000a80425fb'], rows['00000000a80425fb'], rows['ffffffffffffffff'],
  ]);
  const all = page.locator('article.mask').nth(4);
  assert.match(await all.textContent(), /Bits no kernel names \(as capsh prints them\): 41,42,43/);
  assert.match(await page.locator('article.mask').nth(1).textContent(), /Beyond Docker's default: .*cap_sys_admin/);
  assert.deepEqual(foreign(requests, server.origin), []);
});

test('a garbage paste names the line and keeps the last good decode on screen', async () => {
  const { page } = await open(browser, server.url);
  await pasteText(page, '0x3000');
  await page.locator('article.mask').waitFor();
  await pasteText(page, '0x3000\nthis is not a mask');
  await page.locator('#paste-error').waitFor();
  assert.match(await page.locator('#paste-error').textContent(), /^Line 2: /);
  assert.equal(await page.locator('article.mask .capsh code').textContent(), '0x0000000000003000=cap_net_admin,cap_net_raw');
});

test('the URL fragment opens a shared decode, and follows hash changes', async () => {
  const { page, requests } = await open(browser, server.url + '#caps=CapEff:00000000a80425fb,CapBnd:0000003fffffffff');
  await page.locator('article.mask').nth(1).waitFor();
  const heads = await page.locator('article.mask h3').allTextContents();
  assert.deepEqual(heads, ['CapEff 00000000a80425fb', 'CapBnd 0000003fffffffff']);
  assert.match(await pasteBox(page).inputValue(), /CapEff:\t00000000a80425fb/);
  await page.evaluate(() => { location.hash = '#caps=2000'; });
  await page.locator('article.mask h3', { hasText: '0000000000002000' }).waitFor();
  assert.equal(await page.locator('article.mask').count(), 1);
  assert.deepEqual(foreign(requests, server.origin), []);
});

test('ticking capabilities builds the /proc mask', async () => {
  const { page } = await open(browser, server.url);
  await page.getByText('Build a mask from capabilities').click();
  await page.getByRole('button', { name: 'Docker default' }).click();
  assert.equal(await page.locator('#built-mask').textContent(), '00000000a80425fb');
  await page.getByLabel('cap_sys_admin').check();
  await page.getByLabel('cap_chown').uncheck();
  assert.equal(await page.locator('#built-mask').textContent(), '00000000a82425fa');
  await page.getByRole('button', { name: 'Decode this mask' }).click();
  await page.locator('article.mask').waitFor();
  assert.match(await page.locator('article.mask .capsh code').textContent(), /^0x00000000a82425fa=cap_dac_override,/);
});

test('the built site works from any directory of a static host', async () => {
  const sub = await serve(undefined, '/some/deep/path/');
  try {
    const { page, requests, errors } = await open(browser, sub.url);
    await pasteText(page, '0x3000');
    await page.locator('article.mask').waitFor();
    assert.equal(await page.locator('article.mask .capsh code').textContent(), '0x0000000000003000=cap_net_admin,cap_net_raw');
    assert.deepEqual(requests.filter((u) => !u.startsWith(sub.url)), [], 'every file is fetched below the base path');
    assert.deepEqual(errors, []);
  } finally {
    await sub.close();
  }
});
