// Unit tests of the crypto backend (src/crypto): shapes, round trips, and the refusals the
// vector suites rely on. Expected outputs here are properties (round trip, rejection code),
// never values computed by our own code; known-answer checks live in test/vectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, CONTENT_ENC, CURVE_INFO, compressPoint, toUncompressedPoint } from '../../../dist/crypto/index.js';
import { DIDCommError } from '../../../dist/errors.js';
import { loadVector } from '../../helpers.mjs';

const code = (c) => (e) => e instanceof DIDCommError && e.code === c;
const hex = (h) => new Uint8Array(Buffer.from(h, 'hex'));
const CURVES = Object.keys(CURVE_INFO);
const utf8 = (s) => new TextEncoder().encode(s);

test('generateKeyPair/importPrivateKey/importPublicKey agree on every curve', async () => {
  for (const curve of CURVES) {
    const kp = await backend.generateKeyPair(curve);
    const { kty, size } = CURVE_INFO[curve];
    assert.equal(kp.publicKey.raw.length, kty === 'OKP' ? 32 : 1 + 2 * size, curve);
    assert.equal(kp.d.length, size, curve);
    const again = await backend.importPrivateKey(curve, kp.d, kp.publicKey.raw);
    assert.deepEqual(again.publicKey.raw, kp.publicKey.raw, curve);
    await backend.importPublicKey(curve, kp.publicKey.raw);
    // A private key that does not match the public key it comes with is refused.
    const other = await backend.generateKeyPair(curve);
    await assert.rejects(backend.importPrivateKey(curve, kp.d, other.publicKey.raw), code('ERR_INVALID_KEY'), curve);
    await assert.rejects(backend.importPrivateKey(curve, kp.d.subarray(1)), code('ERR_INVALID_KEY'), curve);
  }
});

test('importPublicKey refuses wrong lengths, compressed points and off-curve points', async () => {
  for (const curve of CURVES) {
    const { publicKey } = await backend.generateKeyPair(curve);
    await assert.rejects(backend.importPublicKey(curve, publicKey.raw.subarray(1)), code('ERR_INVALID_KEY'), curve);
    if (CURVE_INFO[curve].kty === 'EC') {
      const compressed = compressPoint(curve, publicKey.raw);
      await assert.rejects(backend.importPublicKey(curve, compressed), code('ERR_INVALID_KEY'), `${curve} compressed`);
      assert.deepEqual(toUncompressedPoint(curve, compressed), publicKey.raw);
      const off = Uint8Array.from(publicKey.raw);
      off[off.length - 1] ^= 1;
      await assert.rejects(backend.importPublicKey(curve, off), code('ERR_INVALID_KEY'), `${curve} off curve`);
      assert.throws(() => toUncompressedPoint(curve, off), code('ERR_INVALID_KEY'));
    }
  }
});

test('ecdh: symmetric on every agreement curve; refuses mixed curves and signing curves', async () => {
  for (const curve of CURVES.filter((c) => CURVE_INFO[c].agreement)) {
    const a = await backend.generateKeyPair(curve);
    const b = await backend.generateKeyPair(curve, { ephemeral: true });
    assert.deepEqual(await backend.ecdh(a, b.publicKey), await backend.ecdh(b, a.publicKey), curve);
  }
  const x = await backend.generateKeyPair('X25519');
  const p = await backend.generateKeyPair('P-256');
  const k = await backend.generateKeyPair('secp256k1');
  const e = await backend.generateKeyPair('Ed25519');
  await assert.rejects(backend.ecdh(x, p.publicKey), code('ERR_INVALID_KEY'));
  await assert.rejects(backend.ecdh(p, k.publicKey), code('ERR_INVALID_KEY'));
  await assert.rejects(backend.ecdh(e, e.publicKey), code('ERR_INVALID_KEY'));
});

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

test('sign/verify: every signing curve round trips; P1363 signature sizes; verify never throws', async () => {
  const data = utf8('payload');
  for (const curve of CURVES.filter((c) => CURVE_INFO[c].signAlg)) {
    const kp = await backend.generateKeyPair(curve);
    const sig = await backend.sign(kp, data);
    assert.equal(sig.length, CURVE_INFO[curve].kty === 'OKP' ? 64 : 2 * CURVE_INFO[curve].size, curve);
    assert.equal(await backend.verify(kp.publicKey, data, sig), true, curve);
    assert.equal(await backend.verify(kp.publicKey, utf8('other'), sig), false, curve);
    for (const bad of [new Uint8Array(0), sig.subarray(1), Uint8Array.of(...sig, 0), new Uint8Array(sig.length)]) {
      assert.equal(await backend.verify(kp.publicKey, data, bad), false, curve);
    }
  }
  const x = await backend.generateKeyPair('X25519');
  await assert.rejects(backend.sign(x, data), code('ERR_UNSUPPORTED'));
  assert.equal(await backend.verify(x.publicKey, data, new Uint8Array(64)), false);
});

test('content encryption: round trip for every enc; tampering and wrong sizes fail the same way', async () => {
  for (const enc of Object.keys(CONTENT_ENC)) {
    const p = CONTENT_ENC[enc];
    const key = backend.randomBytes(p.keyLength);
    const iv = backend.randomBytes(p.ivLength);
    const aad = utf8('aad');
    for (const msg of [new Uint8Array(0), utf8('x'), backend.randomBytes(100)]) {
      const { ciphertext, tag } = await backend.encrypt(enc, key, iv, msg, aad);
      assert.equal(tag.length, p.tagLength, enc);
      assert.deepEqual(await backend.decrypt(enc, key, iv, ciphertext, tag, aad), msg, enc);
      const badTag = Uint8Array.from(tag);
      badTag[0] ^= 1;
      await assert.rejects(backend.decrypt(enc, key, iv, ciphertext, badTag, aad), code('ERR_DECRYPTION_FAILED'), enc);
      await assert.rejects(backend.decrypt(enc, key, iv, ciphertext, tag, utf8('aaD')), code('ERR_DECRYPTION_FAILED'), enc);
      await assert.rejects(backend.decrypt(enc, key, iv, ciphertext, tag.subarray(1), aad), code('ERR_DECRYPTION_FAILED'), enc);
      await assert.rejects(backend.decrypt(enc, key.subarray(1), iv, ciphertext, tag, aad), code('ERR_DECRYPTION_FAILED'), enc);
      await assert.rejects(backend.decrypt(enc, key, iv.subarray(1), ciphertext, tag, aad), code('ERR_DECRYPTION_FAILED'), enc);
    }
  }
  await assert.rejects(backend.decrypt('A192GCM', new Uint8Array(24), new Uint8Array(12), new Uint8Array(0), new Uint8Array(16), new Uint8Array(0)), code('ERR_UNSUPPORTED'));
});

test('AES key wrap: round trip for every KEK size; misuse is a TypeError; tampering fails', async () => {
  for (const n of [16, 24, 32]) {
    const kek = backend.randomBytes(n);
    for (const len of [16, 32, 64]) {
      const cek = backend.randomBytes(len);
      const wrapped = await backend.aesKeyWrap(kek, cek);
      assert.equal(wrapped.length, len + 8);
      assert.deepEqual(await backend.aesKeyUnwrap(kek, wrapped), cek);
      const bad = Uint8Array.from(wrapped);
      bad[3] ^= 1;
      await assert.rejects(backend.aesKeyUnwrap(kek, bad), code('ERR_DECRYPTION_FAILED'));
      await assert.rejects(backend.aesKeyUnwrap(kek, wrapped.subarray(8)), code('ERR_DECRYPTION_FAILED'));
    }
  }
  await assert.rejects(backend.aesKeyWrap(new Uint8Array(20), new Uint8Array(16)), TypeError);
  await assert.rejects(backend.aesKeyWrap(new Uint8Array(16), new Uint8Array(8)), TypeError);
  await assert.rejects(backend.aesKeyWrap(new Uint8Array(16), new Uint8Array(20)), TypeError);
  await assert.rejects(backend.aesKeyUnwrap(new Uint8Array(20), new Uint8Array(24)), code('ERR_DECRYPTION_FAILED'));
});
