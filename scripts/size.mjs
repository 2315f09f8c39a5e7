// `npm run size`: what @didcomm-ts/core costs a web page. Bundles the package's browser entry
// (the `browser` condition: WebCrypto backend) with esbuild, minified, for two cases and prints
// the gzip size beside the reference's browser package measured in the same run: `didcomm`
// on npm, the wasm-bindgen bundler build of didcomm-rust (its .wasm plus its JS glue).
// Target (issues 7 and 14): at most 40 kB gzip for "pack and unpack with did:peer and did:key"
// as one file, with every envelope and curve inside it: the file is what a bundler without code
// splitting makes, and it must hold the rarer algorithms web.ts imports on demand (esbuild
// inlines dynamic imports then). --check fails when it is over or when one of them is missing.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const TARGET = 40_000; // bytes of gzip for the first case (kB = 1000 bytes)
const root = join(dirname(new URL(import.meta.url).pathname), '..');
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kb = (n) => `${(n / 1000).toFixed(1)} kB`;

const CASES = [
  {
    name: 'pack and unpack with did:peer and did:key',
    // createResolver's method table is fixed (peer, key, jwk, web), so this case builds a
    // two-method resolver from the exported functions. It saves nothing today: pack/unpack
    // fall back to a shared createResolver() (src/pack/context.ts), which keeps did:web,
    // did:jwk and the cache in any bundle that packs or unpacks.
    source: `import { packEncrypted, packSigned, unpack, InMemorySecrets, resolvePeerDid, resolveDidKey } from '@didcomm-ts/core';
const resolver = { resolve: (did) => (did.startsWith('did:peer:') ? resolvePeerDid(did) : resolveDidKey(did)) };
export { packEncrypted, packSigned, unpack, InMemorySecrets, resolver };`,
    target: TARGET,
  },
  {
    name: '  same, with createResolver() (adds did:web, did:jwk, cache)',
    source: `export { packEncrypted, packSigned, unpack, InMemorySecrets, createResolver } from '@didcomm-ts/core';`,
  },
  { name: 'everything (export * from the package)', source: `export * from '@didcomm-ts/core';` },
];

const BUILD = { bundle: true, format: 'esm', platform: 'browser', conditions: ['browser'], target: 'es2022', minify: true, write: false, metafile: true, logLevel: 'silent' };

/** One file, as a bundler without code splitting makes it: everything the entry can reach. */
async function bundle(source) {
  const r = await esbuild.build({ ...BUILD, stdin: { contents: source, resolveDir: root, sourcefile: 'size-entry.js', loader: 'js' } });
  const out = r.outputFiles[0].contents;
  const inputs = Object.entries(r.metafile.outputs[Object.keys(r.metafile.outputs)[0]].inputs);
  return { min: out.length, gzip: gz(out), inputs, graph: r.metafile.inputs };
}

/**
 * With code splitting: the page's first load (the entry and the chunks it imports statically)
 * and the chunks fetched only on demand (web.ts loads @noble lazily).
 */
async function split(source) {
  const r = await esbuild.build({ ...BUILD, splitting: true, outdir: join(root, '.size-out'), entryNames: 'entry', stdin: { contents: source, resolveDir: root, sourcefile: 'size-entry.js', loader: 'js' } });
  const files = new Map(r.outputFiles.map((f) => [relative(root, f.path).split(sep).join('/'), f.contents]));
  const first = new Set();
  const walk = (name) => {
    if (first.has(name)) return;
    first.add(name);
    for (const i of r.metafile.outputs[name].imports) if (i.kind === 'import-statement') walk(i.path);
  };
  walk(Object.keys(r.metafile.outputs).find((n) => r.metafile.outputs[n].entryPoint));
  let firstGzip = 0;
  let lazyGzip = 0;
  for (const [name, bytes] of files) {
    if (!name.endsWith('.js')) continue;
    if (first.has(name)) firstGzip += gz(bytes);
    else lazyGzip += gz(bytes);
  }
  return { firstGzip, lazyGzip };
}

/** Minified bytes per package (or per file of our own dist), largest first. */
function heaviest(inputs, n) {
  const by = new Map();
  for (const [path, { bytesInOutput }] of inputs) {
    const m = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/);
    const key = m ? `${m[1]}/${m[2]}` : path.replace(/^.*packages\/core\//, '');
    by.set(key, (by.get(key) ?? 0) + bytesInOutput);
  }
  return [...by].sort((a, b) => b[1] - a[1]).slice(0, n);
}

function reference() {
  const require = createRequire(join(root, 'package.json'));
  let dir;
  let label = 'didcomm 0.4.1 (npm `didcomm`, didcomm-rust WASM bundler build)';
  try {
    dir = dirname(require.resolve('didcomm/package.json'));
  } catch {
    dir = dirname(require.resolve('didcomm-node/package.json'));
    label = 'didcomm-node (npm `didcomm` not installed; Node build of didcomm-rust)';
  }
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const files = (pkg.files ?? []).filter((f) => /\.(wasm|js)$/.test(f));
  const sizes = files.map((f) => {
    const b = readFileSync(join(dir, f));
    return { f, raw: b.length, gzip: gz(b) };
  });
  return { label: `${label.replace('0.4.1', pkg.version)}`, sizes, gzip: sizes.reduce((n, s) => n + s.gzip, 0), raw: sizes.reduce((n, s) => n + s.raw, 0) };
}

const ref = reference();
const rows = [];
let over = false;
for (const c of CASES) {
  const r = await bundle(c.source);
  const sp = await split(c.source);
  rows.push([c.name, r.min, r.gzip, c.target, sp]);
  if (c.target !== undefined && r.gzip > c.target) over = true;
  c.result = r;
}
// The rarer algorithms (secp256k1, Ed25519/X25519 for engines without them, XC20P, A192KW)
// must be in the measured file itself, or the figure would leave out what a page needs.
const RARE = ['@noble/secp256k1/', '@noble/ed25519/', '@noble/ciphers/chacha.js', '@noble/ciphers/aes.js', 'dist/crypto/x25519.js'];
const missing = RARE.filter((part) => !CASES[0].result.inputs.some(([path]) => path.includes(part)));
if (missing.length) over = true;

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
console.log(`${pad('bundle (esbuild, minified, browser condition)', 62)}${lpad('min', 10)}${lpad('gzip', 10)}   split: first load + on demand (gzip)`);
for (const [name, min, gzip, target, sp] of rows) {
  const note = target === undefined ? '' : gzip <= target ? `  target <= ${kb(target)}: met` : `  target <= ${kb(target)}: OVER`;
  console.log(`${pad(name, 62)}${lpad(kb(min), 10)}${lpad(kb(gzip), 10)}   ${lpad(kb(sp.firstGzip), 8)} + ${lpad(kb(sp.lazyGzip), 8)}${note}`);
}
console.log(`${pad(`reference: ${ref.label}`, 62)}${lpad(kb(ref.raw), 10)}${lpad(kb(ref.gzip), 10)}`);
for (const s of ref.sizes) console.log(`${pad(`    ${s.f}`, 62)}${lpad(kb(s.raw), 10)}${lpad(kb(s.gzip), 10)}`);
console.log(`\nfirst case as one file holds ${missing.length ? `NOT ${missing.join(', ')}` : 'every curve and content cipher (@noble/secp256k1, @noble/ed25519, XChaCha20, AES-KW, the X25519 ladder)'}`);
console.log(`ratio: first case ${(ref.gzip / rows[0][2]).toFixed(1)}x smaller than the reference, everything ${(ref.gzip / rows[2][2]).toFixed(1)}x smaller (gzip).`);

console.log(`\nheaviest inputs of "${CASES[0].name}" (minified bytes in the output, before gzip):`);
for (const [name, bytes] of heaviest(CASES[0].result.inputs, 12)) console.log(`  ${lpad(kb(bytes), 9)}  ${name}`);
// Which of our modules pull third-party code in, statically (first load) or on demand.
const pkgOf = (p) => p.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1];
const perPkg = new Map();
for (const [path, { bytesInOutput }] of CASES[0].result.inputs) if (pkgOf(path)) perPkg.set(pkgOf(path), (perPkg.get(pkgOf(path)) ?? 0) + bytesInOutput);
console.log('\nthird-party code in the first case (minified bytes) and our modules that import it:');
for (const [pkg, bytes] of [...perPkg].sort((a, b) => b[1] - a[1])) {
  const by = new Set();
  for (const [path, info] of Object.entries(CASES[0].result.graph)) {
    if (pkgOf(path)) continue;
    for (const i of info.imports) if (pkgOf(i.path) === pkg) by.add(`${path.replace(/^.*packages\/core\//, '')}${i.kind === 'dynamic-import' ? ' (on demand)' : ''}`);
    // web.ts reaches @noble through its one-line re-export modules, imported on demand.
    for (const i of info.imports) if (i.kind === 'dynamic-import' && (CASES[0].result.graph[i.path]?.imports ?? []).some((j) => pkgOf(j.path) === pkg)) by.add(`${path.replace(/^.*packages\/core\//, '')} (on demand)`);
  }
  console.log(`  ${lpad(kb(bytes), 9)}  ${pad(pkg, 16)} ${[...by].join(', ') || '(through another package)'}`);
}
if (over) {
  console.log(`\n!! the first case is over its ${kb(TARGET)} target or leaves an algorithm out`);
  if (process.argv.includes('--check')) process.exit(1);
}
