// Bundling for browsers with esbuild: `conditions: ['browser']` selects the WebCrypto backend.
// The bundle is what a page loads with <script type="module" src="app.js">. Here it is also run
// in Node (whose globalThis.crypto is WebCrypto) to show that it works.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const outdir = mkdtempSync(join(tmpdir(), 'didcomm-browser-'));
try {
  const result = await esbuild.build({
    entryPoints: [new URL('./browser-app.mjs', import.meta.url).pathname],
    bundle: true,
    format: 'esm',
    platform: 'browser', // a `node:` import anywhere would fail the build
    conditions: ['browser'],
    target: 'es2022',
    minify: true,
    splitting: true, // @noble code (XChaCha20, older engines' X25519) loads only when needed
    outdir,
    entryNames: 'app',
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  console.log(inputs.some((p) => p.endsWith('dist/crypto/web.js')), inputs.some((p) => p.endsWith('dist/crypto/node.js'))); // prints: true false
  await import(pathToFileURL(join(outdir, 'app.js'))); // prints: from a browser
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
