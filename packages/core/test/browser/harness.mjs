// Real Chromium for the browser tests: bundles page.js with @didcomm-ts/core under the
// `browser` condition (esbuild, minified, as an app would), serves it from 127.0.0.1 (a
// secure context, so crypto.subtle exists), and drives Chromium (CHROME_PATH, /usr/bin/chromium,
// ...: found by scripts/chromium.mjs) with playwright-core, which never downloads a browser.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { chromiumPath, requireChromium } from '../../../../scripts/chromium.mjs';

/** The browser the tests drive (undefined when there is none: requireChromium() says how to get one). */
export const CHROMIUM = chromiumPath();
export { requireChromium };
const here = dirname(fileURLToPath(import.meta.url));
const coreDir = join(here, '..', '..');

/** Launch flags that work here as root (issue 7); the profile folder comes from the caller. */
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Bundles page.js for browsers into `outdir`. Returns the esbuild metafile's input paths
 * (relative to packages/core) so tests can check what went in. Any Node built-in reachable
 * from the entry fails the build: platform 'browser' cannot resolve `node:*`.
 */
export async function buildPage(outdir) {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(here, 'page.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['browser'],
    target: 'es2022',
    minify: true,
    metafile: true,
    // Split as an app would, so the @noble chunks web.ts imports on demand load over HTTP.
    splitting: true,
    outdir,
    entryNames: 'page.bundle',
    logLevel: 'silent',
  });
  writeFileSync(join(outdir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>didcomm-ts browser tests</title><link rel="icon" href="data:,"><script type="module" src="./page.bundle.js"></script>\n');
  return Object.keys(result.metafile.inputs).map((p) => relative(coreDir, join(process.cwd(), p)).split(sep).join('/'));
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

export function serve(dir) {
  const server = createServer(async (req, res) => {
    const name = new URL(req.url, 'http://x').pathname.replace(/^\/$/, '/index.html');
    if (!/^\/[\w.-]+$/.test(name)) return res.writeHead(404).end();
    try {
      const body = await readFile(join(dir, name));
      res.writeHead(200, { 'content-type': TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * Everything a browser test needs: { page, inputs, pageErrors, close }. `page` has loaded
 * the bundle and `globalThis.harness` is ready.
 */
export async function openHarness() {
  const executablePath = requireChromium(); // fails (never skips) without a browser: npm test installs one
  const { chromium } = await import('playwright-core');
  const work = mkdtempSync(join(tmpdir(), 'didcomm-browser-'));
  const site = join(work, 'site');
  const profile = join(work, 'profile');
  const inputs = await buildPage(site);
  const server = await serve(site);
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: ARGS });
  const close = async () => {
    await context.close().catch(() => {});
    await new Promise((r) => server.close(r));
    rmSync(work, { recursive: true, force: true });
  };
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => globalThis.harnessReady === true, null, { timeout: 15000 });
    return { page, inputs, pageErrors, close };
  } catch (e) {
    await close();
    throw e;
  }
}
