// Wycheproof AEAD vectors against backend.encrypt / backend.decrypt.
//   valid   -> encrypt gives exactly ct and tag; decrypt gives msg back.
//   invalid -> decrypt fails with ERR_DECRYPTION_FAILED (modified tags, bad nonce sizes).
// Parameters outside what JWA defines are run too, and must be refused, never accepted:
//   - AES-GCM groups with a 192-bit key: there is no A192GCM in our set -> ERR_UNSUPPORTED.
//   - AES-GCM with an IV other than 96 bits (RFC 7518 §5.3 fixes it): decrypt fails with
//     ERR_DECRYPTION_FAILED, encrypt refuses (any error), even for cases valid upstream.
//   - XChaCha20-Poly1305 nonces other than 192 bits: same.
import { test } from 'node:test';
import { backend } from '../../dist/crypto/index.js';
import { attempt, describeError, expectRejected, hex, loadWycheproof, runAll, toHex } from './wycheproof.mjs';

async function aeadCase(enc, tc, { supported = true, paramsOk = true } = {}) {
  const key = hex(tc.key);
  const iv = hex(tc.iv);
  const aad = hex(tc.aad);
  const dec = await attempt(() => backend.decrypt(enc, key, iv, hex(tc.ct), hex(tc.tag), aad));
  if (!supported) return { failure: expectRejected(dec, 'ERR_UNSUPPORTED'), outcome: `${tc.result}, unsupported ${enc}: refused` };
  if (!paramsOk) {
    const encr = await attempt(() => backend.encrypt(enc, key, iv, hex(tc.msg), aad));
    if (encr.ok) return 'encrypt accepted an IV/nonce size JWA does not allow';
    return { failure: expectRejected(dec, 'ERR_DECRYPTION_FAILED'), outcome: `${tc.result}, non-JWA IV size: refused` };
  }
  if (tc.result === 'invalid') return { failure: expectRejected(dec, 'ERR_DECRYPTION_FAILED'), outcome: 'invalid rejected' };
  if (tc.result !== 'valid') return `unexpected result ${tc.result}`;
  if (!dec.ok) return `decrypt failed: ${describeError(dec.error)}`;
  if (toHex(dec.value) !== tc.msg) return 'decrypt gave the wrong plaintext';
  const encr = await attempt(() => backend.encrypt(enc, key, iv, hex(tc.msg), aad));
  if (!encr.ok) return `encrypt failed: ${describeError(encr.error)}`;
  if (toHex(encr.value.ciphertext) !== tc.ct || toHex(encr.value.tag) !== tc.tag) return 'encrypt gave a different ciphertext or tag';
  return { failure: null, outcome: 'valid encrypt+decrypt' };
}

test('wycheproof aes_gcm_test.json: A128GCM / A256GCM', async (t) => {
  const file = loadWycheproof('aes_gcm_test.json');
  await runAll(t, 'aes_gcm_test.json', file, 316, async (group, tc) => {
    if (group.tagSize !== 128) return `unexpected tag size ${group.tagSize}`;
    const enc = { 128: 'A128GCM', 192: 'A192GCM', 256: 'A256GCM' }[group.keySize];
    return aeadCase(enc, tc, { supported: group.keySize !== 192, paramsOk: group.ivSize === 96 });
  });
});

test('wycheproof a256cbc_hs512_test.json: A256CBC-HS512 (RFC 7518 §5.2.5)', async (t) => {
  const file = loadWycheproof('a256cbc_hs512_test.json');
  await runAll(t, 'a256cbc_hs512_test.json', file, 94, async (group, tc) => {
    // Layout: key = MAC_KEY || ENC_KEY (64 bytes), iv 16 bytes, ct = AES-CBC output, tag =
    // the first 32 bytes of HMAC-SHA-512 (kept separate from ct in this file).
    if (group.keySize !== 512 || group.ivSize !== 128 || group.tagSize !== 256) return 'unexpected group parameters';
    return aeadCase('A256CBC-HS512', tc);
  });
});

test('wycheproof xchacha20_poly1305_test.json: XC20P', async (t) => {
  const file = loadWycheproof('xchacha20_poly1305_test.json');
  await runAll(t, 'xchacha20_poly1305_test.json', file, 315, async (group, tc) => {
    if (group.keySize !== 256 || group.tagSize !== 128) return 'unexpected group parameters';
    return aeadCase('XC20P', tc, { paramsOk: group.ivSize === 192 });
  });
});
