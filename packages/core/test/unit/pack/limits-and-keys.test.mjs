// Expiry, size/recipient/layer limits, and sender/recipient key selection (FEATURES 26, 78-82;
// STYLE rule 4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unpack, packEncrypted, packPlaintext, packSigned, ErrorCodes } from '../../../dist/index.js';
import { ALICE, BOB, CHARLIE, NOW, craftJwe, now, plain, rejectsWith, resolver, resolverWith, secretsOf } from './fixtures.mjs';

const alice = secretsOf('ALICE');
const bob = secretsOf('BOB');
const opts = { resolver, secrets: bob, now };

test('expired plaintext, signed and encrypted messages -> EXPIRED', async () => {
  const m = plain({ from: ALICE, to: [BOB], expires_time: NOW - 1 });
  await rejectsWith(unpack(await packPlaintext(m), opts), ErrorCodes.EXPIRED, 'plaintext');
  await rejectsWith(unpack((await packSigned(m, { signBy: ALICE, resolver, secrets: alice })).packed, opts), ErrorCodes.EXPIRED, 'signed');
  await rejectsWith(unpack((await packEncrypted(m, { to: BOB, from: ALICE, resolver, secrets: alice, forward: false })).packed, opts), ErrorCodes.EXPIRED, 'authcrypt');
});

test('expiry boundary: expires_time == now and later are accepted; checkExpiry:false accepts expired', async () => {
  for (const t of [NOW, NOW + 1]) assert.equal((await unpack(await packPlaintext(plain({ expires_time: t })), opts)).message.expires_time, t);
  const expired = await packPlaintext(plain({ expires_time: NOW - 100 }));
  assert.equal((await unpack(expired, { ...opts, checkExpiry: false })).message.expires_time, NOW - 100);
});

test('message larger than maxBytes -> LIMIT_EXCEEDED; at the limit it is accepted', async () => {
  const packed = await packPlaintext(plain({ body: { pad: 'x'.repeat(1000) } }));
  await rejectsWith(unpack(packed, { ...opts, maxBytes: packed.length - 1 }), ErrorCodes.LIMIT_EXCEEDED);
  assert.equal((await unpack(packed, { ...opts, maxBytes: packed.length })).message.id, 'msg-1');
});

test('maxBytes counts UTF-8 bytes, not UTF-16 units', async () => {
  const packed = await packPlaintext(plain({ body: { text: '€'.repeat(300) } }));
  const bytes = Buffer.byteLength(packed);
  assert.ok(bytes > packed.length + 500);
  await rejectsWith(unpack(packed, { ...opts, maxBytes: bytes - 1 }), ErrorCodes.LIMIT_EXCEEDED);
  assert.equal((await unpack(packed, { ...opts, maxBytes: bytes })).message.body.text.length, 300);
});

test('the default maxBytes (16 MiB) rejects a 17 MiB string before parsing -> LIMIT_EXCEEDED', async () => {
  await rejectsWith(unpack('{' + ' '.repeat(17 * 1024 * 1024) + '}', opts), ErrorCodes.LIMIT_EXCEEDED);
});

test('too many recipients -> LIMIT_EXCEEDED', async () => {
  const { packed, metadata } = await packEncrypted(plain({ to: [BOB] }), { to: BOB, resolver, forward: false });
  assert.equal(metadata.toKids.length, 3);
  await rejectsWith(unpack(packed, { ...opts, maxRecipients: 2 }), ErrorCodes.LIMIT_EXCEEDED);
  assert.equal((await unpack(packed, { ...opts, maxRecipients: 3 })).metadata.encryptedToKids.length, 3);
});

test('more than the default 100 recipients -> LIMIT_EXCEEDED, before any crypto', async () => {
  const jwe = JSON.parse((await packEncrypted(plain({ to: [BOB] }), { to: BOB, resolver, forward: false })).packed);
  jwe.recipients = Array.from({ length: 101 }, (_, i) => ({ header: { kid: `did:example:bob#k${i}` }, encrypted_key: jwe.recipients[0].encrypted_key }));
  await rejectsWith(unpack(JSON.stringify(jwe), opts), ErrorCodes.LIMIT_EXCEEDED);
});

test('too many layers -> LIMIT_EXCEEDED', async () => {
  const { packed } = await packEncrypted(plain({ from: ALICE, to: [BOB] }), { to: BOB, from: ALICE, signBy: ALICE, protectSender: true, resolver, secrets: alice, forward: false });
  await rejectsWith(unpack(packed, { ...opts, maxLayers: 2 }), ErrorCodes.LIMIT_EXCEEDED);
  assert.equal((await unpack(packed, { ...opts, maxLayers: 3 })).metadata.nonRepudiation, true);
});

test('JSON nested deeper than the parser limit -> LIMIT_EXCEEDED', async () => {
  await rejectsWith(unpack('['.repeat(100) + ']'.repeat(100), opts), ErrorCodes.LIMIT_EXCEEDED);
  await rejectsWith(unpack(await packPlaintext(plain({ body: { deep: JSON.parse('['.repeat(80) + ']'.repeat(80)) } })), opts), ErrorCodes.LIMIT_EXCEEDED);
});

// ---- key selection ----

test('to: a key id not under keyAgreement -> KEY_NOT_AUTHORIZED', async () => {
  // alice#key-1 is Alice's Ed25519 authentication key
  await rejectsWith(packEncrypted(plain({ to: [ALICE] }), { to: 'did:example:alice#key-1', resolver, forward: false }), ErrorCodes.KEY_NOT_AUTHORIZED, 'anon');
  await rejectsWith(packEncrypted(plain({ from: BOB, to: [ALICE] }), { to: 'did:example:alice#key-2', from: BOB, resolver, secrets: bob, forward: false }), ErrorCodes.KEY_NOT_AUTHORIZED, 'auth');
});

test('to: a key id absent from the DID doc -> DID_URL_NOT_FOUND; an unknown DID -> DID_NOT_FOUND', async () => {
  await rejectsWith(packEncrypted(plain({ to: [ALICE] }), { to: 'did:example:alice#key-nope', resolver, forward: false }), ErrorCodes.DID_URL_NOT_FOUND);
  await rejectsWith(packEncrypted(plain({ to: ['did:example:nobody'] }), { to: 'did:example:nobody', resolver, forward: false }), ErrorCodes.DID_NOT_FOUND);
});

test('from: a sender key id not under keyAgreement -> KEY_NOT_AUTHORIZED', async () => {
  await rejectsWith(packEncrypted(plain({ from: ALICE, to: [BOB] }), { to: BOB, from: 'did:example:alice#key-2', resolver, secrets: alice, forward: false }), ErrorCodes.KEY_NOT_AUTHORIZED);
});

test('sender and recipient share no curve -> NO_COMPATIBLE_CRYPTO', async () => {
  // Alice has X25519, P-256 and P-521 keyAgreement keys; bob#key-p384-1 is P-384.
  await rejectsWith(packEncrypted(plain({ from: ALICE, to: [BOB] }), { to: 'did:example:bob#key-p384-1', from: ALICE, resolver, secrets: alice, forward: false }), ErrorCodes.NO_COMPATIBLE_CRYPTO);
  // Charlie has only X25519.
  await rejectsWith(packEncrypted(plain({ from: CHARLIE, to: [BOB] }), { to: 'did:example:bob#key-p256-1', from: CHARLIE, resolver, secrets: secretsOf('CHARLIE'), forward: false }), ErrorCodes.NO_COMPATIBLE_CRYPTO);
});

test('a recipient with no keyAgreement key -> NO_COMPATIBLE_CRYPTO', async () => {
  const bare = { id: 'did:example:bare', verificationMethod: [], keyAgreement: [], authentication: [] };
  await rejectsWith(packEncrypted(plain({ to: [bare.id] }), { to: bare.id, resolver: resolverWith(bare), forward: false }), ErrorCodes.NO_COMPATIBLE_CRYPTO);
});

test('authcrypt without any secret for the sender -> SECRET_NOT_FOUND', async () => {
  await rejectsWith(packEncrypted(plain({ from: ALICE, to: [BOB] }), { to: BOB, from: ALICE, resolver, secrets: bob, forward: false }), ErrorCodes.SECRET_NOT_FOUND);
});

test('unpack without a secret for any recipient key -> SECRET_NOT_FOUND', async () => {
  const { packed } = await packEncrypted(plain({ to: [BOB] }), { to: BOB, resolver, forward: false });
  await rejectsWith(unpack(packed, { ...opts, secrets: alice }), ErrorCodes.SECRET_NOT_FOUND);
});

test('authcrypt picks the first sender key sharing a curve, then only recipient keys of that curve', async () => {
  const { metadata } = await packEncrypted(plain({ from: ALICE, to: [BOB] }), { to: BOB, from: ALICE, resolver, secrets: alice, forward: false });
  // alice#key-x25519-not-in-secrets-1 is listed first but has no secret
  assert.equal(metadata.fromKid, 'did:example:alice#key-x25519-1');
  assert.deepEqual(metadata.toKids, ['did:example:bob#key-x25519-1', 'did:example:bob#key-x25519-2', 'did:example:bob#key-x25519-3']);
  const p521 = await packEncrypted(plain({ from: ALICE, to: [BOB] }), { to: 'did:example:bob#key-p521-2', from: ALICE, resolver, secrets: alice, forward: false });
  assert.equal(p521.metadata.fromKid, 'did:example:alice#key-p521-1');
  assert.deepEqual(p521.metadata.toKids, ['did:example:bob#key-p521-2']);
  const u = await unpack(p521.packed, opts);
  assert.equal(u.metadata.encryptedFromKid, 'did:example:alice#key-p521-1');
});

test('anoncrypt to a DID uses every keyAgreement key of its first curve', async () => {
  const { packed, metadata } = await packEncrypted(plain({ to: [BOB] }), { to: BOB, resolver, forward: false });
  assert.deepEqual(metadata.toKids, ['did:example:bob#key-x25519-1', 'did:example:bob#key-x25519-2', 'did:example:bob#key-x25519-3']);
  const withKey3Only = secretsOf('BOB');
  withKey3Only.remove('did:example:bob#key-x25519-1');
  withKey3Only.remove('did:example:bob#key-x25519-2');
  assert.equal((await unpack(packed, { ...opts, secrets: withKey3Only })).metadata.decryptedWithKid, 'did:example:bob#key-x25519-3');
});

test('expectDecryptByAllKeys: a corrupted key slot for one of our keys -> DECRYPTION_FAILED', async () => {
  const jwe = await craftJwe(plain({ to: [BOB] }), { to: ['did:example:bob#key-x25519-1', 'did:example:bob#key-x25519-2'] });
  const bad = structuredClone(jwe);
  bad.recipients[1].encrypted_key = jwe.recipients[0].encrypted_key;
  assert.equal((await unpack(JSON.stringify(bad), opts)).metadata.decryptedWithKid, 'did:example:bob#key-x25519-1');
  await rejectsWith(unpack(JSON.stringify(bad), { ...opts, expectDecryptByAllKeys: true }), ErrorCodes.DECRYPTION_FAILED);
});
