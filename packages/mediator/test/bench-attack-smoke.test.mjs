// The bench's attack phase (bench/attack.mjs) in its short mode: a mediator process, honest
// forwards to a live recipient, two attacks of a second each from 127.0.0.2. It checks that the
// harness runs and reports every figure, not the mediator's verdicts (the bench shows those).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

test('bench/attack.mjs --quick runs two attacks beside honest load and reports each figure', { timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, ['bench/attack.mjs', '--quick'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, `exit ${code}\n${out}\n${err}`);
  const line = out.split('\n').find((l) => l.startsWith('{"bench":"mediator-attacks"'));
  assert.ok(line, `no JSON line in:\n${out}`);
  const r = JSON.parse(line);
  assert.deepEqual(r.rows.map((x) => x.attack), ['baseline', 'hijack', 'spoofed-from']);
  for (const row of r.rows) {
    for (const k of ['rssGrowthMiB', 'healthzP99Ms', 'honestFraction', 'lost']) assert.ok(Number.isFinite(row[k]), `${row.attack}.${k} = ${row[k]}`);
    assert.match(row.verdict, /^(pass|FAIL \(.+\))$/);
    assert.ok(row.honestPerSecond > 0, `${row.attack}: no honest forward accepted`);
  }
  assert.equal(r.rows[0].honestFraction, 1);
  // The attacks ran (their own checks were evaluated, not skipped for a failed setup).
  for (const row of r.rows.slice(1)) {
    assert.ok(row.result.summary && !row.result.failed, `${row.attack}: ${row.result.summary}`);
    assert.equal(typeof row.check?.ok, 'boolean');
  }
  // The table's header and one line per phase.
  assert.match(out, /attack\s+\| RSS growth MiB \| \/healthz p99 ms \| honest fwd\/s fraction \|\s+lost \| verdict/);
});
