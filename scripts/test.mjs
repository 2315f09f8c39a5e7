// Runs every *.test.mjs under packages/*/test and bench/ with node's test runner.
// An optional argument filters files by substring: `npm test -- jwe`.
// Before the run it finds a browser for the browser tests (installing Debian's chromium when it
// can: scripts/chromium.mjs); after it, the run fails if it left anything in the git working tree
// (scripts/tree-check.mjs; TEST_TREE_CHECK=0 turns that off, except under CI=true, for a tree
// that others edit during the run).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureChromium, INSTALL_HINT } from './chromium.mjs';
import { treeChanges, treeSnapshot } from './tree-check.mjs';

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.mjs')) out.push(p);
  }
  return out;
}

const filter = process.argv[2];
const files = [];
for (const pkg of readdirSync('packages')) {
  try {
    walk(join('packages', pkg, 'test'), files);
  } catch {}
}
const selected = files.filter((f) => !filter || f.includes(filter)).sort();
if (selected.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

// Browser tests drive Chromium through playwright-core, directly or through core's browser harness.
const usesBrowser = (f) => /playwright-core|\/harness\.mjs'|\/chromium\.mjs'/.test(readFileSync(f, 'utf8'));
const env = { ...process.env };
if (selected.some(usesBrowser)) {
  const browser = ensureChromium({ env });
  if (browser) env.CHROME_PATH = browser;
  else console.error(`npm test: the browser tests will fail: ${INSTALL_HINT}`);
}

const checkTree = process.env.CI === 'true' || process.env.TEST_TREE_CHECK !== '0';
const before = checkTree ? treeSnapshot() : null;
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...selected], { stdio: 'inherit', env });
const left = treeChanges(before, before && treeSnapshot());
if (left.length > 0) {
  console.error(`npm test: the run left ${left.length} change(s) in the working tree (git status --porcelain); a test must write under os.tmpdir() and remove what it wrote:`);
  for (const line of left) console.error(`  ${line}`);
  process.exit(r.status || 1);
}
process.exit(r.status ?? 1);
