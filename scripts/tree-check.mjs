// A test run must leave the git working tree as it found it: what a test writes belongs in a
// temporary folder (a "[object Object]" profile folder written by a test was once committed).
// scripts/test.mjs takes a snapshot before the run and compares after it. The snapshot is the
// output of `git status --porcelain` (every untracked file listed) with a hash of each listed
// file, so a file already changed before the run and changed again by it is caught too.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const git = (args, cwd) => spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });

function contentHash(file) {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch (e) {
    return e.code ?? 'unreadable'; // gone (ENOENT), a folder (EISDIR: a nested repository), ...
  }
}

/** Map of changed path -> "XY hash" in the work tree holding `cwd`; null outside a git work tree. */
export function treeSnapshot(cwd = process.cwd()) {
  const top = git(['rev-parse', '--show-toplevel'], cwd);
  if (top.status !== 0) return null;
  const root = top.stdout.trim();
  const st = git(['status', '--porcelain=v1', '-z', '--untracked-files=all'], root);
  if (st.status !== 0) return null;
  const entries = new Map();
  const fields = st.stdout.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    if (f.length < 4) continue;
    const xy = f.slice(0, 2);
    const path = f.slice(3);
    if (xy[0] === 'R' || xy[0] === 'C') i++; // the next field is the rename's source
    entries.set(path, `${xy} ${contentHash(join(root, path))}`);
  }
  return entries;
}

/** What changed between two snapshots, one "XY path" line each (empty when nothing did). */
export function treeChanges(before, after) {
  if (!before || !after) return [];
  const out = [];
  for (const [path, state] of after) if (before.get(path) !== state) out.push(`${state.slice(0, 2)} ${path}`);
  for (const path of before.keys()) if (!after.has(path)) out.push(`restored or removed: ${path}`);
  return out.sort();
}
