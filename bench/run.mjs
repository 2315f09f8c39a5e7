// `npm run bench [-- filter] [--json [file]] [--time=ms] [--mediator-time=ms] [--attack-time=ms]`: pack and unpack
// ops/s of @didcomm-ts/core against didcomm-node 0.4.1, measured side by side in one process
// (target: at least 3x didcomm-node on every scenario), then the mediator (bench/mediator.mjs:
// forwards/s against floors, live-mode latency), then the mediator under attack (bench/attack.mjs).
// The filter `mediator` runs only the mediator part, `attack` only the attack phase; any other
// filter only the core scenarios it matches. See bench/README.md.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { buildScenarios } from './scenarios.mjs';
import { measurePair, memory } from './measure.mjs';
import { runMediatorBench } from './mediator.mjs';
import { runAttackBench } from './attack.mjs';
import { runV1Bench } from './mediator-v1.mjs';

const TARGET = 3;
const args = process.argv.slice(2);
let filter;
let jsonFile;
let ms = 1000;
let mediatorMs;
let attackMs;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--json') jsonFile = args[i + 1] && !args[i + 1].startsWith('--') ? args[++i] : 'bench/results.json';
  else if (a.startsWith('--json=')) jsonFile = a.slice(7);
  else if (a.startsWith('--time=')) ms = Number(a.slice(7));
  else if (a.startsWith('--mediator-time=')) mediatorMs = Number(a.slice(16));
  else if (a.startsWith('--attack-time=')) attackMs = Number(a.slice(14));
  else if (a === '--help' || a === '-h') {
    console.log('usage: node bench/run.mjs [filter | mediator | attack] [--json [file]] [--time=ms per measurement (default 1000)] [--mediator-time=ms per server (default 10000)] [--attack-time=ms per attack (default 6000)]');
    process.exit(0);
  } else filter = a.toLowerCase();
}
const warmupMs = Math.min(200, ms / 5);

const attackOnly = filter === 'attack';
// Either of the mediator's parts alone: no core scenarios.
const mediatorOnly = filter === 'mediator' || filter === 'v1' || attackOnly;
const all = await buildScenarios();
const scenarios = mediatorOnly ? [] : all.filter((s) => !filter || s.name.toLowerCase().includes(filter));
if (scenarios.length === 0 && !mediatorOnly) {
  console.error(`no scenario matches "${filter}"; scenarios:\n  ${all.map((s) => s.name).join('\n  ')}`);
  process.exit(1);
}

const fmt = (n) => (n === undefined ? 'n/a' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const mib = (a, b) => `${a.toFixed(1)} -> ${b.toFixed(1)}`;
const cols = [
  ['scenario', 52], ['op', 6], ['ours ops/s', 11], ['didcomm-node ops/s', 18], ['ratio', 7], ['heap MiB before -> after', 24], ['rss MiB before -> after', 24],
];
const line = (cells) => cells.map((c, i) => (i >= 2 && i <= 4 ? String(c).padStart(cols[i][1]) : String(c).padEnd(cols[i][1]))).join(' | ');

if (!mediatorOnly) console.log(`didcomm-ts core vs didcomm-node 0.4.1 | node ${process.version} | ${cpus()[0]?.model ?? 'cpu?'} | ${ms} ms per measurement (5 slices alternating with didcomm-node) after ${warmupMs} ms warm-up`);
if (!mediatorOnly) {
  console.log(line(cols.map(([h]) => h)));
  console.log(cols.map(([, w]) => '-'.repeat(w)).join('-|-'));
}

const results = [];
const startMem = memory();
const t0 = performance.now();
for (const s of scenarios) {
  const message = s.message();
  // One wire, packed by us, is what both sides unpack; check both read it before timing.
  const wire = await s.ours.pack(message);
  const check = async (side) => {
    const r = await side.unpack(wire);
    if (r.message.id !== message.id) throw new Error(`${s.name}: unpacked the wrong message`);
  };
  await check(s.ours);
  if (s.theirs) await check(s.theirs);

  for (const op of ['pack', 'unpack']) {
    const run = (side) => (op === 'pack' ? () => side.pack(message) : () => side.unpack(wire));
    const before = memory();
    const [ours, theirs] = await measurePair(run(s.ours), s.theirs && run(s.theirs), { ms, warmupMs });
    const after = memory();
    const ratio = theirs ? ours.opsPerSec / theirs.opsPerSec : undefined;
    const row = {
      scenario: s.name, op, ours: ours.opsPerSec, theirs: theirs?.opsPerSec, ratio,
      heapBeforeMiB: before.heapMiB, heapAfterMiB: after.heapMiB, rssBeforeMiB: before.rssMiB, rssAfterMiB: after.rssMiB,
    };
    results.push(row);
    const mark = ratio !== undefined && ratio < TARGET ? ' *' : '';
    console.log(line([s.name, op, fmt(row.ours), fmt(row.theirs), ratio === undefined ? 'n/a' : `${ratio.toFixed(2)}x${mark}`, mib(before.heapMiB, after.heapMiB), mib(before.rssMiB, after.rssMiB)]));
  }
}
const endMem = memory();
const below = results.filter((r) => r.ratio !== undefined && r.ratio < TARGET);
if (!mediatorOnly) {
console.log();
console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)} s; heap ${mib(startMem.heapMiB, endMem.heapMiB)} MiB, rss ${mib(startMem.rssMiB, endMem.rssMiB)} MiB over the run`);
console.log(below.length === 0
  ? `target met: ours >= ${TARGET}x didcomm-node on every scenario measured against it`
  : `below the ${TARGET}x target (*): ${below.map((r) => `${r.scenario} ${r.op} ${r.ratio.toFixed(2)}x`).join('; ')}`);
}

// The mediator: with no filter, or alone with `mediator`.
let mediator;
if (!filter || filter === 'mediator') {
  if (!mediatorOnly) console.log();
  mediator = await runMediatorBench(mediatorMs ? { ms: mediatorMs, liveMs: mediatorMs } : {});
}

// DIDComm v1 forwards/s beside v2 on one mediator (bench/mediator-v1.mjs): with the mediator, or alone with `v1`.
let v1;
if (!filter || filter === 'mediator' || filter === 'v1') {
  console.log();
  v1 = await runV1Bench(mediatorMs ? { ms: mediatorMs } : {});
}

// The mediator under attack: with no filter, or alone with `attack`.
let attacks;
if (!filter || attackOnly) {
  if (!attackOnly) console.log();
  attacks = await runAttackBench(attackMs ? { ms: attackMs } : {});
}

if (jsonFile) {
  const out = {
    date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, msPerMeasurement: ms, warmupMs, target: TARGET,
    memory: { start: startMem, end: endMem }, results, mediator, v1, attacks,
  };
  writeFileSync(jsonFile, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`wrote ${jsonFile}`);
}
// The mediator part leaves nothing running, but didcomm-node's WASM and the test agents' timers may linger.
process.exit(0);
