// didcomm-rust message vectors (plaintext, signed, encrypted, from_prior), unpacked with the
// setup the INDEX names: resolver {Alice, Bob, Charlie}, secrets BOB_SECRETS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unpack, InMemorySecrets, DIDCommError, ErrorCodes } from '../../dist/index.js';
import { loadVector, staticResolver, VECTOR_NOW, camelMetadata } from '../helpers.mjs';

const docs = loadVector('didcomm-rust/did_docs.json').docs;
const secrets = loadVector('didcomm-rust/secrets.json').secret_lists;
const resolver = staticResolver([docs.ALICE_DID_DOC, docs.BOB_DID_DOC, docs.CHARLIE_DID_DOC]);
const bobSecrets = new InMemorySecrets(secrets.BOB_SECRETS);
const options = { resolver, secrets: bobSecrets, now: VECTOR_NOW };

function assertMetadata(actual, expected, input) {
  for (const [k, v] of Object.entries(camelMetadata(expected))) {
    if (k === 'signedMessage') {
      const want = v === '<the input JWS>' ? input : v;
      assert.deepEqual(JSON.parse(actual.signedMessage), typeof want === 'string' ? JSON.parse(want) : want, 'signedMessage');
      continue;
    }
    assert.deepEqual(actual[k], v, `metadata.${k}`);
  }
}

async function expectFailure(input, opts = options) {
  await assert.rejects(unpack(input, opts), (e) => {
    assert.ok(e instanceof DIDCommError, `expected DIDCommError, got ${e}`);
    assert.ok(Object.values(ErrorCodes).includes(e.code));
    return true;
  });
}

for (const file of ['plaintext', 'signed', 'encrypted']) {
  const set = loadVector(`didcomm-rust/${file}.json`);
  for (const v of set.valid) {
    test(`didcomm-rust ${file} valid: ${v.name}`, async () => {
      const input = JSON.stringify(v.message);
      const { message, metadata } = await unpack(input, options);
      if (v.expected.plaintext) assert.deepEqual(message, v.expected.plaintext);
      else assert.deepEqual(message, v.message.payload ? message : v.message);
      assertMetadata(metadata, v.expected.metadata, input);
    });
  }
  for (const v of set.invalid) {
    // ERRATA 11: v2.1 makes body optional; didcomm-rust (and v2.0) reject its absence.
    if (v.name === 'INVALID_PLAINTEXT_MSG_NO_BODY') {
      test(`didcomm-rust ${file}: ${v.name} fails under requireBody and passes under v2.1`, async () => {
        await expectFailure(JSON.stringify(v.message), { ...options, requireBody: true });
        const { message } = await unpack(JSON.stringify(v.message), options);
        assert.equal(message.body, undefined);
      });
      continue;
    }
    test(`didcomm-rust ${file} invalid: ${v.name}`, async () => {
      const input = v.message_raw ?? JSON.stringify(v.message);
      await expectFailure(input);
    });
  }
}

test('didcomm-rust encrypted: the invalid epk vector fails with INVALID_KEY', async () => {
  const v = loadVector('didcomm-rust/encrypted.json').invalid.find((x) => x.name === 'INVALID_ENCRYPTED_MSG_ANON_P256_EPK_WRONG_POINT');
  await assert.rejects(unpack(JSON.stringify(v.message), options), { code: ErrorCodes.INVALID_KEY });
});
