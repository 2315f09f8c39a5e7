// Two mediator instances on one PostgreSQL database act as one mediator: the same DID and
// keys, the same accounts and queues; a forward posted to instance A reaches a recipient who
// is live on instance B (LISTEN/NOTIFY), also when B's LISTEN connection drops meanwhile.
// Each run uses its own schema and drops it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createResolver, packEncrypted } from '@didcomm-ts/core';
import { listAccounts, PostgresStore } from '../dist/index.js';
import { basic, dropPgSchema, mediatedClient, PG_URL, requirePostgres, testMediator, whileListenKilled } from './helpers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('two instances on one PostgreSQL: forward to A, live delivery from B', async (t) => {
  if (!(await requirePostgres(t))) return;
  const pgSchema = `mediator_test_${randomBytes(6).toString('hex')}`;
  // B starts first, so the shared DID names B's endpoints: clients reach B, and we post to A by hand.
  const b = await testMediator({ store: PG_URL, pgSchema });
  const a = await testMediator({ store: PG_URL, pgSchema });
  const resolver = createResolver();
  let alice, bob;
  try {
    assert.equal(a.did, b.did, 'instances on one database share the DID');
    alice = await mediatedClient(b.did, resolver);
    bob = await mediatedClient(b.did, resolver);
    await bob.client.live(true);

    // Alice's message, forward-wrapped for the mediator DID, posted to instance A.
    const { packed } = await packEncrypted(basic(alice.did, bob.did, 'via A, live on B'), { to: bob.did, from: alice.did, resolver, secrets: alice.secrets });
    const res = await fetch(a.url, { method: 'POST', headers: { 'content-type': 'application/didcomm-encrypted+json' }, body: packed });
    assert.equal(res.status, 202);
    await bob.waitFor(1, 5000);
    assert.equal(bob.inbox[0].content, 'via A, live on B');
    // Acknowledged on B, gone from the shared queue as seen from A.
    for (let i = 0; i < 100 && (await a.store.status(bob.accountDid)).messageCount > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await a.store.status(bob.accountDid)).messageCount, 0);

    // Polling works across instances as well: queued through B, listed by the operator tool.
    await bob.client.live(false);
    await alice.agent.send(basic(alice.did, bob.did, 'queued'));
    const { accounts } = await listAccounts({ store: PG_URL, pgSchema });
    assert.equal(accounts.find((x) => x.did === bob.accountDid)?.queued, 1);
    await bob.client.pickup();
    assert.deepEqual(bob.inbox.map((x) => x.content), ['via A, live on B', 'queued']);
  } finally {
    await alice?.agent.stop();
    await bob?.agent.stop();
    await a.stop();
    await b.stop();
    await dropPgSchema(pgSchema);
  }
});

test('PostgreSQL: what another instance queues while the LISTEN connection is down still reaches a live recipient, without a pickup', async (t) => {
  if (!(await requirePostgres(t))) return;
  const pgSchema = `mediator_test_${randomBytes(6).toString('hex')}`;
  // B checks every 200 ms that its LISTEN still hears (the default is 5 s).
  const b = await testMediator({ store: PG_URL, pgSchema }, { store: await PostgresStore.open(PG_URL, { schema: pgSchema, listenCheckMs: 200 }) });
  const a = await testMediator({ store: PG_URL, pgSchema });
  const resolver = createResolver();
  let alice, bob;
  try {
    alice = await mediatedClient(b.did, resolver);
    bob = await mediatedClient(b.did, resolver);
    await bob.client.live(true);
    const post = async (content) => {
      const { packed } = await packEncrypted(basic(alice.did, bob.did, content), { to: bob.did, from: alice.did, resolver, secrets: alice.secrets });
      const res = await fetch(a.url, { method: 'POST', headers: { 'content-type': 'application/didcomm-encrypted+json' }, body: packed });
      assert.equal(res.status, 202);
    };
    await post('before');
    await bob.waitFor(1, 5000);

    // Only this test's instances' LISTEN connections are killed, again and again while
    // forwards go to A: a new LISTEN killed in its turn made postgres.js stop listening altogether.
    const sent = [];
    const killed = await whileListenKilled(pgSchema, async () => {
      for (let i = 0; i < 8; i++) {
        sent.push(`during the gap ${i}`);
        await post(sent.at(-1));
        await sleep(30);
      }
    });
    assert.ok(killed > 0, 'LISTEN connections were killed');

    const deadline = Date.now() + 10_000;
    const arrived = () => sent.filter((c) => bob.inbox.some((x) => x.content === c));
    while (arrived().length < sent.length && Date.now() < deadline) await sleep(50);
    assert.deepEqual(arrived(), sent, 'every forward queued during the gap was delivered live');
    assert.ok(b.mediator.metrics.get('didcomm_mediator_live_resyncs_total') > 0, 'B read its live queues again');
    // Delivered once each: what was in flight when a resync read the queue is not sent again.
    assert.equal(bob.inbox.length, 1 + sent.length, `inbox: ${bob.inbox.map((x) => x.content).join(', ')}`);
  } finally {
    await alice?.agent.stop();
    await bob?.agent.stop();
    await a.stop();
    await b.stop();
    await dropPgSchema(pgSchema);
  }
});
