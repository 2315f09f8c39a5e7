// Issue 11 items 4, 6, 7 and 8 against a running mediator: answers to a forged `from` reach
// nobody else, HTTP pickups leave nothing behind per sender, repeated recipient kids and
// replays are refused (a replay with a return route gets its problem report).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createResolver, EMPTY_TYPE, newId, packEncrypted, PICKUP, unpack } from '@didcomm-ts/core';
import { basic, makeClient, mediatedClient, testMediator } from './helpers.mjs';

const PROBLEM_REPORT = 'https://didcomm.org/report-problem/2.0/problem-report';
const post = (url, body, type = 'application/didcomm-encrypted+json') => fetch(url, { method: 'POST', headers: { 'content-type': type }, body });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('a plaintext message in a live victim\'s name gets no problem report or ack onto the victim\'s connection', async () => {
  const m = await testMediator();
  const resolver = createResolver();
  const bob = await mediatedClient(m.did, resolver);
  const onBobsSocket = [];
  for (const type of [PROBLEM_REPORT, EMPTY_TYPE]) bob.agent.on(type, (ctx) => void onBobsSocket.push(ctx.message));
  try {
    await bob.client.live(true);
    for (let i = 0; i < 5; i++) {
      const forged = { id: newId(), thid: 'attacker-thread', type: 'https://example.org/evil/1.0/x', from: bob.accountDid, to: [m.did], please_ack: [''], body: { comment: 'trust me' } };
      const r = await post(m.url, JSON.stringify({ ...forged, typ: 'application/didcomm-plain+json' }), 'application/didcomm-plain+json');
      assert.ok(r.status < 500, `status ${r.status}`);
      await r.arrayBuffer();
    }
    await sleep(500);
    assert.deepEqual(onBobsSocket, [], 'nothing was pushed to Bob');
    // Bob's own mistakes are still answered to him.
    await bob.agent.send({ id: newId(), type: 'https://example.org/evil/1.0/x', from: bob.accountDid, to: [m.did], body: {} }, { serviceId: undefined });
    for (let i = 0; i < 50 && onBobsSocket.length === 0; i++) await sleep(20);
    assert.equal(onBobsSocket[0]?.type, PROBLEM_REPORT);
  } finally {
    await bob.agent.stop();
    await m.stop();
  }
});

test('HTTP pickups by many senders leave no reply text or session behind', async () => {
  const m = await testMediator({ maxMessageBytes: 256 * 1024 });
  const resolver = createResolver();
  const alice = await makeClient(resolver);
  const accounts = [];
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  try {
    // 7 messages of 100 kB: one delivery each (the default budget is 1 MiB).
    for (let a = 0; a < 12; a++) {
      const c = await mediatedClient(m.did, resolver);
      for (let i = 0; i < 7; i++) await alice.agent.send(basic(alice.did, c.did, `${a}-${i}-${'x'.repeat(100_000)}`));
      accounts.push(c);
    }
    gc();
    const before = process.memoryUsage().heapUsed;
    for (const c of accounts) {
      const got = await c.client.pickup({ limit: 100 });
      assert.equal(got.messages.length, 7);
      c.inbox.length = 0;
    }
    gc();
    await sleep(50);
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    // Each delivery was ~1.7 MB of packed text; keeping them would be ~20 MB.
    assert.ok(grown < 6 * 1024 * 1024, `heap grew by ${(grown / 1048576).toFixed(1)} MB`);
    assert.equal(m.mediator.agent.returnRouteCount, 0, 'no HTTP exchange is remembered as a return route');
  } finally {
    for (const c of [alice, ...accounts]) await c.agent.stop();
    await m.stop();
  }
});

test('a JWE listing the mediator\'s kid 100 times is refused as malformed, at once', async () => {
  const m = await testMediator();
  const resolver = createResolver();
  const alice = await makeClient(resolver);
  const bob = await mediatedClient(m.did, resolver);
  try {
    const { packed } = await packEncrypted(basic(alice.did, bob.did, 'x'), { to: bob.did, from: alice.did, resolver, secrets: alice.secrets });
    const jwe = JSON.parse(packed);
    jwe.recipients = Array(100).fill(jwe.recipients[0]);
    const started = performance.now();
    const r = await post(m.url, JSON.stringify(jwe));
    assert.equal(r.status, 400);
    assert.equal((await r.json()).error, 'ERR_MALFORMED');
    assert.ok(performance.now() - started < 2000);
    assert.equal((await bob.client.status()).message_count, 0);
    assert.match(await (await fetch(`${m.url}metrics`)).text(), /didcomm_mediator_refused_total\{reason="ERR_MALFORMED"\} [1-9]/);
  } finally {
    await alice.agent.stop();
    await bob.agent.stop();
    await m.stop();
  }
});

test('a replayed request is refused with 409 and, asked for a return route, a problem report; an old one with 410', async () => {
  const m = await testMediator();
  const resolver = createResolver();
  const bob = await mediatedClient(m.did, resolver);
  try {
    const request = { id: newId(), type: PICKUP[4].statusRequest, from: bob.accountDid, to: [m.did], created_time: Math.floor(Date.now() / 1000), return_route: 'all', body: {} };
    const { packed } = await packEncrypted(request, { to: m.did, from: bob.accountDid, resolver, secrets: bob.secrets, forward: false });
    const first = await post(m.url, packed);
    assert.equal(first.status, 200);
    assert.equal((await unpack(await first.text(), { resolver, secrets: bob.secrets })).message.type, PICKUP[4].status);
    const again = await post(m.url, packed);
    assert.equal(again.status, 409);
    const { message, metadata } = await unpack(await again.text(), { resolver, secrets: bob.secrets });
    assert.equal(message.type, PROBLEM_REPORT);
    assert.equal(message.pthid, request.id);
    assert.equal(metadata.authenticated, true);
    // Created an hour ago: past the maximum message age.
    const { packed: old } = await packEncrypted({ ...request, id: newId(), created_time: Math.floor(Date.now() / 1000) - 3600 }, { to: m.did, from: bob.accountDid, resolver, secrets: bob.secrets, forward: false });
    const r = await post(m.url, old);
    assert.equal(r.status, 410);
    assert.equal((await r.json()).error, 'ERR_EXPIRED');
  } finally {
    await bob.agent.stop();
    await m.stop();
  }
});

test('a forward the store refuses is never answered 2xx, on the agent path too (plaintext, no sender)', async () => {
  const m = await testMediator({ maxQueue: 1 });
  const resolver = createResolver();
  const alice = await makeClient(resolver);
  const bob = await mediatedClient(m.did, resolver);
  try {
    const plainForward = async (content) => {
      const { packed } = await packEncrypted(basic(alice.did, bob.did, content), { to: bob.did, from: alice.did, resolver, secrets: alice.secrets, forward: false });
      const fwd = { id: newId(), type: 'https://didcomm.org/routing/2.0/forward', typ: 'application/didcomm-plain+json', to: [m.did], body: { next: bob.did }, attachments: [{ data: { json: JSON.parse(packed) } }] };
      return post(m.url, JSON.stringify(fwd), 'application/didcomm-plain+json');
    };
    assert.equal((await plainForward('first')).status, 202);
    const r = await plainForward('second: the queue is full');
    assert.equal(r.status, 507);
    assert.equal((await r.json()).error, 'queue_full');
    assert.equal((await bob.client.status()).message_count, 1);
  } finally {
    await alice.agent.stop();
    await bob.agent.stop();
    await m.stop();
  }
});
