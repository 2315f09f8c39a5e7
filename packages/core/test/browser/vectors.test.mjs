// The core's envelope vectors inside headless Chromium (issue 7, "Proof"): every valid vector
// of spec/{signed,encrypted}.json and didcomm-rust/{signed,encrypted,plaintext}.json unpacks
// in the page with the same message and metadata as in Node; messages packed in the page
// unpack in Node and the reverse. The page runs @didcomm-ts/core bundled under the `browser`
// condition, so its crypto is src/crypto/web.ts on Chromium's WebCrypto.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { unpack, packEncrypted, packSigned, InMemorySecrets } from '../../dist/index.js';
import { loadVector, staticResolver, secretsFromJwks, VECTOR_NOW, camelMetadata } from '../helpers.mjs';
import { openHarness } from './harness.mjs';

const NOW = VECTOR_NOW(); // the vectors expired in 2018

const rustDocs = loadVector('didcomm-rust/did_docs.json').docs;
const rustSecrets = loadVector('didcomm-rust/secrets.json').secret_lists;
const specDocs = loadVector('spec/did_docs.json');
const specBob = secretsFromJwks(loadVector('spec/secrets.json').bob.secrets_normalized);
const specPlaintext = loadVector('spec/plaintext.json').signed_payload_decoded;

const RUST = { docs: [rustDocs.ALICE_DID_DOC, rustDocs.BOB_DID_DOC, rustDocs.CHARLIE_DID_DOC], secrets: rustSecrets.BOB_SECRETS, now: NOW };
const SPEC = { docs: [specDocs.alice, specDocs.bob], secrets: specBob, now: NOW };
const ALICE_SENDS = { docs: RUST.docs, secrets: rustSecrets.ALICE_SECRETS };

const nodeOptions = (env) => ({ resolver: staticResolver(env.docs), secrets: new InMemorySecrets(env.secrets), now: env.now === undefined ? undefined : () => env.now });

let h;
before(async () => {
  h = await openHarness();
});
after(async () => {
  await h?.close();
});

/** Calls window.harness[fn](...args) in the page; returns the parsed value or throws the page's error. */
async function inPage(fn, ...args) {
  const r = await h.page.evaluate(([f, a]) => globalThis.harness[f](...a), [fn, args]);
  if (!r.ok) throw Object.assign(new Error(`in the page: ${r.name}: ${r.message}`), { code: r.code });
  return JSON.parse(r.value);
}

/** Unpacks in the page and in Node; asserts both agree exactly and returns the page's result. */
async function unpackBoth(wire, env) {
  const page = await inPage('unpack', wire, env);
  const { message, metadata } = await unpack(wire, nodeOptions(env));
  assert.deepEqual(page, JSON.parse(JSON.stringify({ message, metadata })), 'the page and Node disagree');
  return page;
}

test('the page bundle: web backend in, node backend and Node built-ins out; Chromium has X25519/Ed25519', async (t) => {
  t.diagnostic(await h.page.evaluate(() => globalThis.harness.userAgent()));
  assert.ok(h.inputs.includes('dist/crypto/web.js'), 'dist/crypto/web.js is bundled');
  assert.ok(!h.inputs.includes('dist/crypto/node.js'), 'dist/crypto/node.js is not bundled');
  assert.deepEqual(h.inputs.filter((p) => /(^|\/)node:|node_modules\/ws\//.test(p)), []);
  // Chromium's own curves, so the test exercises WebCrypto rather than the @noble fallback.
  assert.deepEqual(await h.page.evaluate(() => globalThis.harness.native25519()), { x25519: true, ed25519: true });
});

let count = 0;

for (const v of loadVector('spec/signed.json').vectors) {
  test(`chromium: spec C.2 ${v.name}`, async () => {
    const { message, metadata } = await unpackBoth(JSON.stringify(v.message), SPEC);
    assert.deepEqual(message, specPlaintext);
    assert.equal(metadata.nonRepudiation, true);
    assert.equal(metadata.signAlg, v.protected_decoded.alg);
    count++;
  });
}

for (const v of loadVector('spec/encrypted.json').vectors) {
  test(`chromium: spec C.3 ${v.name}`, async () => {
    const { message, metadata } = await unpackBoth(JSON.stringify(v.message), SPEC);
    assert.deepEqual(message, specPlaintext);
    assert.equal(metadata.encrypted, true);
    assert.deepEqual(metadata.encryptedToKids, v.recipient_kids);
    const expected = v.expected?.metadata ?? v.expected?.metadata_hint;
    for (const [k, want] of Object.entries(expected ? camelMetadata(expected) : {})) {
      if (k === 'signedMessage') assert.deepEqual(JSON.parse(metadata.signedMessage), want);
      else assert.deepEqual(metadata[k], want, k);
    }
    count++;
  });
}

for (const file of ['plaintext', 'signed', 'encrypted']) {
  for (const v of loadVector(`didcomm-rust/${file}.json`).valid) {
    test(`chromium: didcomm-rust ${file} ${v.name}`, async () => {
      const input = JSON.stringify(v.message);
      const { message, metadata } = await unpackBoth(input, RUST);
      if (v.expected.plaintext) assert.deepEqual(message, v.expected.plaintext);
      for (const [k, want] of Object.entries(camelMetadata(v.expected.metadata))) {
        if (k === 'signedMessage') assert.deepEqual(JSON.parse(metadata.signedMessage), JSON.parse(want === '<the input JWS>' ? input : typeof want === 'string' ? want : JSON.stringify(want)));
        else assert.deepEqual(metadata[k], want, `metadata.${k}`);
      }
      count++;
    });
  }
}

test('every valid vector ran in the page', () => {
  const expected =
    loadVector('spec/signed.json').vectors.length +
    loadVector('spec/encrypted.json').vectors.length +
    ['plaintext', 'signed', 'encrypted'].reduce((n, f) => n + loadVector(`didcomm-rust/${f}.json`).valid.length, 0);
  assert.equal(count, expected);
});

const message = (id) => ({
  id,
  type: 'https://didcomm.org/basicmessage/2.0/message',
  from: 'did:example:alice',
  to: ['did:example:bob'],
  created_time: NOW,
  body: { content: `hello from ${id}` },
});

const CASES = [
  {
    name: 'authcrypt X25519 (ECDH-1PU+A256KW/A256CBC-HS512)',
    pack: 'packEncrypted',
    options: { to: 'did:example:bob#key-x25519-1', from: 'did:example:alice#key-x25519-1', forward: false },
    check: (m) => {
      assert.equal(m.encrypted, true);
      assert.equal(m.authenticated, true);
      assert.equal(m.anonymousSender, false);
      assert.equal(m.encryptedFromKid, 'did:example:alice#key-x25519-1');
      assert.deepEqual(m.encryptedToKids, ['did:example:bob#key-x25519-1']);
      assert.equal(m.encAlgAuth, 'ECDH-1PU+A256KW/A256CBC-HS512');
    },
  },
  {
    name: 'anoncrypt P-256 (ECDH-ES+A256KW/XC20P)',
    pack: 'packEncrypted',
    options: { to: 'did:example:bob#key-p256-1', encAlgAnon: 'XC20P', forward: false },
    check: (m) => {
      assert.equal(m.encrypted, true);
      assert.equal(m.anonymousSender, true);
      assert.deepEqual(m.encryptedToKids, ['did:example:bob#key-p256-1']);
      assert.equal(m.encAlgAnon, 'ECDH-ES+A256KW/XC20P');
    },
  },
  {
    name: 'signed EdDSA, then authcrypt P-256',
    pack: 'packEncrypted',
    options: { to: 'did:example:bob#key-p256-1', from: 'did:example:alice#key-p256-1', signBy: 'did:example:alice#key-1', forward: false },
    check: (m) => {
      assert.equal(m.authenticated, true);
      assert.equal(m.nonRepudiation, true);
      assert.equal(m.signFrom, 'did:example:alice#key-1');
      assert.equal(m.signAlg, 'EdDSA');
      assert.equal(m.encryptedFromKid, 'did:example:alice#key-p256-1');
      assert.equal(m.encAlgAuth, 'ECDH-1PU+A256KW/A256CBC-HS512');
    },
  },
  {
    name: 'signed ES256',
    pack: 'packSigned',
    options: { signBy: 'did:example:alice#key-2' },
    check: (m) => {
      assert.equal(m.signFrom, 'did:example:alice#key-2');
      assert.equal(m.signAlg, 'ES256');
    },
  },
  {
    name: 'signed ES256K',
    pack: 'packSigned',
    options: { signBy: 'did:example:alice#key-3' },
    check: (m) => {
      assert.equal(m.nonRepudiation, true);
      assert.equal(m.signFrom, 'did:example:alice#key-3');
      assert.equal(m.signAlg, 'ES256K');
    },
  },
];

const nodePack = { packEncrypted, packSigned };

for (const c of CASES) {
  test(`packed in Chromium, unpacked in Node: ${c.name}`, async () => {
    const msg = message(`browser-${c.pack}-${c.name.length}`);
    const { packed } = await inPage(c.pack, msg, c.options, ALICE_SENDS);
    const { message: got, metadata } = await unpack(packed, nodeOptions(RUST));
    assert.deepEqual(got, { ...msg, typ: got.typ });
    c.check(metadata);
  });

  test(`packed in Node, unpacked in Chromium: ${c.name}`, async () => {
    const msg = message(`node-${c.pack}-${c.name.length}`);
    const { packed } = await nodePack[c.pack](msg, { ...c.options, ...nodeOptions(ALICE_SENDS) });
    const { message: got, metadata } = await inPage('unpack', packed, RUST);
    assert.deepEqual(got, { ...msg, typ: got.typ });
    c.check(metadata);
  });
}

test('the page logged no errors', () => {
  assert.deepEqual(h.pageErrors, []);
});
