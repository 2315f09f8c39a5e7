// README code blocks are copies of runnable files: a block preceded by
// `<!-- example: path/to/file.mjs -->` (path relative to the README) must equal that file,
// which packages/core/test/examples.test.mjs runs. `node scripts/readme-examples.mjs` rewrites
// the blocks from the files after an example changed; the test fails until it has been run.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The READMEs whose blocks are checked, relative to the repository root. */
export const READMES = ['README.md', 'packages/core/README.md'];

const MARKER = /^<!-- example: (\S+) -->$/;
const FENCE = /^(`{3,})(\w*)\s*$/;

/**
 * The code blocks of a README: `{ line, lang, code, example }`, with `example` the marked file
 * (resolved against the README's folder) or undefined, and `start`/`end` the lines of the fences.
 */
export function codeBlocks(text, readmePath) {
  const lines = text.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    let j = i + 1;
    while (j < lines.length && lines[j].trimEnd() !== open[1]) j++;
    const marker = i > 0 ? MARKER.exec(lines[i - 1]) : null;
    blocks.push({
      start: i,
      end: j,
      line: i + 1,
      lang: open[2],
      code: lines.slice(i + 1, j).join('\n') + '\n',
      example: marker ? join(dirname(readmePath), marker[1]) : undefined,
      exampleRel: marker?.[1],
    });
    i = j;
  }
  return blocks;
}

/** The README with every marked block replaced by its file's content. */
export function synced(text, readmePath) {
  const lines = text.split('\n');
  for (const b of codeBlocks(text, readmePath).reverse()) {
    if (!b.example) continue;
    const code = readFileSync(b.example, 'utf8').replace(/\n$/, '');
    lines.splice(b.start + 1, b.end - b.start - 1, ...code.split('\n'));
  }
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const rel of READMES) {
    const path = join(root, rel);
    const before = readFileSync(path, 'utf8');
    const after = synced(before, path);
    if (after !== before) {
      writeFileSync(path, after);
      console.log(`updated ${rel}`);
    }
  }
}
