// Plaintext (JWM) headers: every header the spec defines round-trips through pack/unpack,
// unknown headers are kept, and typ handling (FEATURES 1-6, 15-50; ERRATA 11, 12).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unpack, packPlaintext, packSigned, packEncrypted, createMessage, ErrorCodes } from '../../../dist/index.js';
import { loadVector } from '../../helpers.mjs';
import { ALICE, BOB, now, NOW, rejectsWith, resolver, secretsOf } from './fixtures.mjs';

const alice = secretsOf('ALICE');
const bob = secretsOf('BOB');
const opts = { resolver, secrets: bob, now };
const fromPriorJwt = loadVector('didcomm-rust/from_prior.json').valid[0].jwt;

/** A message with every header the spec and its extensions define, and some unknown ones. */
const full = () => ({
  id: '1f7e9a3c-7b0d-4c57-9f5e-7f41b0c2b9a1',
  typ: 'application/didcomm-plain+json',
  type: 'https://didcomm.org/basicmessage/2.0/message',
  from: ALICE,
  to: [BOB, 'did:example:carol'],
  thid: 'thread-1',
  pthid: 'parent-thread-1',
  created_time: NOW - 10,
  expires_time: NOW + 3600,
  from_prior: fromPriorJwt,
  body: { content: 'Grüße 👋 — ünïcödé', nested: { a: [1, 2.5, null, true, { b: 'c' }], empty: {} } },
  attachments: [
    { id: 'a-json', description: 'json', filename: 'x.json', media_type: 'application/json', format: 'fmt', lastmod_time: NOW, byte_count: 7, data: { json: { k: ['v'] } } },
    { id: 'a-b64', media_type: 'text/plain', data: { base64: 'aGVsbG8' } },
    { id: 'a-b64-padded', data: { base64: 'aGVsbG8=' } },
    { id: 'a-links', data: { links: ['https://example.com/a'], hash: 'zQmWvQxTqbG2Z9HPJgG57jjwR154cKhbtJenbyYTWkjgF3e' } },
    { id: 'a-hash', data: { hash: 'zQmWvQxTqbG2Z9HPJgG57jjwR154cKhbtJenbyYTWkjgF3e' } },
    { id: 'a-jws', data: { base64: 'aGVsbG8', jws: { header: { kid: 'did:example:alice#key-1' }, protected: 'eyJhbGciOiJFZERTQSJ9', signature: 'c2ln' } } },
  ],
  please_ack: [''],
  ack: ['earlier-1', 'earlier-2'],
  lang: 'de',
  'accept-lang': ['de', 'en'],
  return_route: 'thread',
  return_route_thread: 'thread-1',
  web_redirect: { status: 'OK', redirectUrl: 'https://example.com/done' },
  trace: 'https://example.com/trace',
  delay_milli: -1000,
  goal_code: 'org.example.test',
  x_unknown_header: { anything: ['goes', 1] },
  'some-other-extension': 42,
});

test('every defined header (and unknown ones) round-trips through plaintext', async () => {
  const m = full();
  const packed = await packPlaintext(m);
  assert.deepEqual(JSON.parse(packed), m);
  const { message, metadata } = await unpack(packed, opts);
  assert.deepEqual(message, m);
  assert.equal(metadata.encrypted, false);
  assert.equal(metadata.authenticated, false);
  assert.equal(metadata.fromPriorIssuerKid, 'did:example:charlie#key-1');
});

test('every defined header round-trips through signed, authcrypt and sign+protectSender', async () => {
  const m = full();
  const packs = [
    (await packSigned(m, { signBy: ALICE, resolver, secrets: alice })).packed,
    (await packEncrypted(m, { to: BOB, from: ALICE, resolver, secrets: alice, forward: false })).packed,
    (await packEncrypted(m, { to: BOB, from: ALICE, signBy: ALICE, protectSender: true, resolver, secrets: alice, forward: false })).packed,
  ];
  for (const p of packs) assert.deepEqual((await unpack(p, opts)).message, m);
});

test('packPlaintext sets typ when absent; unpack keeps a message without typ', async () => {
  const { typ, ...m } = full();
  assert.equal(JSON.parse(await packPlaintext(m)).typ, 'application/didcomm-plain+json');
  assert.deepEqual((await unpack(JSON.stringify(m), opts)).message, m);
});

test("typ 'didcomm-plain+json' (no application/) is accepted (FEATURES 6, ERRATA 12)", async () => {
  const m = { ...full(), typ: 'didcomm-plain+json' };
  assert.deepEqual((await unpack(JSON.stringify(m), opts)).message, m);
  assert.deepEqual((await unpack(await packPlaintext(m), opts)).message, m);
  const signed = (await packSigned(m, { signBy: ALICE, resolver, secrets: alice })).packed;
  assert.deepEqual((await unpack(signed, opts)).message, m);
});

test('a typ that is not the plaintext media type -> MALFORMED', async () => {
  for (const typ of ['application/didcomm-signed+json', 'didcomm-encrypted+json', 'application/json', 'JWM', 42]) {
    await rejectsWith(unpack(JSON.stringify({ ...full(), typ }), opts), ErrorCodes.MALFORMED, String(typ));
  }
});

test('body absent: accepted (v2.1), refused with requireBody -> MALFORMED (ERRATA 11)', async () => {
  const { body, ...m } = full();
  assert.deepEqual((await unpack(JSON.stringify(m), opts)).message, m);
  await rejectsWith(unpack(JSON.stringify(m), { ...opts, requireBody: true }), ErrorCodes.MALFORMED);
});

test('createMessage always emits a body, an id and created_time', () => {
  const m = createMessage({ type: 'https://example.org/x/1.0/y' });
  assert.deepEqual(m.body, {});
  assert.match(m.id, /^[0-9a-f-]{36}$/);
  assert.equal(typeof m.created_time, 'number');
});

const BAD_HEADERS = {
  'id missing': { id: undefined },
  'id empty': { id: '' },
  'id not a string': { id: 7 },
  'type missing': { type: undefined },
  'body not an object': { body: [] },
  'from with fragment': { from: 'did:example:alice#key-1' },
  'from not a DID': { from: 'alice' },
  'to not an array': { to: BOB },
  'to with a fragment': { to: ['did:example:bob#key-x25519-1'] },
  'thid not a string': { thid: 1 },
  'created_time not an integer': { created_time: 1.5 },
  'expires_time a string': { expires_time: '2030' },
  'attachments not an array': { attachments: {} },
  'attachment without data': { attachments: [{ id: 'x' }] },
  'attachment with empty data': { attachments: [{ data: {} }] },
  'attachment links without hash': { attachments: [{ data: { links: ['https://x'] } }] },
  'attachment data null': { attachments: [{ data: null }] },
  'attachment base64 not base64': { attachments: [{ data: { base64: 'not base64!' } }] },
  'please_ack not an array': { please_ack: 'yes' },
  'return_route unknown': { return_route: 'sometimes' },
};
for (const [name, patch] of Object.entries(BAD_HEADERS)) {
  test(`plaintext with ${name} -> MALFORMED`, async () => {
    const m = { ...full(), ...patch };
    for (const k of Object.keys(patch)) if (patch[k] === undefined) delete m[k];
    await rejectsWith(unpack(JSON.stringify(m), opts), ErrorCodes.MALFORMED);
    await assert.rejects(packPlaintext(m), (e) => e.code === ErrorCodes.MALFORMED);
  });
}
