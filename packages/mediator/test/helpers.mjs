// Test helpers: a mediator on 127.0.0.1 with a random port and a fresh data folder, and client
// agents (our Agent) that reach it over HTTP and WebSocket.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, createDID, createResolver, HttpTransport, InMemorySecrets, MediatorClient, newId, silentLogger } from '@didcomm-ts/core';
import { NodeWsTransport } from '@didcomm-ts/core/node';
import postgres from 'postgres';
import { startMediator } from '../dist/index.js';

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

/** The PostgreSQL the tests use (TEST_DATABASE_URL, else the local `test` database). */
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Is a PostgreSQL server answering at PG_URL? (Tests that need one skip, saying so, when not.) */
export async function pgReachable() {
  const sql = postgres(PG_URL, { max: 1, connect_timeout: 3, onnotice: () => undefined });
  try {
    await sql`SELECT 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}
