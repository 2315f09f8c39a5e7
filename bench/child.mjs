// A bench script forked as its own process (so its CPU and memory are not the measured
// server's), driven by request/answer over IPC: the child answers { id, result } or
// { id, error } to each { id, cmd, ... } (mediator-load.mjs, attacker.mjs).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Fork `script` (relative to bench/); `call(cmd, args)` resolves with its answer. */
export function loadGenerator(script = './mediator-load.mjs') {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let n = 0;
  const waiting = new Map();
  child.on('message', (m) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error) w?.reject(new Error(`${script}: ${m.error}`));
    else w?.resolve(m.result);
  });
  const exited = new Promise((resolve) => child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`${script} exited (${code})`));
    resolve();
  }));
  return {
    pid: child.pid,
    call: (cmd, args = {}) => new Promise((resolve, reject) => {
      const id = ++n;
      waiting.set(id, { resolve, reject });
      child.send({ id, cmd, ...args });
    }),
    // Give the child a moment to exit by itself (so --cpu-prof profiles get written), then kill it.
    kill: async () => {
      const timer = setTimeout(() => child.kill(), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
