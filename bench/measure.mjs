// Timing and memory for the bench: sequential awaited operations for a fixed time after a
// warm-up, and heap/RSS read after a forced GC so before/after numbers are comparable.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

/** Run `op` repeatedly: `warmupMs` untimed, then `ms` timed. -> { ops, opsPerSec } */
export async function measure(op, { ms = 1000, warmupMs = 200 } = {}) {
  let end = performance.now() + warmupMs;
  while (performance.now() < end) await op();
  let ops = 0;
  const start = performance.now();
  end = start + ms;
  let now = start;
  while (now < end) {
    await op();
    ops++;
    now = performance.now();
  }
  return { ops, opsPerSec: (ops * 1000) / (now - start) };
}

/**
 * Measure two operations under the same load: `rounds` alternating slices of ms/rounds
 * each (after a warm-up of both), so background noise hits both columns alike.
 * `b` may be null. -> [a, b?] as { ops, opsPerSec }
 */
export async function measurePair(a, b, opts) {
  const [ra, rb] = await measureSides([a, b], opts);
  return [ra, rb];
}

/**
 * measurePair for any number of operations, each slice of each round going to each of them in
 * turn. Null entries are skipped and come back null. opsPerSec is the median of the slices'
 * rates: on a shared machine a burst of load lands in one slice of one side, and the median
 * leaves it out where the total would carry it. -> [{ ops, opsPerSec, slices } | null]
 */
export async function measureSides(ops, { ms = 1000, warmupMs = 200, rounds = 5 } = {}) {
  const sides = ops.map((op) => op && { op, ops: 0, time: 0, rates: [] }).filter(Boolean);
  for (const s of sides) await measure(s.op, { ms: 0, warmupMs });
  for (let r = 0; r < rounds; r++) {
    for (const s of sides) {
      const start = performance.now();
      const end = start + ms / rounds;
      const before = s.ops;
      let now = start;
      while (now < end) {
        await s.op();
        s.ops++;
        now = performance.now();
      }
      s.time += now - start;
      s.rates.push(((s.ops - before) * 1000) / (now - start));
    }
  }
  const median = (xs) => {
    const v = [...xs].sort((a, b) => a - b);
    return v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
  const result = new Map(sides.map((s) => [s.op, { ops: s.ops, opsPerSec: median(s.rates), slices: s.rates }]));
  return ops.map((op) => op && result.get(op));
}

/** Heap used and RSS in MiB after a full GC. */
export function memory() {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heapMiB: m.heapUsed / 2 ** 20, rssMiB: m.rss / 2 ** 20 };
}
