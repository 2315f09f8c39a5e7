// Wycheproof signature verification against backend.verify: Ed25519 (EdDSA) and ECDSA with
// the IEEE P1363 r||s encoding JWS uses (ES256 on P-256, ES256K on secp256k1).
// valid -> true; invalid -> false. verify must never throw, whatever the signature bytes.
// Neither file has 'acceptable' cases. Note that Wycheproof (and RFC 7518) accept high-s ECDSA
// signatures as valid: ES256K in JOSE does not require low-s, so neither do we.
import { test } from 'node:test';
import { backend } from '../../dist/crypto/index.js';
import { ECDSA_P1363, ED25519, runCases } from './wycheproof-cases.mjs';

test('wycheproof ed25519_test.json: EdDSA verify', (t) => runCases(t, backend, ED25519));

for (const spec of ECDSA_P1363) {
  test(`wycheproof ${spec.file}: ${spec.curve} ECDSA (P1363) verify`, (t) => runCases(t, backend, spec));
}
