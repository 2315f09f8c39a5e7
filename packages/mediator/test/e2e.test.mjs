// Alice and Bob (our agents) mediate with the mediator over real sockets; Alice writes to
// Bob while he is offline, Bob picks up by polling (pickup 4.0 and 3.0), then goes live over
// WebSocket and gets the next message at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResolver, MediatorClient, packEncrypted, queryKeylist, pickupStatus } from '@didcomm-ts/core';
import { basic, mediatedClient, testMediator } from './helpers.mjs';

test('Alice to offline Bob, polled with 4.0 then 3.0, then live over WebSocket', async () => {
  const m = await testMediator();
  const resolver = createResolver();
  const alice = await mediatedClient(m.did, resolver);
  const bob = await mediatedClient(m.did, resolver);
  try {
    // Bob's mediated DID routes through the mediator: its service names the mediator's DID.
    const doc = await resolver.resolve(bob.did);
    assert.equal(doc.service[0].serviceEndpoint.uri ?? doc.service[0].serviceEndpoint, m.did);
    const keys = await queryKeylist(bob.agent, m.did, { from: bob.accountDid });
    assert.deepEqual(keys.dids, [bob.did]);

    // Bob is offline: the message waits at the mediator.
    await alice.agent.send(basic(alice.did, bob.did, 'one'));
    const status = await bob.client.status();
    assert.equal(status.message_count, 1);
    assert.equal(status.live_delivery, false);
    assert.ok(status.total_bytes > 0);
    assert.equal(typeof status.oldest_received_time, 'number');

    // Polling, 4.0: received by Bob's normal handler, then acknowledged and gone.
    const r = await bob.client.pickup({ limit: 10 });
    assert.equal(r.messages.length, 1);
    assert.deepEqual(bob.inbox.map((x) => x.content), ['one']);
    assert.equal(bob.inbox[0].from, alice.did);
    assert.equal(r.status.message_count, 0);
    // 4.0: an empty queue gives an empty delivery.
    assert.equal((await bob.client.pickup()).messages.length, 0);

    // Polling, 3.0, on the same account.
    const bob3 = new MediatorClient(bob.agent, m.did, { pickupVersion: 3, accountDid: bob.accountDid });
    await alice.agent.send(basic(alice.did, bob.did, 'two'));
    assert.equal((await pickupStatus(bob.agent, m.did, { version: 3, from: bob.accountDid, recipientDid: bob.did })).message_count, 1);
    assert.equal((await bob3.pickup()).messages.length, 1);
    assert.deepEqual(bob.inbox.map((x) => x.content), ['one', 'two']);
    // 3.0: an empty queue is answered with a status.
    const empty = await bob3.pickup();
    assert.equal(empty.messages.length, 0);
    assert.equal(empty.status.message_count, 0);

    // Live mode over the WebSocket: the next message arrives without asking.
    const live = await bob.client.live(true);
    assert.equal(live.live_delivery, true);
    const sent = Date.now();
    await alice.agent.send(basic(alice.did, bob.did, 'three'));
    await bob.waitFor(3, 3000);
    assert.ok(Date.now() - sent < 3000);
    assert.equal(bob.inbox[2].content, 'three');
    // Acknowledged over the same connection: nothing stays queued.
    for (let i = 0; i < 50 && (await bob.client.status()).message_count > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await bob.client.status()).message_count, 0);

    // Bob answers Alice through the mediator too; Alice polls.
    await bob.agent.send(basic(bob.did, alice.did, 'hi Alice'));
    await alice.client.pickup();
    assert.deepEqual(alice.inbox.map((x) => x.content), ['hi Alice']);

    const metrics = await (await fetch(`${m.url}metrics`)).text();
    assert.match(metrics, /didcomm_mediator_messages_in_total\{kind="forward"\} 4/);
    assert.match(metrics, /didcomm_mediator_messages_delivered_total\{mode="live"\} 1/);
    assert.match(metrics, /didcomm_mediator_live_delivery_seconds_count 1\n/);
    assert.match(metrics, /didcomm_mediator_forward_seconds_count 4\n/);
  } finally {
    await alice.agent.stop();
    await bob.agent.stop();
    await m.stop();
  }
});

test('coordinate-mediation 2.0 and messagepickup 3.0 clients; keylist add and remove', async () => {
  const m = await testMediator();
  const resolver = createResolver();
  const carol = await mediatedClient(m.did, resolver, { mediationVersion: 2, pickupVersion: 3 });
  const alice = await mediatedClient(m.did, resolver);
  try {
    const list = await carol.client.recipients();
    assert.deepEqual(list.dids, [carol.did]);
    assert.deepEqual(list.pagination, { count: 1, offset: 0, remaining: 0 });
    await alice.agent.send(basic(alice.did, carol.did, 'to carol'));
    await carol.client.pickup();
    assert.deepEqual(carol.inbox.map((x) => x.content), ['to carol']);
    // Adding twice is no_change; another account cannot take the DID.
    assert.equal((await carol.client.addRecipient(carol.did))[0].result, 'no_change');
    assert.equal((await alice.client.addRecipient(carol.did))[0].result, 'client_error');
    assert.equal((await carol.client.removeRecipient(carol.did))[0].result, 'success');
    // A forward to a DID nobody registers is refused (over HTTP: 404).
    const { packed } = await packEncrypted(basic(alice.did, carol.did, 'nobody takes this'), { to: carol.did, from: alice.did, resolver, secrets: alice.secrets });
    const res = await fetch(m.url, { method: 'POST', headers: { 'content-type': 'application/didcomm-encrypted+json' }, body: packed });
    assert.equal(res.status, 404);
    assert.equal((await res.json()).error, 'recipient_unknown');
  } finally {
    await alice.agent.stop();
    await carol.agent.stop();
    await m.stop();
  }
});

test('a message for several recipients is queued for each, and acknowledged by each', async () => {
  const m = await testMediator();
  const resolver = createResolver();
  const alice = await mediatedClient(m.did, resolver);
  const bob = await mediatedClient(m.did, resolver);
  const carol = await mediatedClient(m.did, resolver);
  try {
    await alice.agent.send(basic(alice.did, [bob.did, carol.did], 'to both'));
    assert.equal((await bob.client.status()).message_count, 1);
    assert.equal((await carol.client.status()).message_count, 1);
    await bob.client.pickup();
    assert.equal((await bob.client.status()).message_count, 0);
    // Bob's acknowledgement left Carol's copy alone.
    assert.equal((await carol.client.status()).message_count, 1);
    await carol.client.pickup();
    assert.deepEqual([bob.inbox[0].content, carol.inbox[0].content], ['to both', 'to both']);
    // Carol cannot acknowledge (delete) Bob's messages: ids are per account.
    await alice.agent.send(basic(alice.did, bob.did, 'bob only'));
    const [{ id }] = (await bob.client.pickup({ ack: false })).messages;
    await carol.client.acknowledge([id]);
    assert.equal((await bob.client.status()).message_count, 1);
  } finally {
    for (const c of [alice, bob, carol]) await c.agent.stop();
    await m.stop();
  }
});

test('at-least-once: a live delivery that is not acknowledged is picked up later', async () => {
  const m = await testMediator();
  const resolver = createResolver();
  const alice = await mediatedClient(m.did, resolver);
  const dave = await mediatedClient(m.did, resolver);
  try {
    const seen = [];
    await dave.client.live(true, { ack: false, onDelivery: (msgs) => seen.push(...msgs.map((x) => x.id)) });
    await alice.agent.send(basic(alice.did, dave.did, 'unacknowledged'));
    await dave.waitFor(1, 3000);
    for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(seen.length, 1);
    // The connection drops before any acknowledgement.
    await dave.ws.close();
    const status = await dave.client.status();
    assert.equal(status.message_count, 1);
    assert.equal(status.live_delivery, false);
    const again = await dave.client.pickup();
    assert.deepEqual(again.messages.map((x) => x.id), seen);
    assert.equal(again.status.message_count, 0);
  } finally {
    await alice.agent.stop();
    await dave.agent.stop();
    await m.stop();
  }
});

test('live acknowledgements are gathered: a burst takes fewer messages-received than deliveries, and the queue empties', async () => {
  const m = await testMediator();
  const resolver = createResolver();
  const alice = await mediatedClient(m.did, resolver);
  const erin = await mediatedClient(m.did, resolver);
  const frank = await mediatedClient(m.did, resolver);
  // Count the acknowledgements each recipient sends.
  const acksOf = (c) => {
    const sent = [];
    const send = c.agent.send.bind(c.agent);
    c.agent.send = (msg, o) => {
      if (String(msg.type).endsWith('/messages-received')) sent.push(msg.body.message_id_list.length);
      return send(msg, o);
    };
    return sent;
  };
  const erinAcks = acksOf(erin);
  const frankAcks = acksOf(frank);
  try {
    const erinDeliveries = [];
    const frankDeliveries = [];
    await erin.client.live(true, { ackDelayMs: 1000, onDelivery: (msgs) => erinDeliveries.push(msgs.length) });
    await frank.client.live(true, { ackDelayMs: 0, onDelivery: (msgs) => frankDeliveries.push(msgs.length) });
    const n = 12;
    for (let i = 0; i < n; i++) {
      await alice.agent.send(basic(alice.did, erin.did, `e${i}`));
      await alice.agent.send(basic(alice.did, frank.did, `f${i}`));
      // Apart enough that most go out as deliveries of their own.
      await new Promise((r) => setTimeout(r, 30));
    }
    await erin.waitFor(n, 5000);
    await frank.waitFor(n, 5000);
    const drained = async (c) => {
      for (let i = 0; i < 200; i++) {
        if ((await c.client.status()).message_count === 0) return true;
        await new Promise((r) => setTimeout(r, 20));
      }
      return false;
    };
    assert.ok(await drained(erin), 'every gathered acknowledgement arrived');
    assert.ok(await drained(frank));
    const sum = (a) => a.reduce((x, y) => x + y, 0);
    assert.equal(sum(erinAcks), n, 'each message acknowledged once');
    assert.ok(erinAcks.length < erinDeliveries.length, `gathered: ${erinAcks.length} acknowledgements for ${erinDeliveries.length} deliveries`);
    assert.equal(sum(frankAcks), n);
    assert.equal(frankAcks.length, frankDeliveries.length, 'ackDelayMs 0: one acknowledgement per delivery');
  } finally {
    for (const c of [alice, erin, frank]) await c.agent.stop();
    await m.stop();
  }
});

test('turning live mode off sends the gathered acknowledgements first', async () => {
  const m = await testMediator();
  const resolver = createResolver();
  const alice = await mediatedClient(m.did, resolver);
  const gina = await mediatedClient(m.did, resolver);
  try {
    await gina.client.live(true, { ackDelayMs: 60_000 });
    await alice.agent.send(basic(alice.did, gina.did, 'held ack'));
    await gina.waitFor(1, 3000);
    assert.equal((await gina.client.status()).message_count, 1, 'not acknowledged yet');
    await gina.client.live(false);
    assert.equal((await gina.client.status()).message_count, 0);
  } finally {
    await alice.agent.stop();
    await gina.agent.stop();
    await m.stop();
  }
});

test('the mediator answers trust-ping and discover-features; GET /oob, /healthz', async () => {
  const m = await testMediator();
  const resolver = createResolver();
  const { trustPing, discoverFeatures, parseInvitation } = await import('@didcomm-ts/core');
  const alice = await mediatedClient(m.did, resolver);
  try {
    // Answered on the return route...
    const pong = await trustPing.ping(alice.agent, m.did, { timeoutMs: 5000, headers: { return_route: 'all' } });
    assert.ok(pong.response);
    // ...or, without one, queued for Alice (her DID routes through this mediator) until she picks up.
    const later = trustPing.ping(alice.agent, m.did, { timeoutMs: 5000 });
    for (let i = 0; i < 100 && (await alice.client.status()).message_count === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await alice.client.pickup();
    assert.ok((await later).response);
    const oob = await (await fetch(`${m.url}oob`)).json();
    assert.equal(oob.type, 'https://didcomm.org/out-of-band/2.0/invitation');
    assert.equal(oob.from, m.did);
    assert.deepEqual(oob.body.accept, ['didcomm/v2']);
    const url = await (await fetch(`${m.url}oob?format=url`)).text();
    assert.match(url, /\?_oob=/);
    assert.deepEqual(parseInvitation(url), oob);
    const health = await (await fetch(`${m.url}healthz`)).json();
    assert.equal(health.status, 'ok');
    assert.equal(health.did, m.did);
    if (typeof discoverFeatures.discover === 'function') {
      // The disclosure is queued for Alice (no return route): pick it up.
      const pending = discoverFeatures.discover(alice.agent, m.did, [{ 'feature-type': 'protocol', match: 'https://didcomm.org/*' }], { timeoutMs: 5000 });
      for (let i = 0; i < 100 && (await alice.client.status()).message_count === 0; i++) await new Promise((r) => setTimeout(r, 10));
      await alice.client.pickup();
      const found = await pending;
      const ids = JSON.stringify(found);
      assert.match(ids, /coordinate-mediation\/3\.0/);
      assert.match(ids, /message-pickup\/4\.0/);
    }
  } finally {
    await alice.agent.stop();
    await m.stop();
  }
});
