// End to end: accessibility. axe-core (npm) on every main view with no violations; the page is
// usable by keyboard alone (tabs, tree, file button), with a visible focus.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, open, pasteText, FIXTURES, dropFile, axe, settledHash } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

for (const scheme of ['light', 'dark']) {
  test(`process views have no axe violations (${scheme})`, async () => {
    const { page } = await open(browser, server.url);
    await page.emulateMedia({ colorScheme: scheme });
    await axe(page, 'the empty page');
    await pasteText(page, 'CapEff:\t000001ffffffffff\nCapBnd:\t00000000a80425fb');
    await page.locator('article.mask').first().waitFor();
    await page.getByText('Build a mask from capabilities').click();
    await axe(page, 'decoded masks and the builder');
    await pasteText(page, await readFile(join(FIXTURES, 'proc/local/host_self.status'), 'utf8'));
    await page.locator('article.status-report').waitFor();
    await page.locator('.raw .disclosure-toggle').first().click();
    await axe(page, 'a status dump');
    await page.getByRole('button', { name: /System calls: what may a container call/ }).click();
    await page.locator('#syscalls tr.syscall').first().waitFor();
    await page.getByRole('button', { name: 'Compare with another profile or context' }).click();
    await page.locator('table.seccomp-diffs').waitFor();
    await axe(page, 'the system-call view and its comparison');
    await page.getByRole('button', { name: 'Compare with another dump' }).click();
    await pasteText(page, await readFile(join(FIXTURES, 'proc/local/podman_default.status'), 'utf8'));
    await page.locator('section.comparison').waitFor();
    await axe(page, 'the comparison');
    await page.getByRole('checkbox', { name: 'Differences only' }).uncheck();
    await page.getByRole('button', { name: /Both full reports/ }).click();
    await page.locator('.side-by-side article.status-report').nth(1).waitFor();
    await axe(page, 'the comparison with every field and both full reports');
    await pasteText(page, 'docker-default (enforce)');
    await page.locator('article.apparmor').waitFor();
    await axe(page, 'an AppArmor label');
  });

  test(`image views have no axe violations (${scheme})`, async () => {
    const { page } = await open(browser, server.url);
    await page.emulateMedia({ colorScheme: scheme });
    await page.getByRole('button', { name: 'Container image' }).click();
    await axe(page, 'the empty image tool');
    await dropFile(page, join(FIXTURES, 'images/c1_podman_docker-archive_multi.tar'));
    await page.locator('.image-card').waitFor();
    await axe(page, 'the overview');
    for (const tab of ['Layers', 'Files', 'Findings', 'Packages', 'Wasted space']) {
      await page.getByRole('tab', { name: tab }).click();
      if (tab === 'Layers') { await page.getByRole('button', { name: 'Layer 1' }).click(); await page.locator('.layer-tree').waitFor(); }
      if (tab === 'Files') {
        await page.locator('ul.tree [data-path="etc"]').waitFor();
        await page.getByRole('button', { name: 'Expand etc', exact: true }).click();
        await page.locator('ul.tree [data-path="etc/passwd"] button.name').click();
        await page.locator('#file-detail pre.preview').waitFor();
      }
      await axe(page, `the ${tab} view`);
    }
    await page.getByRole('button', { name: 'Compare these two images' }).click();
    await page.locator('.compare-summary').waitFor();
    await page.getByLabel(/^Touched, only the mtime differs/).check();
    await axe(page, 'the Compare view');
  });

  test(`the Build page has no axe violations (${scheme})`, async () => {
    const { page } = await open(browser, server.url);
    await page.emulateMedia({ colorScheme: scheme });
    await page.getByRole('button', { name: 'Container image' }).click();
    await dropFile(page, join(FIXTURES, 'images/c1_podman_docker-archive_multi.tar'));
    await page.locator('.image-card').waitFor();
    await page.getByRole('button', { name: 'Build an image' }).click();
    await axe(page, 'the empty Build page');
    await page.getByLabel(/Build on the image open in Tarsier/).check();
    for (const kind of ['Add a file', 'Make a directory', 'Make a symlink', 'Delete a path', 'Replace a directory']) {
      await page.getByRole('button', { name: kind }).click();
    }
    await page.locator('fieldset.change').first().getByLabel('Path').fill('../escape');
    await page.locator('#build-problem').waitFor();
    await axe(page, 'the Build page with every kind of change and a problem');
  });
}

test('keyboard alone: tool switch, file button, tabs with arrow keys, tree, visible focus', async () => {
  const { page } = await open(browser, server.url);
  // Once the app is on the page: tab to the "Container image" tool button and press Enter.
  await page.getByRole('button', { name: 'Container image' }).waitFor();
  let reached = false;
  for (let i = 0; i < 20 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.textContent === 'Container image');
  }
  assert.ok(reached, 'the image tool is reachable by Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none', 'focus is visible');
  await page.keyboard.press('Enter');
  // The file input is the next stop after the tool buttons (the last one is "Build an image"):
  // keyboard users open the file chooser from it.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Build an image');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'image-file');
  await page.locator('#image-file').setInputFiles(join(FIXTURES, 'images/a1_podman_docker-archive.tar'));
  await page.locator('.image-card').waitFor();
  // Twice from Overview: selected, then only focused while Files is selected. The arrows move
  // from the tab with the focus (WAI-ARIA's tabs pattern), so right is Layers both times.
  for (const round of ['Overview selected', 'Files selected']) {
    await page.getByRole('tab', { name: 'Overview' }).focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Layers', round);
    await page.getByRole('tab', { name: 'Layers', selected: true }).waitFor();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('tab', { name: 'Files', selected: true }).waitFor();
    // The fragment and the title follow (an effect of that render: waited for, not raced).
    assert.equal(await settledHash(page, /^#image\/files$/), '#image/files');
    assert.match(await page.title(), /Files — Tarsier$/);
  }
  const expand = page.getByRole('button', { name: 'Expand app', exact: true });
  await expand.focus();
  await page.keyboard.press('Enter');
  // The same button now collapses, and says so.
  assert.equal(await page.getByRole('button', { name: 'Collapse app', exact: true }).getAttribute('aria-expanded'), 'true');
  await page.locator('ul.tree [data-path="app/entrypoint.sh"] button.name').focus();
  await page.keyboard.press('Enter');
  await page.locator('#file-detail pre.preview').waitFor();
});
