// Wycheproof X25519 (raw keys and JWK keys) against backend.importPublicKey + backend.ecdh.
// Policy: DIDComm rejects a low-order public key, i.e. an all-zero shared secret (RFC 7748 §6.1
// "MAY check"; the spec's ECDH-ES/1PU profile requires it). Those cases are 'acceptable'
// upstream (flags LowOrderPublic + ZeroSharedSecret) and must be rejected with ERR_INVALID_KEY.
// Every other valid or acceptable case (twist points, non-canonical u >= p, the high bit set)
// must give exactly the expected shared secret, as RFC 7748 §5 prescribes.
import { test } from 'node:test';
import { backend } from '../../dist/crypto/index.js';
import { X25519, X25519_JWK, runCases } from './wycheproof-cases.mjs';

test('wycheproof x25519_test.json: raw X25519 agreement', (t) => runCases(t, backend, X25519));

test('wycheproof x25519_jwk_test.json: X25519 agreement from JWKs', (t) => runCases(t, backend, X25519_JWK));
