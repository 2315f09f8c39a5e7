// Preloaded (--import) into each process of bench/live-many.mjs when it runs with --gc-log:
// every garbage collection pause of this thread (main thread or worker), with its start as epoch
// ms, appended to the file $LIVE_MANY_GC_LOG as "<process>/<thread> <start> <kind> <ms>". The
// bench then tells which pauses fell in its worst windows (live-many.mjs, gcPauses).
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';

const file = process.env.LIVE_MANY_GC_LOG;
if (file) {
  const KIND = { [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak' };
  const who = `${basename(process.argv[1] ?? 'node').replace(/\.m?js$/, '')}:${process.pid}/${isMainThread ? 'main' : `worker${threadId}`}`;
  let lines = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) lines.push(`${who} ${(performance.timeOrigin + e.startTime).toFixed(1)} ${KIND[e.detail?.kind] ?? 'other'} ${e.duration.toFixed(2)}`);
  }).observe({ entryTypes: ['gc'] });
  const flush = () => {
    if (lines.length === 0) return;
    appendFileSync(file, `${lines.join('\n')}\n`);
    lines = [];
  };
  setInterval(flush, 500).unref();
  process.on('exit', flush);
}
