// Routing 2.0 through the didcomm-rust mediator documents: CHARLIE_DID_DOC's endpoint is the
// DID did:example:mediator3 with routingKeys [mediator2#key-x25519-1, mediator1#key-x25519-1]
// (FEATURES 98-104, 113-117). No upstream fixed vectors exist for routing (ERRATA "Gaps").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unpack, packEncrypted, parseForward, wrapInForward, FORWARD_TYPE, ErrorCodes } from '../../../dist/index.js';
import { ALICE, BOB, CHARLIE, docs, now, plain, rejectsWith, resolver, resolverWith, secretsOf } from './fixtures.mjs';

const alice = secretsOf('ALICE');
const msg = plain({ from: ALICE, to: [CHARLIE], expires_time: 2_000_000_000 });

/** Each mediator unpacks its layer; returns [hops, final packed]. */
async function walk(packed, res, mediators) {
  const hops = [];
  let current = packed;
  for (const name of mediators) {
    const { message, metadata } = await unpack(current, { resolver: res, secrets: secretsOf(name), now });
    assert.equal(message.type, FORWARD_TYPE);
    assert.equal(metadata.anonymousSender, true, 'forwards are anoncrypted');
    assert.equal(metadata.reWrappedInForward, false);
    const fwd = parseForward(message);
    assert.equal(fwd.forwarded.length, 1);
    hops.push({ name, next: fwd.next, to: message.to, expires: message.expires_time, kids: metadata.encryptedToKids });
    current = JSON.stringify(fwd.forwarded[0]);
  }
  return [hops, current];
}

async function throughMediators(res, packOpts) {
  const { packed, metadata } = await packEncrypted(msg, { to: CHARLIE, resolver: res, secrets: alice, ...packOpts });
  assert.equal(metadata.forwarded, true);
  assert.equal(metadata.messagingService.uri, 'http://example.com/path');
  assert.deepEqual(metadata.messagingService.routingKeys, ['did:example:mediator3', 'did:example:mediator2#key-x25519-1', 'did:example:mediator1#key-x25519-1']);
  const [hops, last] = await walk(packed, res, ['MEDIATOR3', 'MEDIATOR2', 'MEDIATOR1']);
  assert.deepEqual(hops.map((h) => h.next), ['did:example:mediator2#key-x25519-1', 'did:example:mediator1#key-x25519-1', CHARLIE]);
  assert.deepEqual(hops.map((h) => h.kids), [['did:example:mediator3#key-x25519-1'], ['did:example:mediator2#key-x25519-1'], ['did:example:mediator1#key-x25519-1']]);
  assert.deepEqual(hops.map((h) => h.expires), [2_000_000_000, 2_000_000_000, 2_000_000_000], 'forwards carry the inner expires_time');
  const final = await unpack(last, { resolver: res, secrets: secretsOf('CHARLIE'), now });
  assert.deepEqual(final.message, msg);
  return final.metadata;
}

test('forward: authcrypt to Charlie goes through mediator3, mediator2, mediator1, then Charlie unpacks', async () => {
  const md = await throughMediators(resolver, { from: ALICE });
  assert.equal(md.encryptedFromKid, 'did:example:alice#key-x25519-1');
});

test('forward: anoncrypt and sign+protectSender to Charlie unwrap the same way', async () => {
  const m1 = await throughMediators(resolver, {});
  assert.equal(m1.anonymousSender, true);
  const m2 = await throughMediators(resolver, { from: ALICE, signBy: ALICE, protectSender: true, encAlgAnon: 'A256GCM' });
  assert.equal(m2.nonRepudiation, true);
  assert.equal(m2.encAlgAnon, 'ECDH-ES+A256KW/A256GCM');
});

test('forward: a mediator cannot read past its own layer', async () => {
  const { packed } = await packEncrypted(msg, { to: CHARLIE, from: ALICE, resolver, secrets: alice });
  const [, forMediator2] = await walk(packed, resolver, ['MEDIATOR3']);
  await rejectsWith(unpack(forMediator2, { resolver, secrets: secretsOf('MEDIATOR3'), now }), ErrorCodes.SECRET_NOT_FOUND);
  await rejectsWith(unpack(forMediator2, { resolver, secrets: secretsOf('CHARLIE'), now }), ErrorCodes.SECRET_NOT_FOUND);
});

test('forward: routing_keys (snake case) spelling is read like routingKeys', async () => {
  const charlie = structuredClone(docs.CHARLIE_DID_DOC);
  const ep = charlie.service[0].serviceEndpoint;
  ep.routing_keys = ep.routingKeys;
  delete ep.routingKeys;
  await throughMediators(resolverWith(charlie), { from: ALICE });
});

test('forward: Bob (https endpoint, one routing key) is wrapped once for mediator1', async () => {
  const m = plain({ from: ALICE, to: [BOB] });
  const { packed, metadata } = await packEncrypted(m, { to: BOB, from: ALICE, resolver, secrets: alice });
  assert.deepEqual(metadata.messagingService.routingKeys, ['did:example:mediator1#key-x25519-1']);
  const [hops, last] = await walk(packed, resolver, ['MEDIATOR1']);
  assert.equal(hops[0].next, BOB);
  assert.deepEqual((await unpack(last, { resolver, secrets: secretsOf('BOB'), now })).message, m);
});

test('forward: forward:false skips wrapping; the recipient unpacks directly', async () => {
  const { packed, metadata } = await packEncrypted(msg, { to: CHARLIE, from: ALICE, resolver, secrets: alice, forward: false });
  assert.equal(metadata.forwarded, false);
  assert.deepEqual((await unpack(packed, { resolver, secrets: secretsOf('CHARLIE'), now })).message, msg);
});

test('forward: a mediator whose own endpoint is a DID (recursion) -> ROUTING', async () => {
  const m3 = structuredClone(docs.MEDIATOR3_DID_DOC);
  m3.service[0].serviceEndpoint.uri = 'did:example:mediator1';
  await rejectsWith(packEncrypted(msg, { to: CHARLIE, from: ALICE, resolver: resolverWith(m3), secrets: alice }), ErrorCodes.ROUTING);
});

test('forward: a mediator DID with no DIDCommMessaging service -> ROUTING', async () => {
  const m3 = structuredClone(docs.MEDIATOR3_DID_DOC);
  m3.service = [];
  await rejectsWith(packEncrypted(msg, { to: CHARLIE, from: ALICE, resolver: resolverWith(m3), secrets: alice }), ErrorCodes.ROUTING);
});

test('forward: an explicit serviceId that does not exist -> ROUTING', async () => {
  await rejectsWith(packEncrypted(msg, { to: CHARLIE, from: ALICE, resolver, secrets: alice, forward: { serviceId: '#nope' } }), ErrorCodes.ROUTING);
});

test('re-wrapped forward (next is the recipient itself) unwraps with reWrappedInForward', async () => {
  const m = plain({ from: ALICE, to: [BOB] });
  const { packed } = await packEncrypted(m, { to: BOB, from: ALICE, resolver, secrets: alice, forward: false });
  for (const [next, key] of [[BOB, 'did:example:bob#key-x25519-1'], ['did:example:bob#key-p256-1', 'did:example:bob#key-p384-1']]) {
    // a mediator re-wraps for Bob's own routing key, naming Bob (or one of his keys) as next
    const inner = next === BOB ? JSON.parse(packed) : JSON.parse((await packEncrypted(m, { to: next, from: ALICE, resolver, secrets: alice, forward: false })).packed);
    const wrapped = await wrapInForward(inner, next, [key], { resolver, encAlgAnon: 'A256CBC-HS512' });
    const { message, metadata } = await unpack(JSON.stringify(wrapped), { resolver, secrets: secretsOf('BOB'), now });
    assert.deepEqual(message, m);
    assert.equal(metadata.reWrappedInForward, true);
    assert.equal(metadata.authenticated, true);
    assert.equal(metadata.encryptedFromKid.startsWith(`${ALICE}#`), true);
    // with unwrapping disabled the forward itself comes back
    const raw = await unpack(JSON.stringify(wrapped), { resolver, secrets: secretsOf('BOB'), now, unwrapReWrappingForward: false });
    assert.equal(raw.message.type, FORWARD_TYPE);
    assert.equal(raw.metadata.reWrappedInForward, false);
  }
});

test('re-wrapped twice: both forwards to us unwrap, bounded by maxLayers -> LIMIT_EXCEEDED', async () => {
  const m = plain({ to: [BOB] });
  const { packed } = await packEncrypted(m, { to: BOB, resolver, forward: false });
  const wrapped = await wrapInForward(JSON.parse(packed), BOB, ['did:example:bob#key-x25519-1'], { resolver, encAlgAnon: 'A256CBC-HS512' });
  // control: one re-wrap is fine
  assert.equal((await unpack(JSON.stringify(wrapped), { resolver, secrets: secretsOf('BOB'), now })).metadata.reWrappedInForward, true);
  // a forward of a forward of the message, both to Bob: the second re-wrap is unwrapped too, but
  // the layers stay bounded by maxLayers
  const twice = await wrapInForward(wrapped, BOB, ['did:example:bob#key-x25519-2'], { resolver, encAlgAnon: 'A256CBC-HS512' });
  const r = await unpack(JSON.stringify(twice), { resolver, secrets: secretsOf('BOB'), now });
  assert.deepEqual(r.message, m);
  await rejectsWith(unpack(JSON.stringify(twice), { resolver, secrets: secretsOf('BOB'), now, maxLayers: 2 }), ErrorCodes.LIMIT_EXCEEDED);
});

test('parseForward: a forward without body.next -> MALFORMED; not a forward -> null', () => {
  assert.throws(() => parseForward({ id: '1', type: FORWARD_TYPE, body: {}, attachments: [{ data: { json: {} } }] }), (e) => e.code === ErrorCodes.MALFORMED);
  assert.throws(() => parseForward({ id: '1', type: FORWARD_TYPE, body: { next: BOB } }), (e) => e.code === ErrorCodes.MALFORMED);
  assert.equal(parseForward(plain()), null);
});
