// Attacks on accounts, keylists and forwards (issue 11, items 2, 3, 5, 10), on SQLite and on
// PostgreSQL: registering another account's DID or key id to receive its forwards; one
// forward fanned out into thousands of queued messages; thousands of recipient DIDs on one
// account; a data folder any local user can read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { createResolver, ErrorCodes, FORWARD_TYPE, newId, packEncrypted, updateKeylist, wrapInForward } from '@didcomm-ts/core';
import { PostgresStore, SqliteStore } from '../dist/index.js';
import { basic, dropPgSchema, mediatedClient, PG_URL, requirePostgres, tempDir, testMediator } from './helpers.mjs';

const MAX_RECIPIENTS = 'e.p.req.max-recipients-exceeded';
const post = (url, body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/didcomm-encrypted+json' }, body });
const refusedWith = (code) => (e) => {
  assert.equal(e.code, ErrorCodes.PROBLEM_REPORT);
  assert.equal(e.cause.code, code);
  return true;
};
const refusedCount = async (m, reason) => {
  const text = await (await fetch(`${m.url}metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`didcomm_mediator_refused_total{reason="${reason}"} `));
  return line ? Number(line.split(' ')[1]) : 0;
};


// ---- The stores' rules, on each store -------------------------------------------------------

async function ownership(store) {
  const [a, b, dave] = ['did:example:a', 'did:example:b', 'did:example:dave'];
  for (const d of [a, b, dave]) await store.grant(d);
  assert.deepEqual(await store.updateRecipients(a, [{ recipientDid: 'did:example:alice', action: 'add' }]), ['success']);
  // B names A's DID URL, A's bare DID, a query form of it: all A's.
  assert.deepEqual(
    await store.updateRecipients(b, [
      { recipientDid: 'did:example:alice#key-2', action: 'add' },
      { recipientDid: 'did:example:alice', action: 'add' },
      { recipientDid: 'did:example:alice?x=1', action: 'add' },
      { recipientDid: 'did:example:alice', action: 'remove' },
    ]),
    ['client_error', 'client_error', 'client_error', 'client_error'],
  );
  assert.deepEqual(await store.findRecipient('did:example:alice#key-2'), { account: a, recipientDid: 'did:example:alice' });
  // A key id first: the whole DID is then that account's, for the bare DID too.
  assert.deepEqual(await store.updateRecipients(b, [{ recipientDid: 'did:example:carol#key-1', action: 'add' }]), ['success']);
  assert.deepEqual(await store.updateRecipients(a, [{ recipientDid: 'did:example:carol', action: 'add' }, { recipientDid: 'did:example:carol#key-9', action: 'add' }]), ['client_error', 'client_error']);
  assert.deepEqual(await store.findRecipient('did:example:carol#key-1'), { account: b, recipientDid: 'did:example:carol#key-1' });
  assert.equal(await store.findRecipient('did:example:carol#key-9'), null);
  assert.equal(await store.findRecipient('did:example:carol'), null);
  // The DID itself (its authcrypt proved it holds the keys) takes its DID back from a squatter.
  assert.deepEqual(await store.updateRecipients(b, [{ recipientDid: `${dave}#key-2`, action: 'add' }]), ['success']);
  assert.deepEqual(await store.updateRecipients(dave, [{ recipientDid: dave, action: 'add' }]), ['success']);
  assert.deepEqual(await store.findRecipient(`${dave}#key-2`), { account: dave, recipientDid: dave });
  assert.deepEqual((await store.listRecipients(b, 0, 100)).dids, ['did:example:carol#key-1']);
}

async function recipientCap(store) {
  const c = 'did:example:c';
  await store.grant(c);
  const add = (d) => ({ recipientDid: d, action: 'add' });
  assert.deepEqual(await store.updateRecipients(c, [add('did:example:c1'), add('did:example:c2'), add('did:example:c3')], 3), ['success', 'success', 'success']);
  await assert.rejects(store.updateRecipients(c, [add('did:example:c4')], 3), (e) => e.code === 'recipients_limit' && e.max === 3);
  // All or nothing: the removal in a refused update does not stay either.
  await assert.rejects(store.updateRecipients(c, [{ recipientDid: 'did:example:c1', action: 'remove' }, add('did:example:c4'), add('did:example:c5')], 3), (e) => e.code === 'recipients_limit');
  assert.deepEqual(await store.listRecipients(c, 0, 100), { dids: ['did:example:c1', 'did:example:c2', 'did:example:c3'], total: 3 });
  assert.deepEqual(await store.updateRecipients(c, [{ recipientDid: 'did:example:c1', action: 'remove' }, add('did:example:c4')], 3), ['success', 'success']);
  // Over the cap already (it was lowered): removals and swaps still work.
  assert.deepEqual(await store.updateRecipients(c, [{ recipientDid: 'did:example:c2', action: 'remove' }, add('did:example:c6')], 1), ['success', 'success']);
  assert.equal((await store.listRecipients(c, 0, 100)).total, 3);
}

async function manyAllOrNone(store) {
  const q = 'did:example:q';
  await store.grant(q);
  const items = (n, tag) => Array.from({ length: n }, (_, i) => ({ account: q, recipientDid: q, message: `${tag}-${i}-${'é'.repeat(i)}` }));
  const ids = await store.enqueueMany(items(3, 'a'), 5);
  assert.equal(ids.length, 3);
  assert.equal(new Set(ids).size, 3);
  // Together (SQLite: in one group commit): the one that fits goes in whole, the other not at all.
  const outcomes = await Promise.allSettled([store.enqueueMany(items(2, 'b'), 5), store.enqueueMany(items(2, 'c'), 5)]);
  assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
  assert.equal(outcomes.find((o) => o.status === 'rejected').reason.code, 'queue_full');
  const winner = outcomes[0].status === 'fulfilled' ? 'b' : 'c';
  const queued = await store.fetch(q, 100);
  assert.deepEqual(queued.map((m) => m.message).sort(), [...items(3, 'a'), ...items(2, winner)].map((i) => i.message).sort());
  const status = await store.status(q);
  assert.equal(status.messageCount, 5);
  assert.equal(status.totalBytes, queued.reduce((n, m) => n + Buffer.byteLength(m.message), 0));
  // A group for two accounts, the second one full: the first one's share is undone too.
  const roomy = 'did:example:roomy';
  await store.grant(roomy);
  await assert.rejects(store.enqueueMany([{ account: roomy, recipientDid: roomy, message: 'r' }, { account: q, recipientDid: q, message: 'q' }], 5), (e) => e.code === 'queue_full');
  assert.equal((await store.status(roomy)).messageCount, 0);
  assert.deepEqual(await store.fetch(roomy, 10), []);
  assert.equal((await store.enqueueMany([{ account: roomy, recipientDid: roomy, message: 'r' }], 5)).length, 1);
}

for (const writerThread of [false, true]) {
  test(`SQLite store: DID ownership, recipient cap, enqueueMany all or none (commits ${writerThread ? 'on the writer thread' : 'inline'})`, async () => {
    const dir = tempDir('attack-accounts-');
    const store = new SqliteStore(join(dir, 'mediator.db'), { writerThread });
    try {
      await ownership(store);
      await recipientCap(store);
      await manyAllOrNone(store);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('PostgreSQL store: DID ownership, recipient cap, enqueueMany all or none; concurrent registrations of one DID', async (t) => {
  if (!(await requirePostgres(t))) return;
  const schema = `attack_accounts_${randomBytes(4).toString('hex')}`;
  const store = await PostgresStore.open(PG_URL, { schema });
  const other = await PostgresStore.open(PG_URL, { schema });
  try {
    await ownership(store);
    await recipientCap(store);
    await manyAllOrNone(store);
    // Two instances, many accounts racing for key ids of one DID: one account ends up with them all.
    const racers = Array.from({ length: 8 }, (_, i) => `did:example:racer${i}`);
    for (const r of racers) await store.grant(r);
    await Promise.all(racers.map((r, i) => (i % 2 ? other : store).updateRecipients(r, [{ recipientDid: `did:example:contested#key-${i}`, action: 'add' }])));
    const sql = postgres(PG_URL, { max: 1, onnotice: () => undefined });
    const owners = await sql.unsafe(`SELECT DISTINCT account FROM ${schema}.recipients WHERE did = 'did:example:contested'`);
    await sql.end({ timeout: 1 });
    assert.equal(owners.length, 1);
    // Concurrent updates of one account never pass its cap.
    const cap = 'did:example:capped';
    await store.grant(cap);
    await Promise.allSettled(Array.from({ length: 6 }, (_, i) => (i % 2 ? other : store).updateRecipients(cap, [{ recipientDid: `did:example:cap${i}`, action: 'add' }], 3)));
    assert.equal((await store.listRecipients(cap, 0, 100)).total, 3);
  } finally {
    await other.close();
    await store.dropSchema().catch(() => undefined);
    await store.close();
  }
});

test('SQLite: a database where another account registered a key id of a held DID is repaired on open', async () => {
  const dir = tempDir('attack-migrate-');
  const path = join(dir, 'mediator.db');
  const old = new Database(path);
  old.exec(`CREATE TABLE accounts (did TEXT PRIMARY KEY, granted_at INTEGER NOT NULL, queued INTEGER NOT NULL DEFAULT 0, queued_bytes INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE recipients (recipient_did TEXT PRIMARY KEY, account TEXT NOT NULL, added_at INTEGER NOT NULL);`);
  const add = old.prepare('INSERT INTO recipients (recipient_did, account, added_at) VALUES (?, ?, ?)');
  add.run('did:example:alice', 'did:example:a', 2);
  add.run('did:example:alice#key-2', 'did:example:b', 1);
  add.run('did:example:carol#key-1', 'did:example:a', 1);
  add.run('did:example:carol#key-2', 'did:example:b', 2);
  old.close();
  const store = new SqliteStore(path);
  try {
    assert.deepEqual(await store.findRecipient('did:example:alice#key-2'), { account: 'did:example:a', recipientDid: 'did:example:alice' });
    assert.equal(await store.findRecipient('did:example:carol#key-2'), null);
    assert.deepEqual((await store.listRecipients('did:example:b', 0, 10)).dids, []);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('PostgreSQL: a schema where another account registered a key id of a held DID is repaired on open', async (t) => {
  if (!(await requirePostgres(t))) return;
  const schema = `attack_migrate_${randomBytes(4).toString('hex')}`;
  let store = await PostgresStore.open(PG_URL, { schema });
  const sql = postgres(PG_URL, { max: 1, onnotice: () => undefined });
  try {
    await store.close();
    await sql.unsafe(`DROP INDEX ${schema}.recipients_did; ALTER TABLE ${schema}.recipients DROP COLUMN did;
      INSERT INTO ${schema}.recipients (recipient_did, account, added_at) VALUES
        ('did:example:alice', 'did:example:a', 2), ('did:example:alice#key-2', 'did:example:b', 1),
        ('did:example:carol#key-1', 'did:example:a', 1), ('did:example:carol#key-2', 'did:example:b', 2)`);
    store = await PostgresStore.open(PG_URL, { schema });
    assert.deepEqual(await store.findRecipient('did:example:alice#key-2'), { account: 'did:example:a', recipientDid: 'did:example:alice' });
    assert.equal(await store.findRecipient('did:example:carol#key-2'), null);
    assert.deepEqual((await store.listRecipients('did:example:b', 0, 10)).dids, []);
  } finally {
    await sql.end({ timeout: 1 });
    await store.dropSchema().catch(() => undefined);
    await store.close();
  }
});

// ---- Through the mediator, on each store ----------------------------------------------------

/** A forward for `next`, anoncrypted to the mediator, carrying `attachments`. */
async function forwardTo(m, next, attachments, resolver) {
  const fwd = { id: newId(), type: FORWARD_TYPE, to: [m.did], body: { next }, attachments };
  return (await packEncrypted(fwd, { to: m.did, resolver, forward: false })).packed;
}

async function hijack(config) {
  const m = await testMediator(config);
  const resolver = createResolver();
  const clients = [];
  try {
    const alice = await mediatedClient(m.did, resolver);
    const carol = await mediatedClient(m.did, resolver);
    const mallory = await mediatedClient(m.did, resolver);
    const sender = await mediatedClient(m.did, resolver);
    clients.push(alice, carol, mallory, sender);
    // Mallory names Alice's key id, then Alice's DID: refused.
    const tries = await updateKeylist(mallory.agent, m.did, [{ recipient_did: `${alice.did}#key-2`, action: 'add' }, { recipient_did: alice.did, action: 'add' }], { from: mallory.accountDid });
    assert.deepEqual(tries.map((u) => u.result), ['client_error', 'client_error']);
    // A forward for Alice's key id reaches Alice, not Mallory.
    const forAlice = (await packEncrypted(basic(sender.did, alice.did, 'for alice'), { to: alice.did, from: sender.did, resolver, secrets: sender.secrets, forward: false })).packed;
    const fwd = await wrapInForward(JSON.parse(forAlice), `${alice.did}#key-2`, [m.did], { resolver, encAlgAnon: 'A256CBC-HS512' });
    assert.equal((await post(m.url, JSON.stringify(fwd))).status, 202);
    assert.equal((await alice.client.status()).message_count, 1);
    assert.equal((await mallory.client.status()).message_count, 0);
    await alice.client.pickup();
    assert.deepEqual(alice.inbox.map((x) => x.content), ['for alice']);

    // Mallory was first to a key id of Carol's own DID; Carol registers her DID: it is hers, key ids included.
    assert.deepEqual((await updateKeylist(mallory.agent, m.did, [{ recipient_did: `${carol.accountDid}#key-2`, action: 'add' }], { from: mallory.accountDid })).map((u) => u.result), ['success']);
    assert.deepEqual((await updateKeylist(carol.agent, m.did, [{ recipient_did: carol.accountDid, action: 'add' }], { from: carol.accountDid })).map((u) => u.result), ['success']);
    const forCarol = (await packEncrypted(basic(sender.did, carol.accountDid, 'for carol'), { to: carol.accountDid, from: sender.did, resolver, secrets: sender.secrets, forward: false })).packed;
    const fwd2 = await wrapInForward(JSON.parse(forCarol), `${carol.accountDid}#key-2`, [m.did], { resolver, encAlgAnon: 'A256CBC-HS512' });
    assert.equal((await post(m.url, JSON.stringify(fwd2))).status, 202);
    assert.equal((await carol.client.status()).message_count, 1);
    assert.equal((await mallory.client.status()).message_count, 0);
    assert.deepEqual((await m.store.listRecipients(mallory.accountDid, 0, 100)).dids, [mallory.did]);
  } finally {
    for (const c of clients) await c.agent.stop();
    await m.stop();
  }
}

async function recipients(config) {
  const m = await testMediator({ ...config, maxRecipients: 3 });
  const resolver = createResolver();
  let dave;
  try {
    dave = await mediatedClient(m.did, resolver); // registers one DID
    const ok = await updateKeylist(dave.agent, m.did, [{ recipient_did: 'did:example:d1', action: 'add' }, { recipient_did: 'did:example:d2', action: 'add' }], { from: dave.accountDid });
    assert.deepEqual(ok.map((u) => u.result), ['success', 'success']);
    await assert.rejects(updateKeylist(dave.agent, m.did, [{ recipient_did: 'did:example:d3', action: 'add' }], { from: dave.accountDid }), refusedWith(MAX_RECIPIENTS));
    await assert.rejects(updateKeylist(dave.agent, m.did, [{ recipient_did: 'did:example:d1', action: 'remove' }, { recipient_did: 'did:example:d3', action: 'add' }, { recipient_did: 'did:example:d4', action: 'add' }], { from: dave.accountDid }), refusedWith(MAX_RECIPIENTS));
    assert.equal((await m.store.listRecipients(dave.accountDid, 0, 100)).total, 3);
    assert.equal(await refusedCount(m, 'max_recipients'), 2);
  } finally {
    await dave?.agent.stop();
    await m.stop();
  }
}

async function fanOut(t, config) {
  const m = await testMediator({ ...config, maxQueue: 15 });
  const resolver = createResolver();
  const clients = [];
  try {
    const alice = await mediatedClient(m.did, resolver);
    const bob = await mediatedClient(m.did, resolver);
    clients.push(alice, bob);
    // 10,000 JWE-shaped attachments (about 0.7 MB packed): refused at once, nothing queued.
    const many = await forwardTo(m, bob.did, Array.from({ length: 10_000 }, () => ({ data: { json: { ciphertext: 'x' } } })), resolver);
    const started = performance.now();
    const r = await post(m.url, many);
    const ms = performance.now() - started;
    t.diagnostic(`${config.store ? 'PostgreSQL' : 'SQLite'}, unwrap workers ${config.unwrapWorkers ?? 'default'}: 10,000-attachment forward (${many.length} bytes) refused in ${ms.toFixed(0)} ms`);
    assert.equal(r.status, 413);
    assert.equal((await r.json()).error, 'forward_payloads');
    assert.ok(ms < 3000, `refused in ${ms} ms`);
    assert.equal((await bob.client.status()).message_count, 0);
    assert.equal(await refusedCount(m, 'forward_payloads'), 1);

    // Exactly the cap (10): queued, all of it.
    const packs = async (tag) => {
      const out = [];
      for (let i = 0; i < 10; i++) out.push({ data: { json: JSON.parse((await packEncrypted(basic(alice.did, bob.did, `${tag}${i}`), { to: bob.did, from: alice.did, resolver, secrets: alice.secrets, forward: false })).packed) } });
      return out;
    };
    assert.equal((await post(m.url, await forwardTo(m, bob.did, await packs('a'), resolver))).status, 202);
    assert.equal((await bob.client.status()).message_count, 10);
    // Ten more do not fit in a queue of 15: none of them is queued.
    const full = await post(m.url, await forwardTo(m, bob.did, await packs('b'), resolver));
    assert.equal(full.status, 507);
    assert.equal((await bob.client.status()).message_count, 10);
    assert.equal(await refusedCount(m, 'queue_full'), 1, 'one refusal, counted once');
    await bob.client.pickup({ limit: 100 });
    assert.deepEqual(bob.inbox.map((x) => x.content).sort(), Array.from({ length: 10 }, (_, i) => `a${i}`).sort());
  } finally {
    for (const c of clients) await c.agent.stop();
    await m.stop();
  }
}

test('SQLite mediator: key-id hijack attempts are refused; forwards reach the DID\'s owner', () => hijack({}));
test('SQLite mediator: recipients per account capped with a problem report', () => recipients({}));
test('SQLite mediator: a forward over the payload cap is refused before any work, one at the cap queued all or none (unwrap worker)', (t) => fanOut(t, {}));
test('SQLite mediator: the same with forwards decrypted on the main thread', (t) => fanOut(t, { unwrapWorkers: 0 }));

test('PostgreSQL mediator: hijack, recipient cap and fan-out', async (t) => {
  if (!(await requirePostgres(t))) return;
  const pgSchema = `attack_mediator_${randomBytes(4).toString('hex')}`;
  try {
    await hijack({ store: PG_URL, pgSchema });
    await recipients({ store: PG_URL, pgSchema: `${pgSchema}_r` });
    await fanOut(t, { store: PG_URL, pgSchema: `${pgSchema}_f` });
  } finally {
    for (const s of [pgSchema, `${pgSchema}_r`, `${pgSchema}_f`]) await dropPgSchema(s).catch(() => undefined);
  }
});

// ---- File modes -----------------------------------------------------------------------------

test('the data folder is 0700 and what the mediator writes there 0600, also when an earlier version left them wider', { skip: process.platform === 'win32' ? 'POSIX modes' : false }, async () => {
  const root = tempDir('attack-modes-');
  const data = join(root, 'data');
  const files = ['mediator.db', 'mediator.db-wal', 'mediator.db-shm', 'secrets.json', 'passphrase'];
  const modes = () => Object.fromEntries([data, ...files.map((f) => join(data, f))].filter(existsSync).map((p) => [p.slice(root.length), statSync(p).mode & 0o777]));
  const expected = Object.fromEntries([['/data', 0o700], ...files.map((f) => [`/data/${f}`, 0o600])]);
  const umask = process.umask(0o022);
  try {
    // No passphrase configured: one is generated into the data folder.
    let m = await testMediator({ data, passphrase: undefined, sqliteWriter: 'inline' });
    assert.deepEqual(modes(), expected);
    await m.stop();
    chmodSync(data, 0o755);
    for (const f of files) if (existsSync(join(data, f))) chmodSync(join(data, f), 0o644);
    m = await testMediator({ data, passphrase: undefined, sqliteWriter: 'inline' });
    assert.deepEqual(modes(), expected);
    await m.stop();
  } finally {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  }
});
