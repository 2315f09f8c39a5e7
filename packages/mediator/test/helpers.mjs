// Test helpers: a mediator on 127.0.0.1 with a random port and a fresh data folder, and client
// agents (our Agent) that reach it over HTTP and WebSocket.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, createDID, createResolver, HttpTransport, InMemorySecrets, MediatorClient, newId, silentLogger } from '@didcomm-ts/core';
import { NodeWsTransport } from '@didcomm-ts/core/node';
import postgres from 'postgres';
import { fileURLToPath } from 'node:url';
import { PostgresStore, startMediator } from '../dist/index.js';

/** The mediator's command (`npm start`, `didcomm-mediator`). */
export const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export const BASIC = 'https://didcomm.org/basicmessage/2.0/message';
export const PASSPHRASE = 'test passphrase';

export function tempDir(prefix = 'mediator-test-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A mediator for one test; `stop()` closes it and removes its data folder (unless keepData). */
export async function testMediator(config = {}, options = {}) {
  const data = config.data ?? tempDir();
  const running = await startMediator(
    { port: 0, host: '127.0.0.1', data, passphrase: PASSPHRASE, scryptN: 2 ** 10, logLevel: 'error', shutdownTimeoutMs: 2000, ...config },
    { logger: silentLogger, ...options },
  );
  return {
    ...running,
    data,
    stop: async ({ keepData = false } = {}) => {
      await running.close();
      if (!keepData && config.data === undefined) rmSync(data, { recursive: true, force: true });
    },
  };
}

/**
 * A client agent with a DID of its own (no endpoint: it is reached through the mediator once
 * it has mediated). `inbox` collects basic messages its handlers see.
 */
export async function makeClient(resolver = createResolver()) {
  const created = await createDID('peer');
  const secrets = new InMemorySecrets(created.secrets);
  const http = new HttpTransport({ timeoutMs: 10_000 });
  const ws = new NodeWsTransport({ connectTimeoutMs: 5000 });
  const agent = new Agent({ did: created.did, secrets, resolver, transports: [http, ws], retry: { attempts: 1 }, requestTimeoutMs: 10_000 });
  const inbox = [];
  const waiters = [];
  agent.on(BASIC, (ctx) => {
    inbox.push({ content: ctx.message.body.content, from: ctx.sender, id: ctx.message.id });
    for (const w of waiters.splice(0)) w();
  });
  return {
    agent,
    did: created.did,
    secrets,
    ws,
    resolver,
    inbox,
    /** Resolve once the inbox holds `n` messages, or reject after `ms`. */
    waitFor(n, ms = 5000) {
      return new Promise((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`inbox has ${inbox.length} of ${n} messages after ${ms} ms`)), ms);
        const check = () => {
          if (inbox.length >= n) {
            clearTimeout(deadline);
            resolve(inbox.slice());
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}

/** A client that has mediation with `mediatorDid` and a mediated DID as its default. */
export async function mediatedClient(mediatorDid, resolver, clientOptions = {}) {
  const c = await makeClient(resolver);
  const client = new MediatorClient(c.agent, mediatorDid, clientOptions);
  const { did } = await client.mediate({ makeDefault: true });
  return { ...c, client, accountDid: c.did, did: did.did };
}

export function basic(from, to, content) {
  return { id: newId(), type: BASIC, from, to: Array.isArray(to) ? to : [to], created_time: Math.floor(Date.now() / 1000), body: { content } };
}

/** The PostgreSQL the tests use: DATABASE_URL, else the local `test` database on 127.0.0.1:5432. */
export const PG_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const PG_SHOWN = PG_URL.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@'); // no password in test output

/** Drop a test's schema (and everything in it) at PG_URL. */
export async function dropPgSchema(schema) {
  const s = await PostgresStore.open(PG_URL, { schema });
  try {
    await s.dropSchema();
  } finally {
    await s.close();
  }
}

/** Why PostgreSQL cannot be used at PG_URL, or null when it answers. */
async function pgUnavailable() {
  const sql = postgres(PG_URL, { max: 1, connect_timeout: 3, onnotice: () => undefined });
  try {
    await sql`SELECT 1`;
    return null;
  } catch (e) {
    return `PostgreSQL not reachable at ${PG_SHOWN} (${e.code ?? e.message}): set DATABASE_URL, or start one on 127.0.0.1:5432 with a database "test"`;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

/**
 * For a test that needs PostgreSQL: true when it answers. Otherwise the test is skipped with the
 * reason, except under CI=true, where a missing PostgreSQL fails the run (CI tests both stores).
 */
export async function requirePostgres(t) {
  const why = await pgUnavailable();
  if (why === null) return true;
  if (process.env.CI === 'true') throw new Error(`${why}; CI=true requires the PostgreSQL tests to run`);
  t.skip(why);
  return false;
}

/**
 * Kills the LISTEN connections of the mediators on `pgSchema` (their channel names it; nobody
 * else's) every few ms while `during()` runs: NOTIFYs of that time reach no listener, and a new
 * LISTEN is often killed in its turn. -> how many were killed.
 */
export async function whileListenKilled(pgSchema, during) {
  const admin = postgres(PG_URL, { max: 1, onnotice: () => undefined });
  let killing = true;
  let killed = 0;
  const killer = (async () => {
    while (killing) {
      const [{ n }] = await admin`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE query ILIKE ${`listen %${pgSchema}_enqueued%`}`;
      killed += n;
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  try {
    await during();
  } finally {
    killing = false;
    await killer;
    await admin.end({ timeout: 1 });
  }
  return killed;
}

/**
 * A TCP port free on 127.0.0.1 now, for a process that must be restarted on the same one. It is
 * drawn below the kernel's ephemeral range (32768+), where every `listen(0)` of the tests
 * running alongside takes its ports, so none of them can grab it between our check and use.
 */
export async function freePort() {
  for (let attempt = 0; ; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
    if (attempt > 50) throw new Error('no free port found below 32000');
  }
}

/**
 * The mediator as its own process (`node dist/main.js`) on 127.0.0.1:port with `data`, plus
 * `args`; `ready` resolves with its DID from the JSON line it prints when stdout is no terminal.
 */
export function spawnMediator(port, data, args = []) {
  const child = spawn(process.execPath, [MAIN, '--port', String(port), '--host', '127.0.0.1', '--data', data, '--log-level', 'warn', ...args], {
    env: { ...process.env, MEDIATOR_PASSPHRASE: PASSPHRASE, PORT: '', DATA: '', STORE: '', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mediator did not start: ${err}`)), 15_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /"msg":"mediator ready","did":"([^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr.on('data', (d) => (err += d));
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`mediator exited (${code}) before it was ready: ${err}`));
    });
  });
  return { child, ready, exited, stderr: () => err };
}
