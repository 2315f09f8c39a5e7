// Helpers for the attack tests: a mediator in a child process (so its RSS is its own), requests
// and WebSockets from a chosen loopback address (attacker 127.0.0.2, honest client 127.0.0.3),
// control messages packed as a granted account, and the refusal counters from /metrics.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { newId, packEncrypted } from '@didcomm-ts/core';
import { PASSPHRASE, tempDir } from './helpers.mjs';

const INDEX = new URL('../dist/index.js', import.meta.url).href;

/** A mediator in a child process; `rssMB()` reads its resident set from /proc. */
export async function childMediator(config = {}) {
  const data = tempDir('mediator-attack-');
  const script = `
    const { startMediator } = await import(${JSON.stringify(INDEX)});
    const m = await startMediator(JSON.parse(process.env.ATTACK_CONFIG));
    process.stdout.write(JSON.stringify({ ready: true, url: m.url, wsUrl: m.wsUrl, did: m.did }) + '\\n');
    process.on('SIGTERM', () => m.close().then(() => process.exit(0), () => process.exit(1)));
  `;
  const full = { port: 0, host: '127.0.0.1', data, passphrase: PASSPHRASE, scryptN: 2 ** 10, logLevel: 'error', shutdownTimeoutMs: 1000, ...config };
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ATTACK_CONFIG: JSON.stringify(full) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const info = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`mediator child did not start: ${err}`)), 20_000);
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.includes('"ready":true'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`mediator child exited (${code}): ${err}`));
    });
  });
  return {
    ...info,
    pid: child.pid,
    rssMB: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024,
    stop: async () => {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** An HTTP request from `localAddress`; resolves with { status, headers, body }. */
export function httpFrom(localAddress, url, { method = 'GET', headers = {}, body, timeoutMs = 10_000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { connection: 'close', ...headers }, localAddress, agent: false, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/** POST a (garbage unless given) DIDComm body from `localAddress`; resolves with the status. */
export async function postFrom(localAddress, url, body = '{}', headers = {}) {
  return (await httpFrom(localAddress, url, { method: 'POST', headers: { 'content-type': 'application/didcomm-encrypted+json', ...headers }, body })).status;
}

/** A raw TCP connection from `localAddress`; `closed` resolves when the server ends it. */
export async function tcpFrom(localAddress, url) {
  const u = new URL(url);
  const s = connect({ host: u.hostname, port: Number(u.port), localAddress });
  s.on('error', () => undefined);
  let received = '';
  s.on('data', (d) => (received += d));
  const closed = new Promise((resolve) => s.once('close', () => resolve(Date.now())));
  await new Promise((resolve, reject) => {
    s.once('connect', resolve);
    s.once('close', () => reject(new Error('closed before it connected')));
  });
  return { socket: s, closed, received: () => received };
}

/** A WebSocket from `localAddress`, open; `closed` resolves with { code, at }. */
export async function wsFrom(localAddress, wsUrl, options = {}) {
  const ws = new WebSocket(wsUrl, { localAddress, ...options });
  ws.on('error', () => undefined);
  const closed = new Promise((resolve) => ws.once('close', (code) => resolve({ code, at: Date.now() })));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('close', () => reject(new Error('closed before it opened')));
  });
  return { ws, closed };
}

/** A control message from a mediated client's account to the mediator, authcrypted, return route all. */
export async function packedRequest(client, mediatorDid, type, body) {
  const msg = { id: newId(), type, from: client.accountDid, to: [mediatorDid], created_time: Math.floor(Date.now() / 1000), return_route: 'all', body };
  const { packed } = await packEncrypted(msg, { to: mediatorDid, from: client.accountDid, resolver: client.resolver, secrets: client.secrets, forward: false });
  return packed;
}

/** didcomm_mediator_refused_total{reason} from /metrics. */
export async function refused(url, reason) {
  const text = await (await fetch(`${url}metrics`)).text();
  const m = new RegExp(`^didcomm_mediator_refused_total\\{reason="${reason}"\\} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

/** How long GET /healthz takes, in ms. */
export async function healthzMs(url) {
  const started = performance.now();
  const r = await fetch(`${url}healthz`);
  await r.arrayBuffer();
  return performance.now() - started;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
