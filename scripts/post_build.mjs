// Trunk post-build hook (Trunk.toml [[hooks]]): runs in the staging directory's parent with
// TRUNK_STAGING_DIR set, after Trunk wrote the site and before it is moved to dist/.
//
// 1. Moves Trunk's inline start-up <script type="module"> into init.js, so the page runs under a
//    Content-Security-Policy without 'unsafe-inline' (index.html declares it).
// 2. Fills the service worker's BUILD id (a hash of every built file) and its FILES list.
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('post_build.mjs: TRUNK_STAGING_DIR is not set (run it from Trunk)');
  process.exit(2);
}

const indexPath = join(dir, 'index.html');
let html = await readFile(indexPath, 'utf8');
const inline = /<script type="module">([\s\S]*?)<\/script>/g;
const scripts = [...html.matchAll(inline)].map((m) => m[1].trim());
if (scripts.length === 0 && !html.includes('src="./init.js"')) {
  console.error('post_build.mjs: no inline start-up script found in index.html');
  process.exit(1);
}
if (scripts.length > 0) {
  await writeFile(join(dir, 'init.js'), scripts.join('\n') + '\n');
  let first = true;
  html = html.replace(inline, () => {
    const tag = first ? '<script type="module" src="./init.js"></script>' : '';
    first = false;
    return tag;
  });
  await writeFile(indexPath, html);
}
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(html)) {
  console.error('post_build.mjs: index.html still has an inline script; the CSP would block it');
  process.exit(1);
}

const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && e.name !== 'sw.js').map((e) => e.name).sort();
const hash = createHash('sha256');
for (const name of names) {
  hash.update(name);
  hash.update(await readFile(join(dir, name)));
}
const build = hash.digest('hex').slice(0, 16);
const swPath = join(dir, 'sw.js');
const sw = await readFile(swPath, 'utf8');
const files = JSON.stringify(['./', ...names.map((n) => `./${n}`)]);
await writeFile(swPath, sw.replace("'__TARSIER_BUILD__'", `'${build}'`).replace('__TARSIER_FILES__', files));
console.log(`post_build.mjs: init.js written, service worker build ${build} caches ${names.length + 1} URLs`);
