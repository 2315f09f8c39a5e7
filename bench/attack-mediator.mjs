// The mediator that bench/attack.mjs attacks, in a process of its own so that its RSS is its
// own. Its command line is the mediator's (`parseConfig`: the public defaults but for the flags
// given); only the secrets file's scrypt cost is lowered, so a start takes milliseconds instead
// of the production key derivation. It logs as configured to stdout/stderr (the harness sends
// them to a file), tells its parent where it listens over IPC, and closes when told to or when
// the parent goes away. Asked `loop`, it answers its event loop's delay since the last ask (so a
// slow /healthz can be told from a stalled main thread).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseConfig, startMediator } from '../packages/mediator/dist/index.js';

const config = parseConfig(process.argv.slice(2), { MEDIATOR_PASSPHRASE: 'attack bench' });
const m = await startMediator({ ...config, scryptN: 2 ** 10 }, { chatDir: null });
process.send({ ready: true, url: m.url, wsUrl: m.wsUrl, did: m.did, pid: process.pid });

let closing;
const close = () => (closing ??= m.close().catch(() => undefined).then(() => process.exit(0)));
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
process.on('message', (msg) => {
  if (msg?.cmd === 'close') close();
  if (msg?.cmd === 'loop') {
    process.send({ loop: { p99Ms: delay.percentile(99) / 1e6, maxMs: delay.max / 1e6 } });
    delay.reset();
  }
});
process.on('disconnect', close);
process.on('SIGTERM', close);
