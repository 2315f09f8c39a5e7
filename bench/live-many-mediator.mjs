// The mediator of bench/live-many.mjs, in a process of its own so that its RSS and CPU are its
// own. Its command line is the mediator's (`parseConfig`); the secrets file's scrypt cost is
// lowered so it starts at once. Run with --expose-gc. Over IPC it answers:
//   memory  after two full GCs: RSS, heap used, external and array buffers (bytes), live sessions
//   mark    start the CPU and event-loop window;  cpu: this process's CPU (all threads) and the
//           main thread's busy fraction since the mark, the unwrap workers' utilization, and
//           (Linux) each thread's CPU
//   snapshot  a heap snapshot into LIVE_MANY_SNAPSHOTS (a folder), -> its path
import { readdirSync, readFileSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import { join } from 'node:path';
import { parseConfig, startMediator } from '../packages/mediator/dist/index.js';
import { startProfile } from './profile.mjs';

const config = parseConfig(process.argv.slice(2), { MEDIATOR_PASSPHRASE: 'live-many bench' });
const m = await startMediator({ ...config, scryptN: 2 ** 10 }, { chatDir: null });
process.send({ ready: true, url: m.url, wsUrl: m.wsUrl, did: m.did, pid: process.pid });

let closing;
const close = () => (closing ??= m.close().catch(() => undefined).then(() => process.exit(0)));
/**
 * CPU ticks of each of this process's threads (Linux /proc; undefined elsewhere): the main
 * thread, the unwrap workers and V8's own (GC, compiler) are told apart only by this split,
 * the main thread being the one whose id is the process's.
 */
function threadTicks() {
  try {
    const out = new Map();
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), Number(f[11]) + Number(f[12]));
    }
    return out;
  } catch {
    return undefined;
  }
}
const TICKS_PER_SECOND = 100;
let mark = { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), t: performance.now(), threads: threadTicks() };
let stopProfile;
const answers = {
  // The main thread's CPU profile of one phase (bench/profile.mjs), into --profile's folder.
  'profile-start': async () => {
    stopProfile = await startProfile(process.env.LIVE_MANY_PROFILE, 'mediator-main-live');
    return null;
  },
  'profile-stop': async () => (stopProfile ? stopProfile() : null),
  memory: async () => {
    for (let i = 0; i < 2; i++) {
      globalThis.gc?.();
      await new Promise((r) => setTimeout(r, 100));
    }
    return { ...process.memoryUsage(), liveSessions: m.mediator.live.count() };
  },
  snapshot: () => (process.env.LIVE_MANY_SNAPSHOTS ? writeHeapSnapshot(join(process.env.LIVE_MANY_SNAPSHOTS, `mediator-${Date.now()}.heapsnapshot`)) : null),
  mark: () => {
    m.mediator.unwrapper.utilization?.();
    mark = { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), t: performance.now(), threads: threadTicks() };
    return null;
  },
  cpu: () => {
    const c = process.cpuUsage(mark.cpu);
    const ms = performance.now() - mark.t;
    // Per thread, % of a core: the main thread's, then the others' from the busiest down.
    const now = threadTicks();
    const pct = (tid) => ((now.get(tid) - (mark.threads.get(tid) ?? 0)) / TICKS_PER_SECOND / (ms / 1000)) * 100;
    const threads = now && mark.threads ? { main: pct(process.pid), others: [...now.keys()].filter((tid) => tid !== process.pid).map(pct).filter((p) => p >= 0.5).sort((a, b) => b - a) } : undefined;
    return { cpuMs: (c.user + c.system) / 1000, cpuPercent: ((c.user + c.system) / 1000 / ms) * 100, mainThreadBusy: performance.eventLoopUtilization(mark.elu).utilization, workersBusy: m.mediator.unwrapper.utilization?.(), threads };
  },
};
process.on('message', async (msg) => {
  if (msg?.cmd === 'close') return close();
  const f = answers[msg?.cmd];
  if (f) process.send({ id: msg.id, result: await f() });
});
process.on('disconnect', close);
process.on('SIGTERM', close);
