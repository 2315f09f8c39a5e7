// `npm run bench [-- filter] [--json [file]] [--time=ms] [--mediator-time=ms] [--attack-time=ms]`: pack and unpack
// ops/s of @didcomm-ts/core against didcomm-node 0.4.1, measured side by side in one process
// with the crypto floor of each scenario (bench/floors.mjs, the same operation by hand on
// node:crypto) measured in the same slices (target: at least 3x didcomm-node or at least 0.9 of
// the floor, on every scenario), then the mediator (bench/mediator.mjs:
// forwards/s against floors, live-mode latency), then the mediator under attack (bench/attack.mjs).
// The filter `mediator` runs only the mediator part, `attack` only the attack phase, `core` only
// the core scenarios; any other
// filter only the core scenarios it matches. See bench/README.md.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { buildScenarios } from './scenarios.mjs';
import { measureSides, memory } from './measure.mjs';
import { runMediatorBench } from './mediator.mjs';
import { runAttackBench } from './attack.mjs';
import { runLiveManyBench } from './live-many.mjs';
import { runV1Bench } from './mediator-v1.mjs';

const TARGET = 3;
/** A scenario within 10% of its crypto floor meets the target whatever didcomm-node does. */
const FLOOR_TARGET = 0.9;
const meets = (r) => (r.ratio !== undefined && r.ratio >= TARGET) || (r.floorRatio !== undefined && r.floorRatio >= FLOOR_TARGET);
const args = process.argv.slice(2);
let filter;
let jsonFile;
let ms = 1000;
// Slices per measurement, each side's rate the median of its slices (bench/measure.mjs).
let rounds = 10;
let mediatorMs;
let attackMs;
let sessions;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--json') jsonFile = args[i + 1] && !args[i + 1].startsWith('--') ? args[++i] : 'bench/results.json';
  else if (a.startsWith('--json=')) jsonFile = a.slice(7);
  else if (a.startsWith('--time=')) ms = Number(a.slice(7));
  else if (a.startsWith('--rounds=')) rounds = Number(a.slice(9));
  else if (a.startsWith('--mediator-time=')) mediatorMs = Number(a.slice(16));
  else if (a.startsWith('--attack-time=')) attackMs = Number(a.slice(14));
  else if (a.startsWith('--sessions=')) sessions = Number(a.slice(11));
  else if (a === '--help' || a === '-h') {
    console.log('usage: node bench/run.mjs [filter | mediator | attack | live-many | unit-costs] [--json [file]] [--time=ms per measurement (default 1000)] [--rounds=N slices of it (default 10)] [--mediator-time=ms per server (default 10000)] [--attack-time=ms per attack (default 6000)] [--sessions=N live sessions in live-many (default 1000)]');
    process.exit(0);
  } else filter = a.toLowerCase();
}
const warmupMs = Math.min(200, ms / 5);

// `unit-costs` alone: the mediator's CPU, memory and PostgreSQL writes per unit (docs/scaling.md).
if (filter === 'unit-costs') {
  const { runUnitCosts } = await import('./unit-costs.mjs');
  const r = await runUnitCosts();
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify(r, null, 2)}\n`);
  process.exit(0);
}

const attackOnly = filter === 'attack';
// Either of the mediator's parts alone: no core scenarios.
const liveManyOnly = filter === 'live-many';
const mediatorOnly = filter === 'mediator' || filter === 'v1' || attackOnly || liveManyOnly;
const all = await buildScenarios();
// `core`: every core scenario and nothing else.
const coreOnly = filter === 'core';
const scenarios = mediatorOnly ? [] : all.filter((s) => !filter || coreOnly || s.name.toLowerCase().includes(filter));
if (scenarios.length === 0 && !mediatorOnly) {
  console.error(`no scenario matches "${filter}"; scenarios:\n  ${all.map((s) => s.name).join('\n  ')}`);
  process.exit(1);
}

const fmt = (n) => (n === undefined ? 'n/a' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const mib = (a, b) => `${a.toFixed(1)} -> ${b.toFixed(1)}`;
const cols = [
  ['scenario', 52], ['op', 6], ['ours ops/s', 11], ['didcomm-node ops/s', 18], ['ratio', 7], ['floor ops/s', 11], ['/floor', 6], ['verdict', 7], ['heap MiB before -> after', 24], ['rss MiB before -> after', 24],
];
const line = (cells) => cells.map((c, i) => (i >= 2 && i <= 6 ? String(c).padStart(cols[i][1]) : String(c).padEnd(cols[i][1]))).join(' | ');

if (!mediatorOnly) console.log(`didcomm-ts core vs didcomm-node 0.4.1 and the node:crypto floor | node ${process.version} | ${cpus()[0]?.model ?? 'cpu?'} | load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} | ${ms} ms per measurement (${rounds} slices alternating ours, didcomm-node, floor; ops/s = the slices' median) after ${warmupMs} ms warm-up`);
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
  await checkFloor(s, message, wire);

  for (const op of ['pack', 'unpack']) {
    const run = (side) => (op === 'pack' ? () => side.pack(message) : () => side.unpack(wire));
    const before = memory();
    const [ours, theirs, floor] = await measureSides([run(s.ours), s.theirs && run(s.theirs), run(s.floor)], { ms, warmupMs, rounds });
    const after = memory();
    const ratio = theirs ? pairedRatio(ours.slices, theirs.slices) : undefined;
    const floorRatio = pairedRatio(ours.slices, floor.slices);
    const row = {
      scenario: s.name, op, ours: ours.opsPerSec, theirs: theirs?.opsPerSec, ratio, floor: floor.opsPerSec, floorRatio,
      slices: { ours: ours.slices, theirs: theirs?.slices, floor: floor.slices },
      heapBeforeMiB: before.heapMiB, heapAfterMiB: after.heapMiB, rssBeforeMiB: before.rssMiB, rssAfterMiB: after.rssMiB,
    };
    row.meetsTarget = meets(row);
    results.push(row);
    const mark = ratio !== undefined && ratio < TARGET ? ' *' : '';
    console.log(line([
      s.name, op, fmt(row.ours), fmt(row.theirs), ratio === undefined ? 'n/a' : `${ratio.toFixed(2)}x${mark}`, fmt(row.floor), floorRatio.toFixed(2),
      row.meetsTarget ? 'pass' : 'FAIL', mib(before.heapMiB, after.heapMiB), mib(before.rssMiB, after.rssMiB),
    ]));
  }
}
const endMem = memory();
const below = results.filter((r) => r.ratio !== undefined && r.ratio < TARGET);
const failing = results.filter((r) => !r.meetsTarget);
if (!mediatorOnly) {
console.log();
console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)} s; heap ${mib(startMem.heapMiB, endMem.heapMiB)} MiB, rss ${mib(startMem.rssMiB, endMem.rssMiB)} MiB over the run; load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
if (below.length > 0) console.log(`below ${TARGET}x didcomm-node (*): ${below.map((r) => `${r.scenario} ${r.op} ${r.ratio.toFixed(2)}x`).join('; ')}`);
const closest = [...results].sort((a, b) => a.floorRatio - b.floorRatio)[0];
console.log(failing.length === 0
  ? `target met: every scenario at >= ${TARGET}x didcomm-node or >= ${FLOOR_TARGET} of its crypto floor (closest to its floor: ${closest?.scenario} ${closest?.op} ${closest?.floorRatio.toFixed(2)})`
  : `target missed (>= ${TARGET}x didcomm-node or >= ${FLOOR_TARGET} of the floor): ${failing.map((r) => `${r.scenario} ${r.op} ${r.ratio === undefined ? 'n/a' : `${r.ratio.toFixed(2)}x`}, ${r.floorRatio.toFixed(2)} of the floor`).join('; ')}`);
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

// Many live clients on one mediator (bench/live-many.mjs): with no filter, or alone with `live-many`.
let liveMany;
if (!filter || liveManyOnly) {
  if (!liveManyOnly) console.log();
  liveMany = await runLiveManyBench(sessions ? { sessions } : {});
}

// The mediator under attack: with no filter, or alone with `attack`.
let attacks;
if (!filter || attackOnly) {
  if (!attackOnly) console.log();
  attacks = await runAttackBench(attackMs ? { ms: attackMs } : {});
}

if (jsonFile) {
  const out = {
    date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, loadavg: loadavg(), msPerMeasurement: ms, rounds, warmupMs, target: TARGET, floorTarget: FLOOR_TARGET,
    memory: { start: startMem, end: endMem }, results, mediator, v1, liveMany, attacks,
  };
  writeFileSync(jsonFile, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`wrote ${jsonFile}`);
}
// The mediator part leaves nothing running, but didcomm-node's WASM and the test agents' timers may linger.
process.exit(0);

/**
 * ours / other as the median of each round's ratio: the two slices of a round are adjacent in
 * time, so a load that drifts over the measurement cancels out of each round's ratio, where the
 * ratio of two medians taken over all rounds would carry it.
 */
function pairedRatio(a, b) {
  const r = a.map((x, i) => x / b[i]).sort((x, y) => x - y);
  return r.length % 2 ? r[r.length >> 1] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
}

/**
 * Before timing a floor, check it does the operation: it reads our wire, we read what it packs,
 * and a flipped character of the ciphertext or signed payload makes it throw, as ours does.
 */
async function checkFloor(s, message, wire) {
  const read = async (side, w, who) => {
    const r = await side.unpack(w);
    if (r.message.id !== message.id) throw new Error(`${s.name}: ${who} unpacked the wrong message`);
  };
  await read(s.floor, wire, 'the floor');
  const floorWire = await s.floor.pack(message);
  await read(s.ours, floorWire, 'ours (the floor\'s wire)');
  const v = JSON.parse(wire);
  const field = typeof v.ciphertext === 'string' ? 'ciphertext' : typeof v.payload === 'string' ? 'payload' : undefined;
  if (!field) return;
  const i = v[field].length >> 1;
  v[field] = `${v[field].slice(0, i)}${v[field][i] === 'A' ? 'B' : 'A'}${v[field].slice(i + 1)}`;
  const tampered = JSON.stringify(v);
  for (const [side, who] of [[s.floor, 'the floor'], [s.ours, 'ours']]) {
    const refused = await side.unpack(tampered).then(() => false, () => true);
    if (!refused) throw new Error(`${s.name}: ${who} accepted a flipped ${field}`);
  }
}
