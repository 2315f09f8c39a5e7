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
import { A256CBC_HS512, AES_GCM, XCHACHA20_POLY1305, runCases } from './wycheproof-cases.mjs';

test('wycheproof aes_gcm_test.json: A128GCM / A256GCM', (t) => runCases(t, backend, AES_GCM));

test('wycheproof a256cbc_hs512_test.json: A256CBC-HS512 (RFC 7518 §5.2.5)', (t) => runCases(t, backend, A256CBC_HS512));

test('wycheproof xchacha20_poly1305_test.json: XC20P', (t) => runCases(t, backend, XCHACHA20_POLY1305));
