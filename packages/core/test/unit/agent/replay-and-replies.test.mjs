// Replay memory that no stranger can flush, the maximum message age, where the agent's own
// answers (problem reports, acks) may go, and return routes that are let go of.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, createDID, createResolver, ErrorCodes, InMemorySecrets, newId, packEncrypted, unpack } from '@didcomm-ts/core';
import { httpReplySession } from '@didcomm-ts/core/node';
import { SeenIds } from '../../../dist/agent/seen-ids.js';
import { didcommApv } from '../../../dist/jwe/apv.js';

const PING = 'https://didcomm.org/trust-ping/2.0/ping';
const EMPTY = 'https://didcomm.org/empty/1.0/empty';

async function party(resolver) {
  const d = await createDID('peer');
  const secrets = new InMemorySecrets(d.secrets);
  return { did: d.did, secrets, agent: new Agent({ did: d.did, secrets, resolver }) };
}

/** A session that records what is sent over it. */
function recorder(id) {
  const sent = [];
  return { sent, session: { id, kind: 'ws', open: true, send: async (p) => void sent.push(p) } };
}

test('SeenIds: a flood of unauthenticated ids or of another sender never evicts a sender\'s ids', () => {
  const seen = new SeenIds({ idsPerSender: 100, unauthenticatedIds: 1000, maxEntries: 5000 });
  assert.equal(seen.add('did:example:alice', 'm-1'), true);
  assert.equal(seen.add('did:example:alice', 'M-1'), false, 'ids compare case-insensitively');
  for (let i = 0; i < 100_001; i++) seen.add(undefined, `anon-${i}`);
  for (let i = 0; i < 1000; i++) seen.add('did:example:mallory', `m-${i}`);
  assert.equal(seen.add('did:example:alice', 'm-1'), false, 'still remembered after both floods');
  assert.ok(seen.size <= 5000);
  // A sender's own traffic pushes out only its own oldest ids.
  for (let i = 2; i < 102; i++) seen.add('did:example:alice', `m-${i}`);
  assert.equal(seen.add('did:example:alice', 'm-1'), true, 'past idsPerSender the oldest goes');
  // The total bound: many senders share it; the one silent longest loses first.
  const small = new SeenIds({ idsPerSender: 10, unauthenticatedIds: 10, maxEntries: 20 });
  for (let s = 0; s < 10; s++) for (let i = 0; i < 5; i++) small.add(`did:example:s${s}`, `x${i}`);
  assert.ok(small.size <= 20);
  assert.equal(small.add('did:example:s9', 'x4'), false, 'the most recent sender keeps its ids');
});

test('an authcrypted message replayed after 100 001 anonymous messages is still refused', async () => {
  const resolver = createResolver();
  const alice = await party(resolver);
  const bob = await party(resolver);
  const { packed } = await packEncrypted({ id: newId(), type: EMPTY, from: alice.did, to: [bob.did], body: {} }, { to: bob.did, from: alice.did, resolver, secrets: alice.secrets });
  await bob.agent.receive(packed);
  for (let i = 0; i < 100_001; i++) {
    await bob.agent.receive(JSON.stringify({ id: `flood-${i}`, type: EMPTY, typ: 'application/didcomm-plain+json', body: {} }));
  }
  await assert.rejects(bob.agent.receive(packed), (e) => e.code === ErrorCodes.DUPLICATE);
});

test('a claimed `from` does not fill the real sender\'s replay memory', async () => {
  const resolver = createResolver();
  const alice = await party(resolver);
  const bob = await party(resolver);
  const id = newId();
  // Mallory sends plaintext in Alice's name with the id Alice will use.
  await bob.agent.receive(JSON.stringify({ id, type: EMPTY, typ: 'application/didcomm-plain+json', from: alice.did, to: [bob.did], body: {} }));
  const { packed } = await packEncrypted({ id, type: EMPTY, from: alice.did, to: [bob.did], body: {} }, { to: bob.did, from: alice.did, resolver, secrets: alice.secrets });
  const { metadata } = await bob.agent.receive(packed);
  assert.equal(metadata.authenticated, true, 'Alice\'s real message is accepted');
});

test('maximum message age: created_time too old or too far ahead is refused; absent is judged by id', async () => {
  const resolver = createResolver();
  const alice = await party(resolver);
  const bd = await createDID('peer');
  const bob = new Agent({ did: bd.did, secrets: new InMemorySecrets(bd.secrets), resolver, replay: { maxMessageAgeSeconds: 60 } });
  const now = Math.floor(Date.now() / 1000);
  const pack = async (extra) => (await packEncrypted({ id: newId(), type: EMPTY, from: alice.did, to: [bd.did], body: {}, ...extra }, { to: bd.did, from: alice.did, resolver, secrets: alice.secrets })).packed;
  await assert.rejects(bob.receive(await pack({ created_time: now - 3600 })), (e) => e.code === ErrorCodes.EXPIRED);
  await assert.rejects(bob.receive(await pack({ created_time: now + 3600 })), (e) => e.code === ErrorCodes.EXPIRED);
  await bob.receive(await pack({ created_time: now - 30 }));
  await bob.receive(await pack({}));
});

test('problem reports and acks for an unproven sender go back over the requesting connection only, anoncrypted', async () => {
  const resolver = createResolver();
  const victim = await party(resolver);
  const server = await party(resolver);
  // The victim holds a return-routed channel to the server (as a live-mode client does).
  const victimChannel = recorder('victim');
  const { packed: hello } = await packEncrypted({ id: newId(), type: EMPTY, from: victim.did, to: [server.did], body: {}, return_route: 'all' }, { to: server.did, from: victim.did, resolver, secrets: victim.secrets });
  await server.agent.receive(hello, victimChannel.session);
  assert.equal(victimChannel.sent.length, 0);
  // Mallory: plaintext in the victim's name, an unknown type (a problem report) asking for an ack.
  const attacker = recorder('mallory');
  const forged = { id: newId(), thid: 'attacker-chosen', type: 'https://example.org/evil/1.0/x', from: victim.did, to: [server.did], please_ack: [''], body: {} };
  await server.agent.receive(JSON.stringify({ ...forged, typ: 'application/didcomm-plain+json' }), attacker.session);
  assert.equal(victimChannel.sent.length, 0, 'nothing reached the victim\'s channel');
  assert.equal(attacker.sent.length, 2, 'a problem report and an ack, on the requesting connection');
  for (const p of attacker.sent) {
    const { message, metadata } = await unpack(p, { resolver, secrets: victim.secrets });
    assert.equal(metadata.authenticated, false, 'not authenticated as the server: nobody can pass it on in its name');
    assert.equal(message.from, undefined);
  }
  // Without a connection to answer on, nothing is sent anywhere.
  const r = await server.agent.receive(JSON.stringify({ ...forged, id: newId(), typ: 'application/didcomm-plain+json' }));
  assert.equal(r.message.from, victim.did);
  assert.equal(victimChannel.sent.length, 0);
  // An authenticated sender still gets its problem report on its return route.
  const { packed: real } = await packEncrypted({ ...forged, id: newId(), return_route: 'all' }, { to: server.did, from: victim.did, resolver, secrets: victim.secrets });
  const own = recorder('victim-2');
  await server.agent.receive(real, own.session);
  const types = [];
  for (const p of own.sent) types.push((await unpack(p, { resolver, secrets: victim.secrets })).message.type);
  assert.ok(types.includes('https://didcomm.org/report-problem/2.0/problem-report'), types.join());
});

test('return routes are let go of when their HTTP exchange ends, and bounded in number', async () => {
  const resolver = createResolver();
  const sd = await createDID('peer');
  const server = new Agent({ did: sd.did, secrets: new InMemorySecrets(sd.secrets), resolver, maxReturnRoutes: 5 });
  server.on(PING, (ctx) => ctx.reply({ type: 'https://didcomm.org/trust-ping/2.0/ping-response', body: { padding: 'x'.repeat(100_000) } }));
  for (let i = 0; i < 3; i++) {
    const c = await party(resolver);
    const { packed } = await packEncrypted({ id: newId(), type: PING, from: c.did, to: [sd.did], body: { response_requested: true }, return_route: 'all' }, { to: sd.did, from: c.did, resolver, secrets: c.secrets });
    const exchange = httpReplySession();
    await server.receive(packed, exchange.session);
    assert.equal(exchange.hasReply(), true);
  }
  assert.equal(server.returnRouteCount, 0, 'an exchange that carried its reply is not remembered');
  // WebSocket-like channels stay while open, up to the bound.
  for (let i = 0; i < 8; i++) {
    const c = await party(resolver);
    const { packed } = await packEncrypted({ id: newId(), type: EMPTY, from: c.did, to: [sd.did], body: {}, return_route: 'all' }, { to: sd.did, from: c.did, resolver, secrets: c.secrets });
    await server.receive(packed, recorder(`ws-${i}`).session);
  }
  assert.equal(server.returnRouteCount, 5);
});

test('a JWE that lists one recipient kid many times is malformed before any key agreement', async () => {
  const resolver = createResolver();
  const alice = await party(resolver);
  const bob = await party(resolver);
  const { packed } = await packEncrypted({ id: newId(), type: EMPTY, to: [bob.did], body: {} }, { to: bob.did, resolver, secrets: alice.secrets });
  const jwe = JSON.parse(packed);
  const kid = jwe.recipients[0].header.kid;
  const kids = Array(100).fill(kid);
  // A correct apv for the repeated list, and keys that do not unwrap: each copy would be tried.
  const header = JSON.parse(Buffer.from(jwe.protected, 'base64url').toString());
  header.apv = Buffer.from(await didcommApv(kids)).toString('base64url');
  jwe.protected = Buffer.from(JSON.stringify(header)).toString('base64url');
  jwe.recipients = kids.map(() => ({ header: { kid }, encrypted_key: Buffer.alloc(40, 7).toString('base64url') }));
  await assert.rejects(unpack(JSON.stringify(jwe), { resolver, secrets: bob.secrets }), (e) => e.code === ErrorCodes.MALFORMED && /repeats the kid/.test(e.message));
});
