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
export async function measurePair(a, b, { ms = 1000, warmupMs = 200, rounds = 5 } = {}) {
  const sides = [a, b].filter(Boolean).map((op) => ({ op, ops: 0, time: 0 }));
  for (const s of sides) await measure(s.op, { ms: 0, warmupMs });
  for (let r = 0; r < rounds; r++) {
    for (const s of sides) {
      const start = performance.now();
      const end = start + ms / rounds;
      let now = start;
      while (now < end) {
        await s.op();
        s.ops++;
        now = performance.now();
      }
      s.time += now - start;
    }
  }
  return sides.map((s) => ({ ops: s.ops, opsPerSec: (s.ops * 1000) / s.time }));
}

/** Heap used and RSS in MiB after a full GC. */
export function memory() {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heapMiB: m.heapUsed / 2 ** 20, rssMiB: m.rss / 2 ** 20 };
}
