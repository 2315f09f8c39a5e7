// The guide cannot rot: every file in examples/ runs as a user would run it (`node file`, the
// package imported by name) and prints what its `// prints: ...` comments say; every code block
// in packages/core/README.md is one of those files, verbatim, and so is the root README's
// "API in five lines". `node scripts/readme-examples.mjs` copies the files into the READMEs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes } from '../dist/index.js';
import { codeBlocks, READMES } from '../../../scripts/readme-examples.mjs';

const core = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(core, '..', '..');
const examplesDir = join(core, 'examples');
const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.mjs')).sort();
const TIMEOUT_MS = 30_000;

/** The `// prints: X` comments of a file, in order: the lines its output must contain. */
const expectedOutput = (source) => [...source.matchAll(/\/\/ prints: (.*)$/gm)].map((m) => m[1].trimEnd());

function run(file) {
  return new Promise((resolve) => {
    execFile(process.execPath, [file], { cwd: examplesDir, timeout: TIMEOUT_MS, killSignal: 'SIGKILL' }, (error, stdout, stderr) => resolve({ error, stdout, stderr }));
  });
}

test('every example runs and prints what it says', { concurrency: 2 }, async (t) => {
  assert.ok(examples.length >= 10, `examples/ holds ${examples.length} files`);
  await Promise.all(examples.map((name) =>
    t.test(name, async () => {
      const source = readFileSync(join(examplesDir, name), 'utf8');
      const { error, stdout, stderr } = await run(name);
      assert.equal(error, null, `${name} failed (${error?.signal ?? error?.code}):\n${stderr}`);
      const lines = stdout.split('\n');
      let at = 0;
      for (const want of expectedOutput(source)) {
        const found = lines.indexOf(want, at);
        assert.ok(found >= 0, `${name} should print ${JSON.stringify(want)} (in order); it printed:\n${stdout}`);
        at = found + 1;
      }
    }),
  ));
});

const SYNC = 'run `node scripts/readme-examples.mjs` to copy the examples into the READMEs';

test('every code block of the core guide is an example file, verbatim', () => {
  const path = join(core, 'README.md');
  const blocks = codeBlocks(readFileSync(path, 'utf8'), path);
  assert.ok(blocks.length > 0);
  const unmarked = blocks.filter((b) => !b.example).map((b) => `line ${b.line}`);
  assert.deepEqual(unmarked, [], 'code blocks without an <!-- example: examples/x.mjs --> marker in packages/core/README.md');
  // Each example is shown somewhere in the guide: none is run but never read.
  const shown = new Set(blocks.map((b) => relative(examplesDir, b.example)));
  assert.deepEqual(examples.filter((e) => !shown.has(e)), [], 'examples missing from packages/core/README.md');
});

test('marked README blocks equal their example files', () => {
  let checked = 0;
  for (const rel of READMES) {
    const path = join(repo, rel);
    for (const b of codeBlocks(readFileSync(path, 'utf8'), path)) {
      if (!b.example) continue;
      assert.ok(b.example.startsWith(examplesDir + '/'), `${rel}:${b.line}: ${b.exampleRel} is not in packages/core/examples`);
      let file;
      try {
        file = readFileSync(b.example, 'utf8');
      } catch {
        assert.fail(`${rel}:${b.line}: ${b.exampleRel} does not exist`);
      }
      assert.equal(b.code, file, `${rel}:${b.line} differs from ${b.exampleRel}: ${SYNC}`);
      checked++;
    }
  }
  const root = codeBlocks(readFileSync(join(repo, 'README.md'), 'utf8'), join(repo, 'README.md'));
  assert.ok(root.some((b) => b.example?.endsWith('five-lines.mjs')), 'the root README shows examples/five-lines.mjs');
  assert.ok(checked > examples.length - 1);
});

test('the guide lists every error code', () => {
  const guide = readFileSync(join(core, 'README.md'), 'utf8');
  const missing = Object.values(ErrorCodes).filter((code) => !guide.includes(`\`${code}\``));
  assert.deepEqual(missing, [], 'error codes missing from the guide\'s table (packages/core/README.md)');
});
