// DIDComm v1 on two mediator instances sharing one PostgreSQL database: the same v1 key and
// invitation id (derived from the shared identity), the same accounts and queues; a Credo
// wallet live on instance B gets a v1 forward posted to instance A (LISTEN/NOTIFY), and its
// messages-received on B empties the queue A sees, also for what A queued while B's LISTEN
// connection was down. Each run uses its own schema and drops it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { DidCommMediatorPickupStrategy } from '@credo-ts/didcomm';
import { v1 } from '@didcomm-ts/core';
import { createCredoAgent } from './agent.mjs';
import { PostgresStore } from '../../dist/index.js';
import { PG_URL, requirePostgres, testMediator, whileListenKilled } from '../helpers.mjs';

test('two instances on one PostgreSQL: one v1 identity; a v1 forward to A reaches a Credo wallet live on B, also while B\'s LISTEN is down', async (t) => {
  if (!(await requirePostgres(t))) return;
  const pgSchema = `mediator_v1_test_${randomBytes(6).toString('hex')}`;
  // B checks every 200 ms that its LISTEN still hears (the default is 5 s).
  const b = await testMediator({ store: PG_URL, pgSchema }, { store: await PostgresStore.open(PG_URL, { schema: pgSchema, listenCheckMs: 200 }) });
  const a = await testMediator({ store: PG_URL, pgSchema });
  let bob;
  try {
    const [invA, invB] = await Promise.all([a, b].map(async (m) => (await fetch(`${m.url}oob?version=1`)).json()));
    assert.equal(invA['@id'], invB['@id']);
    assert.deepEqual(invA.services[0].recipientKeys, invB.services[0].recipientKeys, 'one v1 key for both instances');

    bob = await createCredoAgent({ label: 'bob', didcomm: { mediationRecipient: { mediatorInvitationUrl: b.v1InvitationUrl, mediatorPickupStrategy: DidCommMediatorPickupStrategy.PickUpV2LiveMode } } });
    const account = (await a.store.listAccounts()).find((x) => x.did.startsWith('did:key:'));
    assert.ok(account, 'the account Bob got on B is seen from A');
    // Bob registers his recipient keys as he makes connections; make one, as a wallet would.
    const routing = await bob.didcomm.mediationRecipient.getRouting({});
    const deadline = Date.now() + 5000;
    let dids = [];
    while ((dids = (await a.store.listRecipients(account.did, 0, 10)).dids).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(dids, [`did:key:${routing.recipientKey.fingerprint}`]);

    const { key: sender } = await v1.generateV1Key();
    const to = dids[0];
    const inner = await v1.packV1({ '@type': 'https://didcomm.org/basicmessage/1.0/message', '@id': crypto.randomUUID(), content: 'via A, live on B' }, { to: [to], from: sender });
    const env = await v1.wrapV1Forward(inner, to, [invA.services[0].recipientKeys[0]]);
    const res = await fetch(a.url, { method: 'POST', headers: { 'content-type': 'application/didcomm-envelope-enc' }, body: JSON.stringify(env) });
    assert.equal(res.status, 202);
    // Delivered live by B, acknowledged by Bob there, gone from the queue as A sees it.
    for (let i = 0; i < 100 && (b.mediator.metrics.get('didcomm_mediator_messages_delivered_total', { mode: 'live' }) < 1 || (await a.store.status(account.did)).messageCount > 0); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(b.mediator.metrics.get('didcomm_mediator_messages_delivered_total', { mode: 'live' }), 1);
    assert.equal(a.mediator.metrics.get('didcomm_mediator_messages_delivered_total', { mode: 'live' }), 0);
    assert.equal((await a.store.status(account.did)).messageCount, 0);

    // B's LISTEN connections killed again and again while forwards go to A: what was queued
    // while B heard nothing reaches Bob all the same, live (B reads the live queues again) or
    // by the pickup Credo makes when a status says more is waiting.
    const killed = await whileListenKilled(pgSchema, async () => {
      for (let i = 0; i < 5; i++) {
        const inner = await v1.packV1({ '@type': 'https://didcomm.org/basicmessage/1.0/message', '@id': crypto.randomUUID(), content: `during the gap ${i}` }, { to: [to], from: sender });
        const res = await fetch(a.url, { method: 'POST', headers: { 'content-type': 'application/didcomm-envelope-enc' }, body: JSON.stringify(await v1.wrapV1Forward(inner, to, [invA.services[0].recipientKeys[0]])) });
        assert.equal(res.status, 202);
        await new Promise((r) => setTimeout(r, 30));
      }
    });
    assert.ok(killed > 0, 'LISTEN connections were killed');
    for (let i = 0; i < 200 && (await a.store.status(account.did)).messageCount > 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await a.store.status(account.did)).messageCount, 0, 'every forward of the gap was delivered and acknowledged');
    // By B; live, or (now and then) by a pickup Credo makes of its own accord.
    const byB = b.mediator.metrics.get('didcomm_mediator_messages_delivered_total', { mode: 'live' }) + b.mediator.metrics.get('didcomm_mediator_messages_delivered_total', { mode: 'pickup' });
    assert.ok(byB >= 6, `B delivered ${byB}`);
    assert.equal(a.mediator.metrics.get('didcomm_mediator_messages_delivered_total', { mode: 'live' }), 0);
  } finally {
    await bob?.shutdown().catch(() => undefined);
    await a.stop();
    await b.stop();
    const sql = postgres(PG_URL, { max: 1, onnotice: () => undefined });
    await sql.unsafe(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`);
    await sql.end();
  }
});
