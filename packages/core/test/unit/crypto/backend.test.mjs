// Unit tests of the crypto backend (src/crypto): the shared conformance suite (backend-suite.mjs)
// on the backend src/crypto/index.js resolves to (node; web under --conditions=browser), plus
// the regressions found through it. Expected outputs here are properties (round trip,
// rejection code), never values computed by our own code; known-answer checks live in
// test/vectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend } from '../../../dist/crypto/index.js';
import { loadVector } from '../../helpers.mjs';
import { backendSuite, code } from './backend-suite.mjs';

const hex = (h) => new Uint8Array(Buffer.from(h, 'hex'));

backendSuite(backend.name, backend);

test('ecdh: an all-zero X25519 secret is refused, an all-zero P-256 x-coordinate is not (regression)', async () => {
  // X25519: the all-zero public key is of low order (RFC 7748 §6.1).
  const x = await backend.generateKeyPair('X25519');
  await assert.rejects(async () => backend.ecdh(x, await backend.importPublicKey('X25519', new Uint8Array(32))), code('ERR_INVALID_KEY'));
  // P-256: Wycheproof ecdh_secp256r1 tcId 3 is a valid agreement whose shared x is 0. It was
  // refused as "low order" before the all-zero check was limited to X25519.
  const file = loadVector('wycheproof/ecdh_secp256r1_test.json');
  const tc = file.testGroups[0].tests.find((t) => t.tcId === 3);
  assert.equal(tc.result, 'valid');
  assert.match(tc.shared, /^(00)+$/);
  const spki = hex(tc.public);
  const point = spki.subarray(spki.length - 65);
  const priv = await backend.importPrivateKey('P-256', hex(tc.private.replace(/^00/, '').padStart(64, '0')));
  const z = await backend.ecdh(priv, await backend.importPublicKey('P-256', point));
  assert.equal(Buffer.from(z).toString('hex'), tc.shared);
});
