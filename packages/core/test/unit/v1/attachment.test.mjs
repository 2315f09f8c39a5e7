// v1 signed attachments (Aries RFC 0017 with a JWS, as DID Exchange's did_rotate~attach): the
// signature checked with libsodium's Ed25519 (an independent implementation), libsodium-made
// attachments verified by ours, and every tampering refused SIGNATURE_INVALID.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import sodium from 'libsodium-wrappers';
import { v1 } from '../../../dist/index.js';

before(async () => {
  await sodium.ready;
});

const b64u = (b) => Buffer.from(b).toString('base64url');

test('ours verifies under libsodium; libsodium-made verifies under ours', async () => {
  const seed = sodium.randombytes_buf(32);
  const key = await v1.v1KeyFromSeed(seed);
  const data = await v1.signAttachmentData('did:peer:4zQmExample', key);
  assert.equal(Buffer.from(data.base64, 'base64url').toString(), 'did:peer:4zQmExample');
  assert.equal(data.jws.header.kid, v1.verkeyToDidKey(key.verkey));
  const header = JSON.parse(Buffer.from(data.jws.protected, 'base64url'));
  assert.equal(header.alg, 'EdDSA');
  assert.equal(header.jwk.x, b64u(key.publicKey));
  const kp = sodium.crypto_sign_seed_keypair(seed);
  assert.ok(sodium.crypto_sign_verify_detached(Buffer.from(data.jws.signature, 'base64url'), `${data.jws.protected}.${data.base64}`, kp.publicKey));

  const prot = b64u(JSON.stringify({ alg: 'EdDSA', kid: data.jws.header.kid }));
  const payload = b64u('{"a":1}');
  const theirs = { base64: Buffer.from('{"a":1}').toString('base64'), jws: { header: { kid: data.jws.header.kid }, protected: prot, signature: b64u(sodium.crypto_sign_detached(`${prot}.${payload}`, kp.privateKey)) } };
  const { payload: got, signer } = await v1.verifyAttachmentData(theirs);
  assert.equal(Buffer.from(got).toString(), '{"a":1}');
  assert.equal(signer, data.jws.header.kid);
});

test('tampered data, header, signature or signer: SIGNATURE_INVALID; malformed: MALFORMED', async () => {
  const key = (await v1.generateV1Key()).key;
  const other = (await v1.generateV1Key()).key;
  const data = await v1.signAttachmentData('did:peer:4zQmExample', key);
  const invalid = (e) => e.code === 'ERR_SIGNATURE_INVALID';
  await assert.rejects(v1.verifyAttachmentData({ ...data, base64: b64u('did:peer:4zQmOther') }), invalid);
  await assert.rejects(v1.verifyAttachmentData({ ...data, jws: { ...data.jws, header: { kid: v1.verkeyToDidKey(other.verkey) } } }), invalid);
  const sig = Buffer.from(data.jws.signature, 'base64url');
  sig[0] ^= 1;
  await assert.rejects(v1.verifyAttachmentData({ ...data, jws: { ...data.jws, signature: sig.toString('base64url') } }), invalid);
  await assert.rejects(v1.verifyAttachmentData({ base64: data.base64 }), (e) => e.code === 'ERR_MALFORMED');
  const es256 = b64u(JSON.stringify({ alg: 'ES256', kid: data.jws.header.kid }));
  await assert.rejects(v1.verifyAttachmentData({ ...data, jws: { ...data.jws, protected: es256 } }), (e) => e.code === 'ERR_UNSUPPORTED');
});
