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

/** Heap used and RSS in MiB after a full GC. */
export function memory() {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heapMiB: m.heapUsed / 2 ** 20, rssMiB: m.rss / 2 ** 20 };
}
