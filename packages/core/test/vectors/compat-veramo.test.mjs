// compat 'veramo' only adds Veramo's dialect (issue 13). Here every didcomm-rust and spec vector is
// unpacked strict and under the policy, and the two outcomes must be the same: the same message
// and metadata for a valid vector (metadata.compat absent), the same error code for an invalid
// one. The exceptions are the three invalid vectors made by removing apv or apu. They have the
// dialect's shape, so under the policy they get past the header checks, and they still fail,
// at decryption. The low-level jwe_decrypt.json cases run the same way through parseJwe's
// dialect flags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend } from '../../dist/crypto/index.js';
import { decryptJwe } from '../../dist/jwe/decrypt.js';
import { parseJwe } from '../../dist/jwe/parse.js';
import { jwkPrivateScalar, jwkToPublicRaw } from '../../dist/keys/jwk.js';
import { InMemorySecrets, unpack } from '../../dist/index.js';
import { loadVector, secretsFromJwks, staticResolver, VECTOR_NOW } from '../helpers.mjs';

const outcome = (p) =>
  p.then(
    (v) => ({ ok: true, v }),
    (e) => ({ ok: false, code: e?.code ?? e?.name }),
  );

test('didcomm-rust message vectors: the same outcome strict and under compat veramo', async () => {
  const docs = loadVector('didcomm-rust/did_docs.json').docs;
  const secrets = loadVector('didcomm-rust/secrets.json').secret_lists;
  const options = { resolver: staticResolver([docs.ALICE_DID_DOC, docs.BOB_DID_DOC, docs.CHARLIE_DID_DOC]), secrets: new InMemorySecrets(secrets.BOB_SECRETS), now: VECTOR_NOW };
  let valid = 0;
  let invalid = 0;
  const differ = [];
  for (const file of ['plaintext', 'signed', 'encrypted', 'from_prior']) {
    const set = loadVector(`didcomm-rust/${file}.json`);
    for (const v of [...(set.valid ?? []), ...(set.invalid ?? [])]) {
      const input = v.message_raw ?? JSON.stringify(v.message);
      const strict = await outcome(unpack(input, options));
      const lax = await outcome(unpack(input, { ...options, compat: 'veramo' }));
      if (!strict.ok && !lax.ok && lax.code !== strict.code) differ.push(`${v.name}: ${strict.code} -> ${lax.code}`);
      else assert.deepEqual(lax, strict, `${file} ${v.name}`);
      if (strict.ok) assert.equal(lax.v.metadata.compat, undefined, `${file} ${v.name}`);
      if (strict.ok) valid++;
      else invalid++;
    }
  }
  assert.ok(valid > 10 && invalid > 10, `valid ${valid}, invalid ${invalid}`);
  // The three vectors made by removing apv or apu have the dialect's shape: under the policy they
  // pass the header checks and still fail, at decryption (the KDF took the removed field).
  assert.deepEqual(differ, [
    'ENCRYPTED_MSG_ANON_XC20P_1/remove_protected_field(apv): ERR_MALFORMED -> ERR_DECRYPTION_FAILED',
    'ENCRYPTED_MSG_AUTH_X25519/remove_protected_field(apv): ERR_MALFORMED -> ERR_DECRYPTION_FAILED',
    'ENCRYPTED_MSG_AUTH_X25519/remove_protected_field(apu): ERR_MALFORMED -> ERR_DECRYPTION_FAILED',
  ]);
});

test('spec appendix vectors: the same outcome strict and under compat veramo', async () => {
  const docs = loadVector('spec/did_docs.json');
  const secrets = new InMemorySecrets(secretsFromJwks(loadVector('spec/secrets.json').bob.secrets_normalized));
  const options = { resolver: staticResolver([docs.alice, docs.bob]), secrets, now: VECTOR_NOW };
  for (const file of ['signed', 'encrypted']) {
    for (const v of loadVector(`spec/${file}.json`).vectors) {
      const input = JSON.stringify(v.message);
      const strict = await outcome(unpack(input, options));
      assert.ok(strict.ok, `${file} ${v.name} unpacks strict`);
      assert.deepEqual(await outcome(unpack(input, { ...options, compat: 'veramo' })), strict, `${file} ${v.name}`);
    }
  }
});

test('didcomm-rust jwe_decrypt.json: the same outcome with and without the dialect flags of parseJwe', async () => {
  const V = loadVector('didcomm-rust/jwe_decrypt.json');
  const key = async (jwk, priv) => {
    const { curve, raw } = jwkToPublicRaw(jwk);
    return priv ? backend.importPrivateKey(curve, jwkPrivateScalar(jwk), raw) : backend.importPublicKey(curve, raw);
  };
  const run = async (c, policy) => {
    const parsed = parseJwe(V.messages[c.msg], policy);
    const recipient = { kid: V.keys[c.recipient.kid_const], key: await key(V.keys[c.recipient.key_const], true) };
    const sender = c.sender ? { kid: V.keys[c.sender.kid_const], key: await key(V.keys[c.sender.key_const], false) } : undefined;
    return new TextDecoder().decode(await decryptJwe(parsed, recipient, sender));
  };
  let rejected = 0;
  for (const c of V.cases) {
    const strict = await outcome(run(c, {}));
    const lax = await outcome(run(c, { onePuDraft3: true, xc20pKeyWrap: true }));
    assert.deepEqual(lax, strict, `${c.test} ${c.msg}`);
    if (!strict.ok) rejected++;
  }
  assert.equal(V.cases.length, 61);
  assert.ok(rejected > 20, `rejected ${rejected}`);
});
