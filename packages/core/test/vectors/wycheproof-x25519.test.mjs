// Wycheproof X25519 (raw keys and JWK keys) against backend.importPublicKey + backend.ecdh.
// Policy: DIDComm rejects a low-order public key, i.e. an all-zero shared secret (RFC 7748 §6.1
// "MAY check"; the spec's ECDH-ES/1PU profile requires it). Those cases are 'acceptable'
// upstream (flags LowOrderPublic + ZeroSharedSecret) and must be rejected with ERR_INVALID_KEY.
// Every other valid or acceptable case (twist points, non-canonical u >= p, the high bit set)
// must give exactly the expected shared secret, as RFC 7748 §5 prescribes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend } from '../../dist/crypto/index.js';
import { jwkToPublicRaw, jwkPrivateScalar } from '../../dist/keys/jwk.js';
import { attempt, expectRejected, hex, isZero, loadWycheproof, runAll, toHex } from './wycheproof.mjs';

function checkAgreement(tc, r) {
  // Invalid cases (public keys of another type or curve, malformed JWKs) carry no secret.
  if (tc.result === 'invalid') return { failure: expectRejected(r), outcome: `invalid rejected` };
  if (isZero(tc.shared)) {
    // The vector file must mark every all-zero secret as acceptable + ZeroSharedSecret.
    if (tc.result !== 'acceptable' || !tc.flags.includes('ZeroSharedSecret')) return `all-zero secret not flagged as expected (${tc.result})`;
    return { failure: expectRejected(r, 'ERR_INVALID_KEY'), outcome: 'low order rejected (ERR_INVALID_KEY)' };
  }
  if (!r.ok) return `rejected: ${r.error?.code ?? r.error}`;
  if (toHex(r.value) !== tc.shared) return `shared secret ${toHex(r.value)} != ${tc.shared}`;
  return { failure: null, outcome: `${tc.result} agreed` };
}

test('wycheproof x25519_test.json: raw X25519 agreement', async (t) => {
  const file = loadWycheproof('x25519_test.json');
  await runAll(t, 'x25519_test.json', file, 518, async (group, tc) => {
    assert.equal(group.curve, 'curve25519');
    const priv = await backend.importPrivateKey('X25519', hex(tc.private));
    const r = await attempt(async () => backend.ecdh(priv, await backend.importPublicKey('X25519', hex(tc.public))));
    return checkAgreement(tc, r);
  });
});

test('wycheproof x25519_jwk_test.json: X25519 agreement from JWKs', async (t) => {
  const file = loadWycheproof('x25519_jwk_test.json');
  await runAll(t, 'x25519_jwk_test.json', file, 531, async (group, tc) => {
    // The private JWK is well formed in every case; its x must match d (checked on import).
    const priv = await backend.importPrivateKey('X25519', jwkPrivateScalar(tc.private), jwkToPublicRaw(tc.private).raw);
    const r = await attempt(async () => {
      const { curve, raw } = jwkToPublicRaw(tc.public);
      return backend.ecdh(priv, await backend.importPublicKey(curve, raw));
    });
    return checkAgreement(tc, r);
  });
});
