// Builds the chat page into dist/site/: index.html, one hashed script (plus the chunks the core
// loads on demand), one hashed stylesheet and the icon. Flat, static, no CDN: the mediator
// serves the folder at GET /chat. Run by `npm run build` at the root (after the core's tsc).
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const SITE = join(here, 'dist', 'site');

export async function buildSite(outdir = SITE) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [join(here, 'src', 'main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    // The core's WebCrypto backend; no Node built-in can be reached from here.
    conditions: ['browser'],
    target: 'es2022',
    minify: true,
    splitting: true,
    metafile: true,
    outdir,
    entryNames: 'app-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    legalComments: 'eof',
    logLevel: 'warning',
  });
  const outputs = Object.entries(result.metafile.outputs);
  const entry = outputs.find(([, o]) => o.entryPoint);
  if (!entry || !entry[1].cssBundle) throw new Error('esbuild produced no entry script or stylesheet');
  const html = readFileSync(join(here, 'src', 'index.html'), 'utf8').replace('{{js}}', basename(entry[0])).replace('{{css}}', basename(entry[1].cssBundle));
  writeFileSync(join(outdir, 'index.html'), html);
  copyFileSync(join(here, 'src', 'icon.svg'), join(outdir, 'icon.svg'));
  return { outdir, files: outputs.map(([p, o]) => ({ name: basename(p), bytes: o.bytes })) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { outdir, files } = await buildSite(process.argv[2]);
  const js = files.filter((f) => f.name.endsWith('.js')).reduce((n, f) => n + f.bytes, 0);
  console.log(`chat page: ${outdir} (${files.length + 2} files, ${(js / 1000).toFixed(1)} kB of script before gzip)`);
}
