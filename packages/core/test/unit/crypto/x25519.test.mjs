// The X25519 ladder web.ts uses on engines without WebCrypto X25519 (src/crypto/x25519.ts).
// Wycheproof's x25519_test.json also runs through it (web-backend.test.mjs, native25519: false);
// here: RFC 7748 §5.2's iterated vector, and agreement with node:crypto (OpenSSL) on random
// inputs, including u-coordinates with the top bit set and at or above p (non-canonical).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, diffieHellman, randomBytes } from 'node:crypto';
import { x25519 } from '../../../dist/crypto/x25519.js';

const hex = (b) => Buffer.from(b).toString('hex');
const b64u = (b) => Buffer.from(b).toString('base64url');

test('RFC 7748 §5.2: k = u = 9, then k, u = X25519(k, u), k: after 1 and 1,000 iterations', () => {
  let k = new Uint8Array(32);
  k[0] = 9;
  let u = Uint8Array.from(k);
  for (let i = 1; i <= 1000; i++) {
    [k, u] = [x25519.getSharedSecret(k, u), k];
    if (i === 1) assert.equal(hex(k), '422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079');
  }
  assert.equal(hex(k), '684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51');
});

test('agrees with node:crypto on random scalars and u-coordinates, canonical or not', () => {
  for (let i = 0; i < 40; i++) {
    const d = randomBytes(32);
    const priv = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: b64u(d), x: b64u(x25519.getPublicKey(d)) }, format: 'jwk' });
    assert.equal(hex(x25519.getPublicKey(d)), hex(Buffer.from(createPublicKey(priv).export({ format: 'jwk' }).x, 'base64url')));
    const u = randomBytes(32);
    if (i % 4 === 1) u[31] |= 0x80; // the top bit is masked (RFC 7748 §5)
    if (i % 4 === 2) (u.fill(0xff, 1), (u[0] = 0xed + (i % 3)), (u[31] = 0x7f)); // p, p + 1, p + 2: reduced mod p
    const pub = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64u(u) }, format: 'jwk' });
    let expected;
    try {
      expected = hex(diffieHellman({ privateKey: priv, publicKey: pub }));
    } catch {
      expected = '00'.repeat(32); // OpenSSL refuses the all-zero result; the ladder returns it and web.ts refuses it
    }
    assert.equal(hex(x25519.getSharedSecret(d, u)), expected, `case ${i}`);
  }
});

test('wrong lengths are refused', () => {
  assert.throws(() => x25519.getPublicKey(new Uint8Array(31)));
  assert.throws(() => x25519.getSharedSecret(new Uint8Array(32), new Uint8Array(33)));
});
