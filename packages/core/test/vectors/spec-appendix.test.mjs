// The DIDComm v2.1 spec appendix vectors (C.2 signed, C.3 encrypted) with the appendix's
// DID docs (B) and secrets (A). The payload is spec/plaintext.json#signed_payload_decoded (ERRATA 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unpack, InMemorySecrets } from '../../dist/index.js';
import { loadVector, staticResolver, secretsFromJwks, VECTOR_NOW, camelMetadata } from '../helpers.mjs';

const docs = loadVector('spec/did_docs.json');
const secretsFile = loadVector('spec/secrets.json');
const plaintext = loadVector('spec/plaintext.json').signed_payload_decoded;
const resolver = staticResolver([docs.alice, docs.bob]);
const secrets = new InMemorySecrets(secretsFromJwks(secretsFile.bob.secrets_normalized));
const options = { resolver, secrets, now: VECTOR_NOW };

for (const v of loadVector('spec/signed.json').vectors) {
  test(`spec C.2 ${v.name}`, async () => {
    const { message, metadata } = await unpack(JSON.stringify(v.message), options);
    assert.deepEqual(message, plaintext);
    assert.equal(metadata.nonRepudiation, true);
    assert.equal(metadata.authenticated, true);
    assert.equal(metadata.encrypted, false);
    assert.equal(metadata.signFrom, camelMetadata(v.expected.metadata ?? {}).signFrom ?? metadata.signFrom);
    assert.equal(metadata.signAlg, v.protected_decoded.alg);
  });
}

for (const v of loadVector('spec/encrypted.json').vectors) {
  test(`spec C.3 ${v.name}`, async () => {
    const { message, metadata } = await unpack(JSON.stringify(v.message), options);
    assert.deepEqual(message, plaintext);
    assert.equal(metadata.encrypted, true);
    assert.deepEqual(metadata.encryptedToKids, v.recipient_kids);
    if (v.expected) {
      for (const [k, want] of Object.entries(camelMetadata(v.expected.metadata ?? v.expected.metadata_hint))) {
        if (k === 'signedMessage') assert.deepEqual(JSON.parse(metadata.signedMessage), want);
        else assert.deepEqual(metadata[k], want, k);
      }
    } else {
      // No source asserts this one (ERRATA gaps): it must still decrypt (P-521 XC20P) to the
      // appendix plaintext, with Alice's signature and authcrypt inside.
      assert.equal(metadata.encAlgAnon, `${v.protected_decoded.alg}/${v.protected_decoded.enc}`);
      assert.equal(metadata.authenticated, true);
      assert.equal(metadata.nonRepudiation, true);
      assert.equal(metadata.anonymousSender, false);
    }
  });
}

test('spec vectors: the v2.0 DID docs (controller = key id) work the same', async () => {
  const v20 = loadVector('spec/did_docs.json')['v2.0_variants'];
  const docs20 = Object.values(v20).filter((d) => d && typeof d === 'object' && typeof d.id === 'string');
  assert.ok(docs20.length >= 2);
  const v = loadVector('spec/encrypted.json').vectors.find((x) => x.name === 'auth_x25519_a256cbc');
  const { message } = await unpack(JSON.stringify(v.message), { ...options, resolver: staticResolver(docs20) });
  assert.deepEqual(message, plaintext);
});

test('spec vectors: expired messages are refused at the real clock', async () => {
  const v = loadVector('spec/signed.json').vectors[0];
  await assert.rejects(unpack(JSON.stringify(v.message), { resolver, secrets }), { code: 'ERR_EXPIRED' });
});
