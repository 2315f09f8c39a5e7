// The stores' counters (message and byte totals per account, used by status, /metrics and
// the operator's account list) against a recount of the queue table itself, through enqueue,
// full queues, acknowledgements (repeated, foreign, unknown ids), retention and revocation:
// SQLite in both commit modes, and PostgreSQL (the real server; skipped, saying so, where
// none runs); and databases of the earlier schema brought up to date.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { PostgresStore, SqliteStore } from '../dist/index.js';
import { PG_URL, requirePostgres, tempDir } from './helpers.mjs';

const AGGREGATE = 'COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes, MIN(received_at) AS oldest, MAX(received_at) AS newest';
const asStatus = (r) => ({
  messageCount: Number(r.n),
  totalBytes: Number(r.bytes),
  ...(r.oldest !== null ? { oldestReceivedAt: Number(r.oldest) } : {}),
  ...(r.newest !== null ? { newestReceivedAt: Number(r.newest) } : {}),
});

/** What an SQLite file's queue table itself says of an account (or of all). */
const sqliteRecount = (path) => async (account) => {
  const db = new Database(path, { readonly: true });
  try {
    const r = account === undefined ? db.prepare(`SELECT ${AGGREGATE} FROM queue`).get() : db.prepare(`SELECT ${AGGREGATE} FROM queue WHERE account = ?`).get(account);
    return asStatus(r);
  } finally {
    db.close();
  }
};

/** The same, of a PostgreSQL schema. */
const pgRecount = (sql, schema) => async (account) => {
  const [r] = account === undefined ? await sql.unsafe(`SELECT ${AGGREGATE} FROM ${schema}.queue`) : await sql.unsafe(`SELECT ${AGGREGATE} FROM ${schema}.queue WHERE account = $1`, [account]);
  return asStatus(r);
};

async function agrees(store, recount, accounts) {
  for (const a of accounts) assert.deepEqual(await store.status(a), await recount(a), `status of ${a}`);
  const all = await recount();
  const t = await store.totals();
  assert.deepEqual([t.messages, t.bytes], [all.messageCount, all.totalBytes], 'totals');
  const listed = await store.listAccounts();
  for (const info of listed) {
    const r = await recount(info.did);
    assert.deepEqual([info.queued, info.queuedBytes], [r.messageCount, r.totalBytes], `listAccounts ${info.did}`);
  }
}

/** The scenario, on any store. */
async function exercise(store, recount) {
  const [a, b] = ['did:example:a', 'did:example:b'];
  await store.grant(a);
  await store.grant(b);
  await agrees(store, recount, [a, b, 'did:example:nobody']);
  const ids = { [a]: [], [b]: [] };
  // Sizes vary, some multi-byte (the byte count is UTF-8 bytes, not characters).
  const sends = [];
  for (let i = 0; i < 30; i++) {
    const account = i % 3 === 0 ? b : a;
    const message = `${'é'.repeat(i)}${'x'.repeat(100 + i * 37)}`;
    sends.push(store.enqueue({ account, recipientDid: `${account}#k`, message }, 12).then((id) => ids[account].push(id), (e) => e));
  }
  const outcomes = await Promise.all(sends);
  assert.ok(outcomes.some((o) => o?.code === 'queue_full'), 'a full queue refuses');
  assert.equal(ids[a].length, 12);
  await agrees(store, recount, [a, b]);
  // Acknowledgements: some twice, one of the other account's ids, one unknown.
  assert.equal(await store.ack(a, [ids[a][0], ids[a][1], ids[a][1], ids[b][0], 'no-such-id']), 2);
  assert.equal(await store.ack(b, [ids[b][1]]), 1);
  await agrees(store, recount, [a, b]);
  // Retention: everything received so far goes.
  await new Promise((r) => setTimeout(r, 5));
  const removed = await store.purge(Date.now() - 2);
  assert.ok(removed > 0);
  await agrees(store, recount, [a, b]);
  await store.enqueue({ account: a, recipientDid: `${a}#k`, message: 'after the purge' }, 100);
  await agrees(store, recount, [a, b]);
  assert.equal(await store.revoke(a), true);
  await agrees(store, recount, [a, b]);
}

for (const writerThread of [false, true]) {
  test(`SQLite: counters follow the queue (commits ${writerThread ? 'on the writer thread' : 'inline'})`, async () => {
    const dir = tempDir('sqlite-store-');
    const path = join(dir, 'mediator.db');
    const store = new SqliteStore(path, { writerThread });
    try {
      await exercise(store, sqliteRecount(path));
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('PostgreSQL: counters follow the queue; an earlier schema is brought up to date', async (t) => {
  if (!(await requirePostgres(t))) return;
  const schema = `counters_${randomBytes(4).toString('hex')}`;
  const sql = postgres(PG_URL, { max: 2, onnotice: () => undefined });
  let store;
  try {
    store = await PostgresStore.open(PG_URL, { schema });
    await exercise(store, pgRecount(sql, schema));
    await store.close();
    // An earlier schema: no byte counter, a wrong message count; opening recounts both.
    await sql.unsafe(`ALTER TABLE ${schema}.accounts DROP COLUMN queued_bytes; UPDATE ${schema}.accounts SET queued = 999`);
    store = await PostgresStore.open(PG_URL, { schema });
    await agrees(store, pgRecount(sql, schema), ['did:example:a', 'did:example:b']);
  } finally {
    await store?.dropSchema().catch(() => undefined);
    await store?.close().catch(() => undefined);
    await sql.end({ timeout: 1 });
  }
});

test('SQLite: a database of the earlier schema (no byte counter) is brought up to date on open', async () => {
  const dir = tempDir('sqlite-migrate-');
  const path = join(dir, 'mediator.db');
  const old = new Database(path);
  old.exec(`CREATE TABLE accounts (did TEXT PRIMARY KEY, granted_at INTEGER NOT NULL, queued INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE queue (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, account TEXT NOT NULL, recipient_did TEXT NOT NULL, received_at INTEGER NOT NULL, size INTEGER NOT NULL, message TEXT NOT NULL);`);
  old.prepare('INSERT INTO accounts (did, granted_at, queued) VALUES (?, ?, ?)').run('did:example:old', 1, 0);
  const ins = old.prepare('INSERT INTO queue (id, account, recipient_did, received_at, size, message) VALUES (?, ?, ?, ?, ?, ?)');
  for (let i = 0; i < 5; i++) ins.run(`q${i}`, 'did:example:old', 'did:example:old', 1000 + i, 10 + i, 'x'.repeat(10 + i));
  old.close();
  const store = new SqliteStore(path);
  try {
    await agrees(store, sqliteRecount(path), ['did:example:old']);
    assert.equal((await store.status('did:example:old')).messageCount, 5);
    assert.equal(await store.ack('did:example:old', ['q0']), 1);
    await agrees(store, sqliteRecount(path), ['did:example:old']);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
