// Negative vectors for the JWE/JWS envelope checks the upstream vectors lack: apv ordering
// (ERRATA 7), missing apv, algorithm confusion, epk curve and low-order points, signature
// count, forbidden layer combinations (FEATURES 7-9, 13, 60, 67-68, 75).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { unpack, packEncrypted, packSigned, ErrorCodes } from '../../../dist/index.js';
import {
  ALICE, BOB, craftJwe, craftJws, freshX25519Doc, now, plain, protectedOf, publicKeyOf, rejectsWith, resolver, resolverWith, secretsOf, withProtected,
} from './fixtures.mjs';

const alice = secretsOf('ALICE');
const bob = secretsOf('BOB');
const opts = { resolver, secrets: bob, now };
const BOB_X = ['did:example:bob#key-x25519-1', 'did:example:bob#key-x25519-2', 'did:example:bob#key-x25519-3'];
const sha256 = (s) => new Uint8Array(createHash('sha256').update(s).digest());
const b64 = (bytes) => Buffer.from(bytes).toString('base64url');

// ---- apv (ERRATA 7): SHA-256 over the kids sorted byte-wise, joined with "." ----

// Fragments whose byte-wise order differs from locale order (case) and from natural order (digits).
const DAVE = 'did:example:dave';
const dave = freshX25519Doc(DAVE, ['key-a', 'key-9', 'Key-B', 'key-10']);
const daveResolver = resolverWith(dave.doc);
const daveKids = (frags) => frags.map((f) => `${DAVE}#${f}`);
const BYTEWISE = daveKids(['Key-B', 'key-10', 'key-9', 'key-a']); // 'K' (0x4B) < 'k'; '1' < '9' < 'a'
const LOCALE = daveKids(['key-10', 'key-9', 'key-a', 'Key-B']); // what localeCompare gives
const NATURAL = daveKids(['key-9', 'key-10', 'key-a', 'Key-B']);
const daveOpts = { resolver: daveResolver, secrets: dave.secrets, now };

test('apv: our independent byte-wise order really differs from locale and natural order', () => {
  assert.deepEqual([...LOCALE].sort((a, b) => a.localeCompare(b)), LOCALE);
  assert.notDeepEqual(BYTEWISE, LOCALE);
  assert.notDeepEqual(BYTEWISE, NATURAL);
});

test('apv: packEncrypted computes apv over the byte-wise sorted kids', async () => {
  const { packed, metadata } = await packEncrypted(plain({ to: [DAVE] }), { to: DAVE, resolver: daveResolver, forward: false });
  assert.deepEqual([...metadata.toKids].sort(), [...BYTEWISE].sort());
  assert.equal(protectedOf(JSON.parse(packed)).apv, b64(sha256(BYTEWISE.join('.'))));
});

test('apv: over the byte-wise sorted kids is accepted, in any recipient order', async () => {
  for (const order of [BYTEWISE, LOCALE, NATURAL]) {
    const jwe = await craftJwe(plain({ to: [DAVE] }), { to: order, apv: sha256(BYTEWISE.join('.')), res: daveResolver });
    const { message } = await unpack(JSON.stringify(jwe), daveOpts);
    assert.equal(message.id, 'msg-1');
  }
});

test('apv: over unsorted, locale-sorted or naturally sorted kids -> MALFORMED', async () => {
  for (const order of [LOCALE, NATURAL, daveKids(['key-a', 'key-9', 'Key-B', 'key-10'])]) {
    const jwe = await craftJwe(plain({ to: [DAVE] }), { to: BYTEWISE, apv: sha256(order.join('.')), res: daveResolver });
    await rejectsWith(unpack(JSON.stringify(jwe), daveOpts), ErrorCodes.MALFORMED, order.join(','));
  }
  // craftJwe 'unsorted': apv over the kids in the order listed
  const jwe = await craftJwe(plain({ to: [BOB] }), { to: [BOB_X[2], BOB_X[0], BOB_X[1]], apv: 'unsorted' });
  await rejectsWith(unpack(JSON.stringify(jwe), opts), ErrorCodes.MALFORMED);
});

test('apv: a recipient added to the list after encryption breaks the apv -> MALFORMED', async () => {
  const jwe = await craftJwe(plain({ to: [BOB] }), { to: BOB_X.slice(0, 2) });
  const extra = { ...jwe, recipients: [...jwe.recipients, { header: { kid: BOB_X[2] }, encrypted_key: jwe.recipients[0].encrypted_key }] };
  await rejectsWith(unpack(JSON.stringify(extra), opts), ErrorCodes.MALFORMED);
});

test('apv missing: rejected by default, accepted with allowMissingApv', async () => {
  const m = plain({ to: [BOB] });
  for (const from of [undefined, 'did:example:alice#key-x25519-1']) {
    const jwe = await craftJwe(from ? { ...m, from: ALICE } : m, { to: BOB_X, apv: 'none', from, fromSecrets: alice });
    assert.equal(protectedOf(jwe).apv, undefined);
    await rejectsWith(unpack(JSON.stringify(jwe), opts), ErrorCodes.MALFORMED);
    const { message } = await unpack(JSON.stringify(jwe), { ...opts, allowMissingApv: true });
    assert.deepEqual(message, from ? { ...m, from: ALICE } : m);
  }
});

test('apv present but wrong is rejected even with allowMissingApv', async () => {
  const jwe = await craftJwe(plain({ to: [BOB] }), { to: [...BOB_X].reverse(), apv: 'unsorted' });
  await rejectsWith(unpack(JSON.stringify(jwe), { ...opts, allowMissingApv: true }), ErrorCodes.MALFORMED);
});

// ---- epk ----

test('epk on a different curve than the recipient key (P-256 epk, X25519 kid) -> DECRYPTION_FAILED', async () => {
  const p256 = await publicKeyOf('did:example:bob#key-p256-1');
  const jwe = await craftJwe(plain({ to: [BOB] }), { to: ['did:example:bob#key-x25519-1'], publicKeys: { 'did:example:bob#key-x25519-1': p256 } });
  assert.equal(protectedOf(jwe).epk.crv, 'P-256');
  await rejectsWith(unpack(JSON.stringify(jwe), opts), ErrorCodes.DECRYPTION_FAILED);
});

test('epk on a different curve than the authcrypt sender/recipients (X25519 epk, P-256 kids) -> DECRYPTION_FAILED', async () => {
  const x = await publicKeyOf('did:example:bob#key-x25519-1');
  const kids = ['did:example:bob#key-p256-1'];
  const jwe = await craftJwe(plain({ to: [BOB] }), { to: kids, publicKeys: { [kids[0]]: x } });
  await rejectsWith(unpack(JSON.stringify(jwe), opts), ErrorCodes.DECRYPTION_FAILED);
});

const LOW_ORDER_X25519 = {
  zero: '0000000000000000000000000000000000000000000000000000000000000000',
  one: '0100000000000000000000000000000000000000000000000000000000000000',
  order8: 'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  order8b: '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  pMinus1: 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
};
for (const [name, hex] of Object.entries(LOW_ORDER_X25519)) {
  test(`low-order X25519 epk (${name}) -> INVALID_KEY`, async () => {
    for (const from of [undefined, 'did:example:alice#key-x25519-1']) {
      const jwe = await craftJwe(plain({ to: [BOB], ...(from ? { from: ALICE } : {}) }), { to: BOB_X, from, fromSecrets: alice });
      const bad = withProtected(jwe, { epk: { kty: 'OKP', crv: 'X25519', x: b64(Buffer.from(hex, 'hex')) } });
      await rejectsWith(unpack(JSON.stringify(bad), opts), ErrorCodes.INVALID_KEY, from ?? 'anon');
    }
  });
}

test('P-256 epk off the curve -> INVALID_KEY', async () => {
  const jwe = await craftJwe(plain({ to: [BOB] }), { to: ['did:example:bob#key-p256-1', 'did:example:bob#key-p256-2'] });
  const epk = protectedOf(jwe).epk;
  const y = Buffer.from(epk.y, 'base64url');
  y[31] ^= 1;
  await rejectsWith(unpack(JSON.stringify(withProtected(jwe, { epk: { ...epk, y: b64(y) } })), opts), ErrorCodes.INVALID_KEY);
});

test('epk carrying a private key part -> MALFORMED', async () => {
  const jwe = await craftJwe(plain({ to: [BOB] }), { to: BOB_X });
  const epk = protectedOf(jwe).epk;
  await rejectsWith(unpack(JSON.stringify(withProtected(jwe, { epk: { ...epk, d: epk.x } })), opts), ErrorCodes.MALFORMED);
});

// ---- algorithms ----

test('JWS alg confusion: an EdDSA header naming a P-256 key -> SIGNATURE_INVALID', async () => {
  const jws = await craftJws(plain({ from: ALICE }), { keyKid: 'did:example:alice#key-1', secrets: alice, kid: 'did:example:alice#key-2' });
  assert.equal(JSON.parse(Buffer.from(jws.signatures[0].protected, 'base64url')).alg, 'EdDSA');
  await rejectsWith(unpack(JSON.stringify(jws), opts), ErrorCodes.SIGNATURE_INVALID);
});

test('JWS alg confusion: ES256 naming an Ed25519 key, ES256K naming a P-256 key -> SIGNATURE_INVALID', async () => {
  const a = await craftJws(plain({ from: ALICE }), { keyKid: 'did:example:alice#key-2', secrets: alice, kid: 'did:example:alice#key-1' });
  await rejectsWith(unpack(JSON.stringify(a), opts), ErrorCodes.SIGNATURE_INVALID);
  const b = await craftJws(plain({ from: ALICE }), { keyKid: 'did:example:alice#key-3', secrets: alice, kid: 'did:example:alice#key-2' });
  await rejectsWith(unpack(JSON.stringify(b), opts), ErrorCodes.SIGNATURE_INVALID);
});

test('JWS alg outside DIDComm (ES384, none, HS256) -> UNSUPPORTED', async () => {
  const jws = await craftJws(plain({ from: ALICE }), { keyKid: 'did:example:alice#key-1', secrets: alice });
  for (const alg of ['ES384', 'none', 'HS256']) {
    const header = { ...JSON.parse(Buffer.from(jws.signatures[0].protected, 'base64url')), alg };
    const bad = { ...jws, signatures: [{ ...jws.signatures[0], protected: b64(Buffer.from(JSON.stringify(header))) }] };
    await rejectsWith(unpack(JSON.stringify(bad), opts), ErrorCodes.UNSUPPORTED, alg);
  }
});

test('JWS with two signatures (both valid) -> MALFORMED', async () => {
  const m = plain({ from: ALICE });
  const one = await craftJws(m, { keyKid: 'did:example:alice#key-1', secrets: alice });
  const two = await craftJws(m, { keyKid: 'did:example:alice#key-2', secrets: alice });
  assert.equal(one.payload, two.payload);
  const both = { payload: one.payload, signatures: [...one.signatures, ...two.signatures] };
  await rejectsWith(unpack(JSON.stringify(both), opts), ErrorCodes.MALFORMED);
  // each alone is fine
  for (const j of [one, two]) assert.deepEqual((await unpack(JSON.stringify(j), opts)).message, m);
});

test('JWS flattened form is accepted (FEATURES 55)', async () => {
  const m = plain({ from: ALICE });
  const g = await craftJws(m, { keyKid: 'did:example:alice#key-1', secrets: alice });
  const flat = { payload: g.payload, ...g.signatures[0] };
  const { message, metadata } = await unpack(JSON.stringify(flat), opts);
  assert.deepEqual(message, m);
  assert.equal(metadata.signFrom, 'did:example:alice#key-1');
});

test('JWE enc not allowed for its mode: authcrypt with A256GCM, anoncrypt with A128CBC-HS256 -> UNSUPPORTED', async () => {
  const auth = await craftJwe(plain({ from: ALICE, to: [BOB] }), { to: BOB_X, from: 'did:example:alice#key-x25519-1', fromSecrets: alice, enc: 'A256GCM' }).catch((e) => e);
  if (!(auth instanceof Error)) await rejectsWith(unpack(JSON.stringify(auth), opts), ErrorCodes.UNSUPPORTED, 'auth A256GCM');
  const anon = await craftJwe(plain({ to: [BOB] }), { to: BOB_X, enc: 'A128CBC-HS256' });
  await rejectsWith(unpack(JSON.stringify(anon), opts), ErrorCodes.UNSUPPORTED, 'anon A128CBC-HS256');
});

test('packEncrypted refuses authcrypt with an anoncrypt-only enc -> UNSUPPORTED', async () => {
  await rejectsWith(packEncrypted(plain({ from: ALICE, to: [BOB] }), { to: BOB, from: ALICE, encAlgAuth: 'A256GCM', resolver, secrets: alice, forward: false }), ErrorCodes.UNSUPPORTED);
});

// ---- layer combinations ----

test('anoncrypt(anoncrypt(m)) -> MALFORMED', async () => {
  const inner = await craftJwe(plain({ to: [BOB] }), { to: BOB_X });
  const outer = await craftJwe(inner, { to: BOB_X });
  await rejectsWith(unpack(JSON.stringify(outer), opts), ErrorCodes.MALFORMED);
});

test('authcrypt(anoncrypt(m)) and authcrypt(authcrypt(m)) -> MALFORMED', async () => {
  const m = plain({ from: ALICE, to: [BOB] });
  const anon = await craftJwe(m, { to: BOB_X });
  const auth = await craftJwe(m, { to: BOB_X, from: 'did:example:alice#key-x25519-1', fromSecrets: alice });
  for (const inner of [anon, auth]) {
    const outer = await craftJwe(inner, { to: BOB_X, from: 'did:example:alice#key-x25519-1', fromSecrets: alice });
    await rejectsWith(unpack(JSON.stringify(outer), opts), ErrorCodes.MALFORMED);
  }
});

// The spec lists anoncrypt(authcrypt(sign(m))) as a combination a sender MUST NOT emit, but
// didcomm-rust emits it (sign_by + from + protect_sender) and accepts it, so for interop we
// accept it too: every layer is still checked for consistency.
test('anoncrypt(authcrypt(sign(m))) is accepted for didcomm-rust interop, with every layer checked', async () => {
  const m = plain({ from: ALICE, to: [BOB] });
  const jws = await craftJws(m, { keyKid: 'did:example:alice#key-1', secrets: alice });
  const auth = await craftJwe(jws, { to: BOB_X, from: 'did:example:alice#key-x25519-1', fromSecrets: alice });
  const outer = await craftJwe(auth, { to: BOB_X });
  const { message, metadata } = await unpack(JSON.stringify(outer), opts);
  assert.deepEqual(message, m);
  assert.equal(metadata.nonRepudiation, true);
  assert.equal(metadata.encAlgAnon, 'ECDH-ES+A256KW/A256CBC-HS512');
  // ...and a Charlie-authcrypted layer under Alice's signature is still refused.
  const charlieAuth = await craftJwe(jws, { to: BOB_X, from: 'did:example:charlie#key-x25519-1', fromSecrets: secretsOf('CHARLIE') });
  await rejectsWith(unpack(JSON.stringify(await craftJwe(charlieAuth, { to: BOB_X })), opts), ErrorCodes.LAYER_MISMATCH);
});

test('sign(anoncrypt(m)) and sign(sign(m)) -> MALFORMED', async () => {
  const m = plain({ from: ALICE, to: [BOB] });
  const anon = await craftJwe(m, { to: BOB_X });
  const s1 = await craftJws(anon, { keyKid: 'did:example:alice#key-1', secrets: alice });
  await rejectsWith(unpack(JSON.stringify(s1), opts), ErrorCodes.MALFORMED);
  const inner = await craftJws(m, { keyKid: 'did:example:alice#key-1', secrets: alice });
  const s2 = await craftJws(inner, { keyKid: 'did:example:alice#key-1', secrets: alice });
  await rejectsWith(unpack(JSON.stringify(s2), opts), ErrorCodes.MALFORMED);
});

test('JWE recipient kids spanning two DIDs -> MALFORMED (FEATURES 77, 81)', async () => {
  const jwe = await craftJwe(plain({ to: [BOB, 'did:example:charlie'] }), { to: [BOB_X[0], 'did:example:charlie#key-x25519-1'] });
  await rejectsWith(unpack(JSON.stringify(jwe), opts), ErrorCodes.MALFORMED);
});

test('JWE recipient kid that is not a DID URL -> MALFORMED (ERRATA 13)', async () => {
  const key = await publicKeyOf(BOB_X[0]);
  const jwe = await craftJwe(plain({ to: [BOB] }), { to: [BOB_X[0], 'bob-key-2'], publicKeys: { 'bob-key-2': key } });
  await rejectsWith(unpack(JSON.stringify(jwe), opts), ErrorCodes.MALFORMED);
});

test('signed: packSigned with every DIDComm alg round-trips', async () => {
  for (const [kid, alg] of [['did:example:alice#key-1', 'EdDSA'], ['did:example:alice#key-2', 'ES256'], ['did:example:alice#key-3', 'ES256K']]) {
    const m = plain({ from: ALICE });
    const { packed, metadata } = await packSigned(m, { signBy: kid, resolver, secrets: alice });
    assert.equal(metadata.signAlg, alg);
    const u = await unpack(packed, opts);
    assert.deepEqual(u.message, m);
    assert.equal(u.metadata.signAlg, alg);
  }
});

test('signed: metadata.signedMessage is the JWS text as received, signed alone or inside authcrypt', async () => {
  const m = plain({ from: ALICE, to: [BOB] });
  const { packed } = await packSigned(m, { signBy: 'did:example:alice#key-1', resolver, secrets: alice });
  // Another serialization of the same JWS (indented, members reordered): a record of what was
  // received must be this text, not our re-serialization of it.
  const v = JSON.parse(packed);
  const received = JSON.stringify({ signatures: v.signatures, payload: v.payload }, null, 2);
  assert.equal((await unpack(received, opts)).metadata.signedMessage, received);
  const sealed = await packEncrypted(m, { to: BOB, from: ALICE, signBy: 'did:example:alice#key-1', resolver, secrets: alice, forward: false });
  const inner = (await unpack(sealed.packed, opts)).metadata.signedMessage;
  assert.deepEqual(JSON.parse(inner).signatures[0].header, { kid: 'did:example:alice#key-1' });
  assert.deepEqual((await unpack(inner, opts)).message, m);
});

// ---- JOSE members we do not authenticate (bugs found while writing these tests) ----

test('JWE with an aad member -> UNSUPPORTED (it would otherwise be accepted unauthenticated)', async () => {
  const jwe = await craftJwe(plain({ from: ALICE, to: [BOB] }), { to: BOB_X, from: 'did:example:alice#key-x25519-1', fromSecrets: alice });
  await rejectsWith(unpack(JSON.stringify({ ...jwe, aad: b64(Buffer.from('extra')) }), opts), ErrorCodes.UNSUPPORTED);
});

test('JWE header parameters repeated outside the protected header -> MALFORMED (RFC 7516 §7.2.1)', async () => {
  const jwe = await craftJwe(plain({ from: ALICE, to: [BOB] }), { to: BOB_X, from: 'did:example:alice#key-x25519-1', fromSecrets: alice });
  const variants = {
    'unprotected alg': { ...jwe, unprotected: { alg: 'ECDH-ES+A256KW' } },
    'unprotected skid': { ...jwe, unprotected: { skid: 'did:example:charlie#key-x25519-1' } },
    'recipient epk': { ...jwe, recipients: jwe.recipients.map((r, i) => (i === 0 ? { ...r, header: { ...r.header, epk: protectedOf(jwe).epk } } : r)) },
    'recipient enc': { ...jwe, recipients: jwe.recipients.map((r) => ({ ...r, header: { ...r.header, enc: 'A256GCM' } })) },
  };
  for (const [name, v] of Object.entries(variants)) await rejectsWith(unpack(JSON.stringify(v), opts), ErrorCodes.MALFORMED, name);
  // unrelated shared parameters are still fine
  const { message } = await unpack(JSON.stringify({ ...jwe, unprotected: { 'x-note': 'hi' } }), opts);
  assert.equal(message.id, 'msg-1');
});

test('JWS parameters repeated in the unprotected header -> MALFORMED; kid may repeat if equal', async () => {
  const m = plain({ from: ALICE });
  const jws = await craftJws(m, { keyKid: 'did:example:alice#key-1', secrets: alice });
  for (const extra of [{ alg: 'ES256' }, { typ: 'application/didcomm-signed+json' }]) {
    const bad = { ...jws, signatures: [{ ...jws.signatures[0], header: { ...jws.signatures[0].header, ...extra } }] };
    await rejectsWith(unpack(JSON.stringify(bad), opts), ErrorCodes.MALFORMED, Object.keys(extra)[0]);
  }
  const otherKid = { ...jws, signatures: [{ ...jws.signatures[0], header: { kid: 'did:example:alice#key-2' } }] };
  await rejectsWith(unpack(JSON.stringify(otherKid), opts), ErrorCodes.MALFORMED);
  assert.deepEqual((await unpack(JSON.stringify(jws), opts)).message, m);
});
