// Our own negative vectors for the spec's "Message Layer Addressing Consistency" and key
// authorization MUSTs, which didcomm-rust checks only at pack time (ERRATA 9, 10; FEATURES 56-58,
// 86-92). The envelopes are crafted with the low-level JWE/JWS code, since packEncrypted and
// packSigned refuse to build them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unpack, packEncrypted, packSigned, ErrorCodes } from '../../../dist/index.js';
import { ALICE, BOB, CHARLIE, craftJwe, craftJweWithHeader, craftJws, now, plain, rejectsWith, resolver, secretsOf } from './fixtures.mjs';

const alice = secretsOf('ALICE');
const bob = secretsOf('BOB');
const charlie = secretsOf('CHARLIE');
const opts = { resolver, secrets: bob, now };
const BOB_X = ['did:example:bob#key-x25519-1', 'did:example:bob#key-x25519-2', 'did:example:bob#key-x25519-3'];

test('authcrypt: a well-formed crafted envelope is accepted (control for the cases below)', async () => {
  const m = plain({ from: ALICE, to: [BOB] });
  const jwe = await craftJwe(m, { to: BOB_X, from: 'did:example:alice#key-x25519-1', fromSecrets: alice });
  const { message, metadata } = await unpack(JSON.stringify(jwe), opts);
  assert.deepEqual(message, m);
  assert.equal(metadata.encryptedFromKid, 'did:example:alice#key-x25519-1');
  assert.equal(metadata.authenticated, true);
});

test('authcrypt: plaintext from differs from the skid DID -> LAYER_MISMATCH', async () => {
  const jwe = await craftJwe(plain({ from: CHARLIE, to: [BOB] }), { to: BOB_X, from: 'did:example:alice#key-x25519-1', fromSecrets: alice });
  await rejectsWith(unpack(JSON.stringify(jwe), opts), ErrorCodes.LAYER_MISMATCH);
});

test('authcrypt: plaintext without from -> LAYER_MISMATCH (from is REQUIRED for authcrypt)', async () => {
  const jwe = await craftJwe(plain({ to: [BOB] }), { to: BOB_X, from: 'did:example:alice#key-x25519-1', fromSecrets: alice });
  await rejectsWith(unpack(JSON.stringify(jwe), opts), ErrorCodes.LAYER_MISMATCH);
});

test('authcrypt: the packer refuses a from that is not the sender (pack-side check)', async () => {
  await rejectsWith(packEncrypted(plain({ from: CHARLIE, to: [BOB] }), { to: BOB, from: ALICE, resolver, secrets: alice, forward: false }), ErrorCodes.LAYER_MISMATCH);
});

test('anoncrypt: to present but without the decrypting DID -> LAYER_MISMATCH (ERRATA 10)', async () => {
  const jwe = await craftJwe(plain({ to: [CHARLIE] }), { to: BOB_X });
  await rejectsWith(unpack(JSON.stringify(jwe), opts), ErrorCodes.LAYER_MISMATCH);
});

test('authcrypt: to present but without the decrypting DID -> LAYER_MISMATCH', async () => {
  const jwe = await craftJwe(plain({ from: ALICE, to: [CHARLIE, ALICE] }), { to: BOB_X, from: 'did:example:alice#key-x25519-1', fromSecrets: alice });
  await rejectsWith(unpack(JSON.stringify(jwe), opts), ErrorCodes.LAYER_MISMATCH);
});

test('anoncrypt: to absent is accepted; to listing the recipient among others is accepted', async () => {
  for (const to of [undefined, [CHARLIE, BOB]]) {
    const m = plain(to ? { to } : {});
    const jwe = await craftJwe(m, { to: BOB_X });
    const { message, metadata } = await unpack(JSON.stringify(jwe), opts);
    assert.deepEqual(message, m);
    assert.equal(metadata.anonymousSender, true);
  }
});

test('signed only: to not naming us is not an error (ERRATA 10: warn, not fail)', async () => {
  const m = plain({ from: ALICE, to: [CHARLIE] });
  const jws = await craftJws(m, { keyKid: 'did:example:alice#key-1', secrets: alice });
  const { message } = await unpack(JSON.stringify(jws), opts);
  assert.deepEqual(message, m);
});

test('the packer refuses to encrypt for a DID the message to does not name', async () => {
  await rejectsWith(packEncrypted(plain({ to: [CHARLIE] }), { to: BOB, resolver, forward: false }), ErrorCodes.LAYER_MISMATCH);
});

test('signed: from differs from the signer DID -> LAYER_MISMATCH', async () => {
  const jws = await craftJws(plain({ from: CHARLIE }), { keyKid: 'did:example:alice#key-1', secrets: alice });
  await rejectsWith(unpack(JSON.stringify(jws), opts), ErrorCodes.LAYER_MISMATCH);
});

test('signed: from absent while signed -> LAYER_MISMATCH', async () => {
  const jws = await craftJws(plain(), { keyKid: 'did:example:alice#key-1', secrets: alice });
  await rejectsWith(unpack(JSON.stringify(jws), opts), ErrorCodes.LAYER_MISMATCH);
});

test('signed: packSigned refuses a signer that is not from', async () => {
  await rejectsWith(packSigned(plain({ from: CHARLIE }), { signBy: ALICE, resolver, secrets: alice }), ErrorCodes.LAYER_MISMATCH);
});

test('signed: packSigned refuses a message without from, which unpack could never accept', async () => {
  await rejectsWith(packSigned(plain(), { signBy: ALICE, resolver, secrets: alice }), ErrorCodes.LAYER_MISMATCH, 'packSigned');
  await rejectsWith(packEncrypted(plain({ to: [BOB] }), { to: BOB, signBy: ALICE, resolver, secrets: alice, forward: false }), ErrorCodes.LAYER_MISMATCH, 'anoncrypt(sign)');
});

test('signed: signer key present in the DID doc but not under authentication -> KEY_NOT_AUTHORIZED', async () => {
  // alice#key-p256-1 is a P-256 keyAgreement key; an ES256 signature with it verifies cryptographically.
  const jws = await craftJws(plain({ from: ALICE }), { keyKid: 'did:example:alice#key-p256-1', secrets: alice });
  await rejectsWith(unpack(JSON.stringify(jws), opts), ErrorCodes.KEY_NOT_AUTHORIZED);
});

test('signed: signer key not in the DID doc at all -> DID_URL_NOT_FOUND', async () => {
  const jws = await craftJws(plain({ from: ALICE }), { keyKid: 'did:example:alice#key-1', secrets: alice, kid: 'did:example:alice#key-nope' });
  await rejectsWith(unpack(JSON.stringify(jws), opts), ErrorCodes.DID_URL_NOT_FOUND);
});

test('packSigned refuses a signing key outside authentication', async () => {
  await rejectsWith(packSigned(plain({ from: ALICE }), { signBy: 'did:example:alice#key-p256-1', resolver, secrets: alice }), ErrorCodes.KEY_NOT_AUTHORIZED);
});

test('authcrypt: sender key present but not under keyAgreement -> KEY_NOT_AUTHORIZED', async () => {
  // alice#key-2 is a P-256 authentication key; ECDH-1PU with it to Bob's P-256 keys is otherwise valid.
  const jwe = await craftJwe(plain({ from: ALICE, to: [BOB] }), {
    to: ['did:example:bob#key-p256-1', 'did:example:bob#key-p256-2'], from: 'did:example:alice#key-2', fromSecrets: alice,
  });
  await rejectsWith(unpack(JSON.stringify(jwe), opts), ErrorCodes.KEY_NOT_AUTHORIZED);
});

test('authcrypt(sign): signer differs from the authcrypt sender -> LAYER_MISMATCH', async () => {
  const m = plain({ from: ALICE, to: [BOB] });
  const jws = await craftJws(m, { keyKid: 'did:example:alice#key-1', secrets: alice });
  // Charlie authcrypts a message Alice signed.
  const jwe = await craftJwe(jws, { to: BOB_X, from: 'did:example:charlie#key-x25519-1', fromSecrets: charlie });
  await rejectsWith(unpack(JSON.stringify(jwe), opts), ErrorCodes.LAYER_MISMATCH);
});

test('authcrypt(sign) with the same party at both layers is accepted (spec: MAY accept)', async () => {
  const m = plain({ from: ALICE, to: [BOB] });
  const jws = await craftJws(m, { keyKid: 'did:example:alice#key-1', secrets: alice });
  const jwe = await craftJwe(jws, { to: BOB_X, from: 'did:example:alice#key-x25519-1', fromSecrets: alice });
  const { message, metadata } = await unpack(JSON.stringify(jwe), opts);
  assert.deepEqual(message, m);
  assert.equal(metadata.nonRepudiation, true);
  assert.equal(metadata.signFrom, 'did:example:alice#key-1');
  assert.equal(metadata.encryptedFromKid, 'did:example:alice#key-x25519-1');
});

test('anoncrypt(sign) with from differing from the signer -> LAYER_MISMATCH', async () => {
  const jws = await craftJws(plain({ from: CHARLIE, to: [BOB] }), { keyKid: 'did:example:alice#key-1', secrets: alice });
  const jwe = await craftJwe(jws, { to: BOB_X });
  await rejectsWith(unpack(JSON.stringify(jwe), opts), ErrorCodes.LAYER_MISMATCH);
});

// ---- ERRATA 8: authcrypt sender from skid/apu ----

const ALICE_X = 'did:example:alice#key-x25519-1';
const b64s = (s) => Buffer.from(s).toString('base64url');

test('ERRATA 8 control: the hand-built authcrypt with skid and apu is accepted', async () => {
  const m = plain({ from: ALICE, to: [BOB] });
  const jwe = await craftJweWithHeader(m, { to: BOB_X, from: ALICE_X, fromSecrets: alice });
  assert.deepEqual((await unpack(JSON.stringify(jwe), opts)).message, m);
});

test('ERRATA 8: authcrypt with apu but no skid resolves the sender from apu', async () => {
  const m = plain({ from: ALICE, to: [BOB] });
  const jwe = await craftJweWithHeader(m, { to: BOB_X, from: ALICE_X, fromSecrets: alice, patch: ({ skid, ...h }) => h });
  const { message, metadata } = await unpack(JSON.stringify(jwe), opts);
  assert.deepEqual(message, m);
  assert.equal(metadata.encryptedFromKid, ALICE_X);
});

test('ERRATA 8: authcrypt whose skid differs from the decoded apu -> MALFORMED', async () => {
  const m = plain({ from: ALICE, to: [BOB] });
  // apu names Alice's key (and the KDF uses it), skid claims Charlie's
  const jwe = await craftJweWithHeader(m, { to: BOB_X, from: ALICE_X, fromSecrets: alice, patch: (h) => ({ ...h, skid: 'did:example:charlie#key-x25519-1' }) });
  await rejectsWith(unpack(JSON.stringify(jwe), opts), ErrorCodes.MALFORMED);
});

test('ERRATA 8: authcrypt with skid but no apu -> MALFORMED', async () => {
  const m = plain({ from: ALICE, to: [BOB] });
  const jwe = await craftJweWithHeader(m, { to: BOB_X, from: ALICE_X, fromSecrets: alice, patch: ({ apu, ...h }) => h, kdfApu: new Uint8Array(0) });
  await rejectsWith(unpack(JSON.stringify(jwe), opts), ErrorCodes.MALFORMED);
});

test('ERRATA 8: authcrypt with neither skid nor apu -> MALFORMED', async () => {
  const jwe = await craftJweWithHeader(plain({ from: ALICE, to: [BOB] }), { to: BOB_X, from: ALICE_X, fromSecrets: alice, patch: ({ apu, skid, ...h }) => h, kdfApu: new Uint8Array(0) });
  await rejectsWith(unpack(JSON.stringify(jwe), opts), ErrorCodes.MALFORMED);
});

test('ERRATA 8: authcrypt whose apu names a key of another DID than from -> LAYER_MISMATCH', async () => {
  // Charlie encrypts honestly (skid = apu = his key) a plaintext claiming to be from Alice.
  const jwe = await craftJweWithHeader(plain({ from: ALICE, to: [BOB] }), { to: BOB_X, from: 'did:example:charlie#key-x25519-1', fromSecrets: charlie });
  await rejectsWith(unpack(JSON.stringify(jwe), opts), ErrorCodes.LAYER_MISMATCH);
});

test('ERRATA 8: anoncrypt with "apu": null is tolerated; anoncrypt with a skid -> MALFORMED', async () => {
  const m = plain({ to: [BOB] });
  const withNull = await craftJweWithHeader(m, { to: BOB_X, patch: (h) => ({ ...h, apu: null }), kdfApu: new Uint8Array(0) });
  assert.deepEqual((await unpack(JSON.stringify(withNull), opts)).message, m);
  const withSkid = await craftJweWithHeader(m, { to: BOB_X, patch: (h) => ({ ...h, skid: ALICE_X }) });
  await rejectsWith(unpack(JSON.stringify(withSkid), opts), ErrorCodes.MALFORMED);
});
