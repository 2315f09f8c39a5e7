// didcomm-rust/jwe_decrypt.json: the 61 low-level JWE decrypt cases of sicpa-dlab/didcomm-rust
// src/jwe/decrypt.rs, run with parseJwe + decryptJwe (no DID resolution). Keys are the JWK
// consts of the file. A case with a sender passes { kid, key } so the library can check the
// sender is the one the JWE names (the 'Wrong skid used' cases).
//
// Failures are checked by code, from our design (not from the vectors): undecodable fields are
// ERR_MALFORMED at parse, an ephemeral key off its curve is ERR_INVALID_KEY, and everything
// that depends on secrets (wrong key, wrong or missing sender, recipient not found, tampering)
// is the one indistinguishable ERR_DECRYPTION_FAILED.
// decrypt_works_epk_different_curve is #[ignore]d upstream (askar issue 28); the note says an
// implementation SHOULD reject it, and we do: the epk is P-256, the recipient key X25519.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend } from '../../dist/crypto/index.js';
import { parseJwe } from '../../dist/jwe/parse.js';
import { decryptJwe } from '../../dist/jwe/decrypt.js';
import { jwkPrivateScalar, jwkToPublicRaw } from '../../dist/keys/jwk.js';
import { loadVector } from '../helpers.mjs';
import { attempt, describeError, expectRejected } from './wycheproof.mjs';

const V = loadVector('didcomm-rust/jwe_decrypt.json');

const EXPECTED_CODE = {
  decrypt_works_undecodable_encrypted_key: 'ERR_MALFORMED',
  decrypt_works_undecodable_tag: 'ERR_MALFORMED',
  decrypt_works_undecodable_iv: 'ERR_MALFORMED',
  decrypt_works_undecodable_ciphertext: 'ERR_MALFORMED',
  decrypt_works_epk_wrong_point: 'ERR_INVALID_KEY',
};

async function privateKey(jwk) {
  const { curve, raw } = jwkToPublicRaw(jwk);
  return backend.importPrivateKey(curve, jwkPrivateScalar(jwk), raw);
}

async function publicKey(jwk) {
  const { curve, raw } = jwkToPublicRaw(jwk);
  return backend.importPublicKey(curve, raw);
}

async function run(c) {
  const parsed = parseJwe(V.messages[c.msg]);
  assert.equal(parsed.alg, c.alg, 'alg differs from the case');
  assert.equal(parsed.enc, c.enc, 'enc differs from the case');
  const recipient = { kid: V.keys[c.recipient.kid_const], key: await privateKey(V.keys[c.recipient.key_const]) };
  const sender = c.sender ? { kid: V.keys[c.sender.kid_const], key: await publicKey(V.keys[c.sender.key_const]) } : undefined;
  return new TextDecoder().decode(await decryptJwe(parsed, recipient, sender));
}

test('didcomm-rust jwe_decrypt.json: all cases', async (t) => {
  assert.equal(V.cases.length, 61);
  const failures = [];
  let executed = 0;
  let passed = 0;
  const tally = {};
  for (const c of V.cases) {
    executed++;
    const label = `${c.test} ${c.msg} as ${c.recipient.kid_const}${c.sender ? ` from ${c.sender.kid_const}/${c.sender.key_const}` : ''}`;
    const r = await attempt(() => run(c));
    let failure = null;
    if (c.expect_ok) {
      const want = c.expected_plaintext ?? V.payload_default;
      if (!r.ok) failure = `rejected: ${describeError(r.error)}${r.error?.cause ? ` (${r.error.cause.message})` : ''}`;
      else if (r.value !== want) failure = 'wrong plaintext';
    } else {
      failure = expectRejected(r, EXPECTED_CODE[c.test] ?? 'ERR_DECRYPTION_FAILED');
    }
    const outcome = c.expect_ok ? 'decrypted' : r.ok ? 'accepted!' : `rejected ${r.error?.code}`;
    tally[outcome] = (tally[outcome] ?? 0) + 1;
    if (failure) failures.push(`${label}: ${failure}`);
    else passed++;
  }
  t.diagnostic(`jwe_decrypt.json: executed ${executed}, passed ${passed}; ${Object.entries(tally).map(([k, v]) => `${k}: ${v}`).join(', ')}`);
  assert.equal(executed, 61);
  assert.deepEqual(failures, []);
});

test('didcomm-rust jwe_decrypt.json: a bare sender public key (no kid) still decrypts authcrypt', async () => {
  const c = V.cases.find((x) => x.test === 'decrypt_works' && x.msg === 'MSG_AUTHCRYPT_X25519_A256CBC');
  const parsed = parseJwe(V.messages[c.msg]);
  const key = await privateKey(V.keys[c.recipient.key_const]);
  const pt = await decryptJwe(parsed, { kid: V.keys[c.recipient.kid_const], key }, await publicKey(V.keys[c.sender.key_const]));
  assert.equal(new TextDecoder().decode(pt), c.expected_plaintext ?? V.payload_default);
});
