// What a hostile or careless client might do: act without a grant, without authcrypt, on
// another's queue; send garbage, oversized input, too much; the mediator refuses and keeps serving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import WebSocket from 'ws';
import {
  createResolver, ErrorCodes, MediatorClient, newId, packEncrypted, pickupDeliver, pickupStatus, requestMediation, setLiveDelivery, updateKeylist,
} from '@didcomm-ts/core';
import { allowDid, denyDid, listAccounts } from '../dist/index.js';
import { basic, makeClient, mediatedClient, testMediator } from './helpers.mjs';

const NOT_AUTHORIZED = 'e.p.req.not-authorized';
const refusedWith = (code) => (e) => {
  assert.equal(e.code, ErrorCodes.PROBLEM_REPORT);
  assert.equal(e.cause.code, code);
  return true;
};
const post = (url, body, type = 'application/didcomm-encrypted+json') => fetch(url, { method: 'POST', headers: { 'content-type': type }, body });

test('requests by a DID without a grant, or anoncrypted, are refused', async () => {
  const m = await testMediator();
  const resolver = createResolver();
  const alice = await mediatedClient(m.did, resolver);
  const bob = await mediatedClient(m.did, resolver);
  const mallory = await makeClient(resolver);
  try {
    await alice.agent.send(basic(alice.did, bob.did, 'for bob'));
    // No grant: keylist-update (both versions) and every pickup request are refused.
    for (const version of [2, 3]) {
      await assert.rejects(updateKeylist(mallory.agent, m.did, [{ recipient_did: bob.did, action: 'remove' }], { version }), refusedWith(NOT_AUTHORIZED));
    }
    for (const version of [3, 4]) {
      await assert.rejects(pickupStatus(mallory.agent, m.did, { version }), refusedWith(NOT_AUTHORIZED));
      await assert.rejects(pickupDeliver(mallory.agent, m.did, { version, recipientDid: bob.did }), refusedWith(NOT_AUTHORIZED));
    }
    // Anoncrypt, even from the granted DID (the sender is then only claimed): refused.
    await assert.rejects(pickupStatus(bob.agent, m.did, { from: bob.accountDid, anonymous: true }), refusedWith(NOT_AUTHORIZED));
    await assert.rejects(updateKeylist(bob.agent, m.did, [{ recipient_did: 'did:example:x', action: 'add' }], { from: bob.accountDid, anonymous: true }), refusedWith(NOT_AUTHORIZED));
    await assert.rejects(requestMediation(mallory.agent, m.did, { anonymous: true }), refusedWith(NOT_AUTHORIZED));
    // Mallory with a grant of her own still sees only her queue, whatever recipient_did she names.
    const own = new MediatorClient(mallory.agent, m.did);
    await own.request();
    assert.equal((await own.status(bob.did)).message_count, 0);
    assert.equal((await own.pickup({ recipientDid: bob.did })).messages.length, 0);
    // Live mode over HTTP is not possible.
    await assert.rejects(setLiveDelivery(bob.agent, m.did, true, { from: bob.accountDid, serviceId: `${m.did}#service` }), refusedWith('e.m.live-mode-not-supported'));
    assert.equal((await bob.client.status()).message_count, 1, 'Bob\'s message is untouched');
  } finally {
    for (const c of [alice, bob, mallory]) await c.agent.stop();
    await m.stop();
  }
});

test('garbage, oversized and unroutable input is refused; the service keeps serving', async () => {
  const m = await testMediator({ maxMessageBytes: 64 * 1024 });
  const resolver = createResolver();
  const alice = await mediatedClient(m.did, resolver);
  const bob = await mediatedClient(m.did, resolver);
  try {
    assert.equal((await post(m.url, '{"ciphertext":1')).status, 400);
    assert.equal((await post(m.url, 'not json at all')).status, 400);
    assert.equal((await post(m.url, '{}', 'text/plain')).status, 415);
    assert.equal((await post(m.url, 'x'.repeat(100 * 1024))).status, 413);
    assert.equal((await fetch(`${m.url}nothing`)).status, 404);
    assert.equal((await fetch(m.url, { method: 'PUT', body: 'x' })).status, 405);
    // A JWE-shaped message for keys the mediator does not hold.
    const { packed: notForUs } = await packEncrypted(basic(alice.did, bob.did, 'x'), { to: bob.did, from: alice.did, resolver, secrets: alice.secrets, forward: false });
    assert.ok([400, 404].includes((await post(m.url, notForUs)).status));
    // A forward whose next nobody registered.
    const stranger = await makeClient(resolver);
    const { packed: toStranger } = await packEncrypted(basic(alice.did, stranger.did, 'x'), {
      to: stranger.did, from: alice.did, resolver, secrets: alice.secrets, forward: false,
    });
    const { wrapInForward } = await import('@didcomm-ts/core');
    const fwd = await wrapInForward(JSON.parse(toStranger), stranger.did, [m.did], { resolver, encAlgAnon: 'A256CBC-HS512' });
    const r = await post(m.url, JSON.stringify(fwd));
    assert.equal(r.status, 404);
    assert.equal((await r.json()).error, 'recipient_unknown');
    // A forward that carries plaintext instead of an encrypted message.
    const bad = await wrapInForward({ id: newId(), type: 'x/1.0/y', body: {} }, bob.did, [m.did], { resolver, encAlgAnon: 'A256CBC-HS512' });
    assert.equal((await post(m.url, JSON.stringify(bad))).status, 400);
    await stranger.agent.stop();

    // WebSocket: garbage frames are dropped, an oversized frame closes the connection.
    const ws = new WebSocket(m.wsUrl);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send('garbage');
    ws.send('{"protected":"eyJhbGciOiJFQ0RILUVTK0EyNTZLVyJ9","ciphertext":"x"}');
    const closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(100 * 1024));
    assert.equal(await closed, 1009);

    // Still serving.
    await alice.agent.send(basic(alice.did, bob.did, 'still here'));
    await bob.client.pickup();
    assert.deepEqual(bob.inbox.map((x) => x.content), ['still here']);
    assert.equal((await fetch(`${m.url}healthz`)).status, 200);
  } finally {
    await alice.agent.stop();
    await bob.agent.stop();
    await m.stop();
  }
});

test('limits: queue depth, retention, rate per connection', async () => {
  const m = await testMediator({ maxQueue: 2, retentionSeconds: 1, rateLimit: 5 });
  const resolver = createResolver();
  const alice = await makeClient(resolver);
  const bob = await mediatedClient(m.did, resolver);
  try {
    const forward = async (content) => (await packEncrypted(basic(alice.did, bob.did, content), { to: bob.did, from: alice.did, resolver, secrets: alice.secrets })).packed;
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await post(m.url, await forward(`q${i}`))).status);
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.deepEqual(statuses, [202, 202, 507]);
    // Retention: after a second both are old enough to go.
    await new Promise((r) => setTimeout(r, 1100));
    // The mediator's own purge timer may get there first: both messages went, one way or the other.
    await m.mediator.purge();
    assert.match(await (await fetch(`${m.url}metrics`)).text(), /didcomm_mediator_messages_expired_total 2\n/);
    assert.equal((await bob.client.status()).message_count, 0);
    // Rate: 5 a second with a burst of 10 per connection (fetch may spread over two); a quick 40 meet 429s.
    const packed = await forward('rate');
    const codes = [];
    for (let i = 0; i < 40; i++) {
      // Reading the body frees the keep-alive connection, so they reuse a few connections.
      const res = await post(m.url, packed);
      await res.arrayBuffer();
      codes.push(res.status);
    }
    assert.ok(codes.includes(429), codes.join(','));
  } finally {
    await alice.agent.stop();
    await bob.agent.stop();
    await m.stop();
  }
});

test('access policy allow-list; operator allow, deny and accounts on the data folder', async () => {
  const m = await testMediator({ access: 'allow-list' });
  const loc = { data: m.data };
  const resolver = createResolver();
  const carol = await makeClient(resolver);
  try {
    await assert.rejects(requestMediation(carol.agent, m.did), (e) => e.code === ErrorCodes.MEDIATION_DENIED);
    await allowDid(loc, carol.did);
    const client = new MediatorClient(carol.agent, m.did);
    const { did } = await client.mediate();
    let listing = await listAccounts(loc);
    const row = listing.accounts.find((a) => a.did === carol.did);
    assert.equal(row.recipients, 1);
    assert.equal(row.access, 'allow');
    assert.equal(row.queued, 0);
    // Deny ends the mediation: requests are refused, forwards to its DIDs too.
    assert.deepEqual(await denyDid(loc, carol.did), { revoked: true });
    await assert.rejects(client.status(), refusedWith(NOT_AUTHORIZED));
    await assert.rejects(requestMediation(carol.agent, m.did), (e) => e.code === ErrorCodes.MEDIATION_DENIED);
    listing = await listAccounts(loc);
    assert.equal(listing.accounts.length, 0);
    assert.deepEqual(listing.access, [{ did: carol.did, rule: 'deny' }]);
    const alice = await makeClient(resolver);
    const { packed } = await packEncrypted(basic(alice.did, did.did, 'x'), { to: did.did, from: alice.did, resolver, secrets: alice.secrets });
    assert.equal((await post(m.url, packed)).status, 404);
    await alice.agent.stop();
  } finally {
    await carol.agent.stop();
    await m.stop();
  }
});
