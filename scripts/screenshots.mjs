// screenshots.mjs — not a test: every view of the built site (dist/) as a user sees it, in three
// looks — desktop (1280 px), phone (390 px) and dark (1280 px, prefers-color-scheme: dark) —
// saved as PNGs with an index.html that puts the three side by side, so a reviewer can compare
// them with the last run's (keep the folder of each run). Real inputs only: the shared fixtures'
// status dumps pasted, the Alpine image (trivy's alpine-311) dropped, two podman archives
// compared, the Build page.
//
// usage: node scripts/screenshots.mjs [OUT_DIR]   (default target/screenshots/<UTC date and time>)
//   env: TARSIER_DIST (the site to serve, default dist/), CHROMIUM (default /usr/bin/chromium)
import { mkdir, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, open, pasteText, dropFile, FIXTURES, ROOT } from '../tests/e2e/harness.mjs';

const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const out = process.argv[2] ?? join(ROOT, 'target/screenshots', stamp);
const LOOKS = {
  desktop: { viewport: { width: 1280, height: 900 }, colorScheme: 'light' },
  phone: { viewport: { width: 390, height: 844 }, colorScheme: 'light' },
  dark: { viewport: { width: 1280, height: 900 }, colorScheme: 'dark' },
};
const PROC = join(FIXTURES, 'proc/local');
const ALPINE = join(FIXTURES, 'public/aquasecurity__trivy/pkg/fanal/test/testdata/alpine-311.tar.gz');
const A1 = join(FIXTURES, 'images/a1_podman_docker-archive.tar');
const B1 = join(FIXTURES, 'images/b1_podman_oci-archive.tar');

/** The views: a name, and how to bring the page there from a fresh load. */
const VIEWS = [
  ['process-status-report', async (page) => {
    await pasteText(page, await readFile(join(PROC, 'podman_default.status'), 'utf8'));
    await page.locator('article.status-report').waitFor();
  }],
  ['process-two-dumps', async (page) => {
    await pasteText(page, await readFile(join(PROC, 'host_self.status'), 'utf8'));
    await page.locator('article.status-report').waitFor();
    await page.getByRole('button', { name: 'Compare with another dump' }).click();
    await page.locator('.pinned').waitFor();
    await pasteText(page, await readFile(join(PROC, 'podman_default.status'), 'utf8'));
    await page.locator('section.comparison').waitFor();
  }],
  ['process-capability-mask', async (page) => {
    await pasteText(page, 'CapEff: 00000000a80425fb');
    await page.getByText(/cap_net_raw/).first().waitFor();
  }],
  ...['Overview', 'Layers', 'Files', 'Findings', 'Packages', 'Wasted space'].map((tab) => [`image-${tab.toLowerCase().replace(' ', '-')}`, async (page) => {
    await page.getByRole('button', { name: 'Container image' }).click();
    await dropFile(page, ALPINE);
    await page.locator('.archive dd', { hasText: 'alpine-311.tar.gz' }).waitFor({ timeout: 60000 });
    await page.getByRole('tab', { name: tab }).click();
  }]),
  ['image-compare', async (page) => {
    await page.getByRole('button', { name: 'Container image' }).click();
    await page.getByLabel(/^(Choose an image archive|Open another image archive)…$/).setInputFiles(A1);
    await page.locator('.archive dd', { hasText: 'a1_podman_docker-archive.tar' }).waitFor();
    await page.getByLabel('Compare with another archive…').setInputFiles(B1);
    await page.locator('.compare-summary').waitFor({ timeout: 60000 });
  }],
  ['build', async (page) => {
    await page.getByRole('button', { name: 'Build an image' }).click();
    await page.locator('#build-title').waitFor();
  }],
];

await mkdir(out, { recursive: true });
const server = await serve();
const browser = await launch();
const shots = [];
try {
  for (const [name, goTo] of VIEWS) {
    for (const [look, options] of Object.entries(LOOKS)) {
      const { page, context } = await open(browser, server.url);
      await page.setViewportSize(options.viewport);
      await page.emulateMedia({ colorScheme: options.colorScheme });
      let note = '';
      try {
        await goTo(page);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
        if (wide) note = 'the page scrolls sideways';
      } catch (e) {
        note = `could not reach the view: ${String(e.message ?? e).split('\n')[0]}`;
      }
      const file = `${name}.${look}.png`;
      await page.screenshot({ path: join(out, file), fullPage: true });
      shots.push({ name, look, file, note });
      console.log(`${file}${note ? `  (${note})` : ''}`);
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
const rows = VIEWS.map(([name]) => `<tr><th>${name}</th>${Object.keys(LOOKS).map((look) => {
  const s = shots.find((x) => x.name === name && x.look === look);
  return `<td><a href="${s.file}"><img src="${s.file}" alt="${name}, ${look}" width="${look === 'phone' ? 195 : 400}"></a>${s.note ? `<p>${s.note}</p>` : ''}</td>`;
}).join('')}</tr>`).join('\n');
await writeFile(join(out, 'index.html'), `<!doctype html><meta charset="utf-8"><title>Tarsier screenshots ${stamp}</title>
<style>body{font:14px system-ui} td{vertical-align:top} img{border:1px solid #999}</style>
<h1>Tarsier, every view: desktop, phone, dark (${stamp})</h1>
<table><tr><th></th>${Object.keys(LOOKS).map((l) => `<th>${l}</th>`).join('')}</tr>
${rows}</table>\n`);
console.log(`${shots.length} screenshots in ${out} (index.html puts them side by side)`);
