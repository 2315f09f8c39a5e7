// The conformance checks every crypto backend must pass (shapes, round trips, the refusals and
// error codes the vector suites rely on), registered for one backend by backendSuite(label,
// backend). backend.test.mjs runs it on the backend src/crypto/index.js resolves to (node, or
// web under --conditions=browser); web-backend.test.mjs on the web backend, native and with
// X25519/Ed25519 forced through @noble. Expected outputs are properties (round trip, rejection
// code), never values computed by our own code; known-answer checks live in test/vectors.
// Not a *.test.mjs file: the runner only picks it up through those two files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTENT_ENC, CURVE_INFO, compressPoint, toUncompressedPoint } from '../../../dist/crypto/index.js';
import { DIDCommError } from '../../../dist/errors.js';

export const code = (c) => (e) => e instanceof DIDCommError && e.code === c;
export const utf8 = (s) => new TextEncoder().encode(s);
export const CURVES = Object.keys(CURVE_INFO);
export const AGREEMENT = CURVES.filter((c) => CURVE_INFO[c].agreement);
export const SIGNING = CURVES.filter((c) => CURVE_INFO[c].signAlg);

/**
 * Registers the shared backend tests, each named `${label}: ...`. Options:
 *   symmetric (default true): false leaves out the content-encryption and key-wrap tests (for a
 *     variant that differs from an already tested backend only in its curve code);
 *   ephemeralSigningKeys: also require that an ephemeral pair on a signing-only curve (Ed25519)
 *     is made, without `d` (the web backend does; the node backend refuses, ERR_UNSUPPORTED);
 *   unknownCurveUnsupported: also require importPublicKey on an unknown curve ('P-192') to fail
 *     with ERR_UNSUPPORTED (the web backend does; the node backend throws an untyped TypeError).
 */
export function backendSuite(label, backend, { symmetric = true, ephemeralSigningKeys = false, unknownCurveUnsupported = true } = {}) {
  test(`${label}: generateKeyPair/importPrivateKey/importPublicKey agree on every curve`, async () => {
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
      if (CURVE_INFO[curve].agreement || ephemeralSigningKeys) {
        const eph = await backend.generateKeyPair(curve, { ephemeral: true });
        assert.equal(eph.d, undefined, curve);
      }
    }
  });

  test(`${label}: importPublicKey refuses wrong lengths, compressed points and off-curve points`, async () => {
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
    if (unknownCurveUnsupported) await assert.rejects(backend.importPublicKey('P-192', new Uint8Array(49)), code('ERR_UNSUPPORTED'));
  });

  test(`${label}: ecdh symmetric on every agreement curve; mixed and signing curves refused; X25519 low order refused`, async () => {
    for (const curve of AGREEMENT) {
      const a = await backend.generateKeyPair(curve);
      const b = await backend.generateKeyPair(curve, { ephemeral: true });
      const z = await backend.ecdh(a, b.publicKey);
      assert.equal(z.length, CURVE_INFO[curve].size, curve);
      assert.deepEqual(z, await backend.ecdh(b, a.publicKey), curve);
    }
    const x = await backend.generateKeyPair('X25519');
    const p = await backend.generateKeyPair('P-256');
    const k = await backend.generateKeyPair('secp256k1');
    const e = await backend.generateKeyPair('Ed25519');
    await assert.rejects(backend.ecdh(x, p.publicKey), code('ERR_INVALID_KEY'));
    await assert.rejects(backend.ecdh(p, k.publicKey), code('ERR_INVALID_KEY'));
    await assert.rejects(backend.ecdh(e, e.publicKey), code('ERR_INVALID_KEY'));
    // The all-zero X25519 public key is of low order (RFC 7748 §6.1).
    await assert.rejects(async () => backend.ecdh(x, await backend.importPublicKey('X25519', new Uint8Array(32))), code('ERR_INVALID_KEY'));
  });

  test(`${label}: sign/verify round trip on every signing curve; P1363 sizes; verify never throws`, async () => {
    const data = utf8('payload');
    for (const curve of SIGNING) {
      const kp = await backend.generateKeyPair(curve);
      const sig = await backend.sign(kp, data);
      assert.equal(sig.length, CURVE_INFO[curve].kty === 'OKP' ? 64 : 2 * CURVE_INFO[curve].size, curve);
      assert.equal(await backend.verify(kp.publicKey, data, sig), true, curve);
      assert.equal(await backend.verify(kp.publicKey, utf8('other'), sig), false, curve);
      for (const bad of [new Uint8Array(0), sig.subarray(1), Uint8Array.of(...sig, 0), new Uint8Array(sig.length)]) {
        assert.equal(await backend.verify(kp.publicKey, data, bad), false, curve);
      }
      // A key imported from its scalar signs too (the web P-curves keep one CryptoKey per use).
      const imported = await backend.importPrivateKey(curve, kp.d);
      assert.equal(await backend.verify(kp.publicKey, data, await backend.sign(imported, data)), true, `${curve} imported`);
    }
    // One P-256 key object both agrees and signs.
    const both = await backend.generateKeyPair('P-256');
    const peer = await backend.generateKeyPair('P-256');
    await backend.ecdh(both, peer.publicKey);
    assert.equal(await backend.verify(both.publicKey, data, await backend.sign(both, data)), true);
    const x = await backend.generateKeyPair('X25519');
    await assert.rejects(backend.sign(x, data), code('ERR_UNSUPPORTED'));
    assert.equal(await backend.verify(x.publicKey, data, new Uint8Array(64)), false);
  });

  if (!symmetric) return;

  test(`${label}: content encryption round trip for every enc; tampering and wrong sizes fail the same way`, async () => {
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
    await assert.rejects(backend.encrypt('A192GCM', new Uint8Array(24), new Uint8Array(12), new Uint8Array(0), new Uint8Array(0)), code('ERR_UNSUPPORTED'));
  });

  test(`${label}: AES key wrap round trip for every KEK size; misuse is a TypeError; tampering fails`, async () => {
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
}
