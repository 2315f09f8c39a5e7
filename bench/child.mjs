// A bench script forked as its own process (so its CPU and memory are not the measured
// server's), driven by request/answer over IPC: the child answers { id, result } or
// { id, error } to each { id, cmd, ... } (mediator-load.mjs, attacker.mjs).
import { fork } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Fork `script` (relative to bench/); `call(cmd, args)` resolves with its answer. */
export function loadGenerator(script = './mediator-load.mjs', { execArgv = [] } = {}) {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
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

/**
 * The mediator of live-many-mediator.mjs in its own process (with --expose-gc), its output in
 * `<dir>/<name>.log`; `ready` resolves with its first message, `call(cmd)` asks it over IPC.
 */
export function mediatorProcess(dir, { name = 'mediator', flags = [], env = {}, execArgv = [], readyTimeoutMs = 60_000 } = {}) {
  const logFile = join(dir, `${name}.log`);
  const logFd = openSync(logFile, 'a');
  const child = fork(fileURLToPath(new URL('./live-many-mediator.mjs', import.meta.url)), flags, { stdio: ['ignore', logFd, logFd, 'ipc'], execArgv: ['--expose-gc', ...execArgv], env: { ...process.env, ...env } });
  closeSync(logFd);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  let n = 0;
  const waiting = new Map();
  child.on('message', (m) => {
    if (m?.id !== undefined) {
      waiting.get(m.id)?.(m.result);
      waiting.delete(m.id);
    }
  });
  const ready = new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${name}: not ready within ${readyTimeoutMs / 1000} s`)), readyTimeoutMs);
    child.once('message', (m) => (clearTimeout(t), resolve(m)));
    exited.then((code) => reject(new Error(`${name} exited (${code}); its log:\n${readFileSync(logFile, 'utf8').slice(-2000)}`)));
  });
  return {
    pid: child.pid,
    ready,
    call: (cmd) => new Promise((resolve) => {
      const id = ++n;
      waiting.set(id, resolve);
      child.send({ id, cmd });
    }),
    close: async () => {
      if (child.connected) child.send({ cmd: 'close' });
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** A TCP port free on 127.0.0.1 now (for a mediator process started on it). */
export const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
