// The mediator of bench/live-many.mjs, in a process of its own so that its RSS and CPU are its
// own. Its command line is the mediator's (`parseConfig`); the secrets file's scrypt cost is
// lowered so it starts at once. Run with --expose-gc. Over IPC it answers:
//   memory  after two full GCs: RSS, heap used, external and array buffers (bytes), live sessions
//   mark    start the CPU and event-loop window;  cpu: this process's CPU (all threads) and the
//           main thread's busy fraction since the mark, and the unwrap workers' utilization
//   snapshot  a heap snapshot into LIVE_MANY_SNAPSHOTS (a folder), -> its path
import { writeHeapSnapshot } from 'node:v8';
import { join } from 'node:path';
import { parseConfig, startMediator } from '../packages/mediator/dist/index.js';
import { startProfile } from './profile.mjs';

const config = parseConfig(process.argv.slice(2), { MEDIATOR_PASSPHRASE: 'live-many bench' });
const m = await startMediator({ ...config, scryptN: 2 ** 10 }, { chatDir: null });
process.send({ ready: true, url: m.url, wsUrl: m.wsUrl, did: m.did, pid: process.pid });

let closing;
const close = () => (closing ??= m.close().catch(() => undefined).then(() => process.exit(0)));
let mark = { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), t: performance.now() };
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
    mark = { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), t: performance.now() };
    return null;
  },
  cpu: () => {
    const c = process.cpuUsage(mark.cpu);
    const ms = performance.now() - mark.t;
    return { cpuMs: (c.user + c.system) / 1000, cpuPercent: ((c.user + c.system) / 1000 / ms) * 100, mainThreadBusy: performance.eventLoopUtilization(mark.elu).utilization, workersBusy: m.mediator.unwrapper.utilization?.() };
  },
};
process.on('message', async (msg) => {
  if (msg?.cmd === 'close') return close();
  const f = answers[msg?.cmd];
  if (f) process.send({ id: msg.id, result: await f() });
});
process.on('disconnect', close);
process.on('SIGTERM', close);
