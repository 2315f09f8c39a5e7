// Property tests (fast-check): (a) pack-then-unpack is the identity for random messages in every
// envelope; (b) a single-byte/char mutation of a signed or encrypted message is rejected with a
// DIDCommError unless it is semantically void; (c) garbage fed to unpack yields DIDCommError only.
// Runs are bounded so the file finishes in well under a minute on two cores. Set FUZZ_SEED to
// replay a failure and FUZZ_SCALE to run more (e.g. FUZZ_SCALE=10 for a long soak).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { unpack, packPlaintext, packSigned, packEncrypted, parseForward, DIDCommError, ErrorCodes } from '../../dist/index.js';
import { loadVector, staticResolver } from '../helpers.mjs';

const docs = loadVector('didcomm-rust/did_docs.json').docs;
const lists = loadVector('didcomm-rust/secrets.json').secret_lists;
const { InMemorySecrets } = await import('../../dist/index.js');
const resolver = staticResolver(Object.entries(docs).filter(([k]) => !k.includes('NO_SECRETS')).map(([, d]) => d));
const secrets = (n) => new InMemorySecrets(lists[`${n}_SECRETS`]);
const alice = secrets('ALICE');
const bob = secrets('BOB');
const mediator1 = secrets('MEDIATOR1');

const ALICE = 'did:example:alice';
const BOB = 'did:example:bob';
const NOW = 1_700_000_000;
const opts = { resolver, secrets: bob, now: () => NOW };
const CODES = new Set(Object.values(ErrorCodes));
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const runs = (n) => ({ numRuns: Math.max(1, Math.round(n * SCALE)), includeErrorInReport: true, ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}) });

/** What a message looks like after travelling as JSON, with typ filled in by the packers. */
const expected = (m) => JSON.parse(JSON.stringify(m.typ === undefined ? { ...m, typ: 'application/didcomm-plain+json' } : m));

function assertDIDCommError(e, what) {
  if (!(e instanceof DIDCommError) || !CODES.has(e.code)) {
    assert.fail(`${what}: expected a DIDCommError, got ${e?.stack ?? String(e)}`);
  }
}

// ---------------------------------------------------------------- arbitraries

const idArb = fc.stringMatching(/^[A-Za-z0-9._~-]{1,32}$/);
const unicode = fc.string({ unit: 'binary', maxLength: 24 });
const jsonArb = fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' });
const bodyArb = fc.dictionary(unicode, jsonArb, { maxKeys: 6 });
const typeArb = fc.tuple(fc.constantFrom('https://didcomm.org', 'https://example.org/x', 'did:sov:BzCbsNYhMrjHiqZDTUASHg;spec'), fc.stringMatching(/^[a-z0-9_-]{1,12}$/), fc.nat(9), fc.stringMatching(/^[a-z0-9_-]{1,12}$/))
  .map(([base, proto, v, name]) => `${base}/${proto}/${v}.0/${name}`);
const b64Arb = fc.uint8Array({ maxLength: 48 }).map((b) => Buffer.from(b).toString('base64url'));
const hashArb = fc.stringMatching(/^z[1-9A-HJ-NP-Za-km-z]{20,46}$/);
const dataArb = fc.oneof(
  fc.record({ json: jsonArb }),
  fc.record({ base64: b64Arb }),
  fc.record({ links: fc.array(fc.webUrl(), { minLength: 1, maxLength: 2 }), hash: hashArb }),
  fc.record({ hash: hashArb }),
  fc.record({ base64: b64Arb, jws: fc.record({ protected: b64Arb, signature: b64Arb, header: fc.record({ kid: fc.constant('did:example:alice#key-1') }) }) }),
);
const attachmentArb = fc.record(
  { id: idArb, description: unicode, filename: unicode, media_type: fc.constantFrom('application/json', 'text/plain', 'image/png'), format: unicode, lastmod_time: fc.nat(), byte_count: fc.nat(), data: dataArb },
  { requiredKeys: ['data'] },
);
const extraHeadersArb = fc.dictionary(fc.stringMatching(/^x_[a-z0-9_]{1,10}$/), jsonArb, { maxKeys: 2 });

/** A random message; `from` and `to` are fixed by the envelope. */
const messageArb = (addr) =>
  fc.record(
    {
      id: idArb,
      type: typeArb,
      body: bodyArb,
      thid: idArb,
      pthid: idArb,
      created_time: fc.integer({ min: 0, max: NOW }),
      expires_time: fc.integer({ min: NOW, max: NOW + 10 ** 8 }),
      attachments: fc.array(attachmentArb, { maxLength: 3 }),
      lang: fc.constantFrom('en', 'de', 'fr-CA'),
      extra: extraHeadersArb,
      typ: fc.constantFrom('application/didcomm-plain+json', 'didcomm-plain+json'),
    },
    { requiredKeys: ['id', 'type'] },
  ).map(({ extra, ...m }) => ({ ...extra, ...m, ...addr }));

const toHeaderArb = fc.constantFrom(undefined, [BOB], ['did:example:carol', BOB]);
const signers = ['did:example:alice#key-1', 'did:example:alice#key-2', 'did:example:alice#key-3', ALICE];
const anonTargets = [BOB, 'did:example:bob#key-x25519-3', 'did:example:bob#key-p256-1', 'did:example:bob#key-p384-2', 'did:example:bob#key-p521-1'];
const authTargets = [BOB, 'did:example:bob#key-x25519-1', 'did:example:bob#key-p256-2', 'did:example:bob#key-p521-2']; // Alice has no P-384 key
const ENCS = ['A256CBC-HS512', 'A256GCM', 'XC20P'];

/** An envelope choice and a message fitting it. */
const caseArb = fc
  .record({
    mode: fc.constantFrom('plaintext', 'signed', 'anon', 'auth', 'signAnon', 'signAuth', 'protect', 'protectSign', 'forward'),
    signBy: fc.constantFrom(...signers),
    anonTo: fc.constantFrom(...anonTargets),
    authTo: fc.constantFrom(...authTargets),
    enc: fc.constantFrom(...ENCS),
    to: toHeaderArb,
    fromAnon: fc.boolean(),
  })
  .chain((c) => {
    const hasSender = !['plaintext', 'anon'].includes(c.mode) || c.fromAnon;
    const addr = { ...(hasSender ? { from: ALICE } : {}), ...(c.to ? { to: c.to } : {}) };
    return messageArb(addr).map((m) => ({ ...c, message: m }));
  });

async function packCase(c) {
  const m = c.message;
  const base = { resolver, secrets: alice, forward: false, encAlgAnon: c.enc };
  switch (c.mode) {
    case 'plaintext': return packPlaintext(m);
    case 'signed': return (await packSigned(m, { signBy: c.signBy, resolver, secrets: alice })).packed;
    case 'anon': return (await packEncrypted(m, { ...base, to: c.anonTo })).packed;
    case 'auth': return (await packEncrypted(m, { ...base, to: c.authTo, from: ALICE })).packed;
    case 'signAnon': return (await packEncrypted(m, { ...base, to: c.anonTo, signBy: c.signBy })).packed;
    case 'signAuth': return (await packEncrypted(m, { ...base, to: c.authTo, from: ALICE, signBy: c.signBy })).packed;
    case 'protect': return (await packEncrypted(m, { ...base, to: c.authTo, from: ALICE, protectSender: true })).packed;
    case 'protectSign': return (await packEncrypted(m, { ...base, to: c.authTo, from: ALICE, signBy: c.signBy, protectSender: true })).packed;
    case 'forward': {
      const { packed, metadata } = await packEncrypted(m, { ...base, to: BOB, from: ALICE, forward: true });
      assert.equal(metadata.forwarded, true);
      const hop = await unpack(packed, { ...opts, secrets: mediator1 });
      const fwd = parseForward(hop.message);
      assert.equal(fwd.next, BOB);
      return JSON.stringify(fwd.forwarded[0]);
    }
  }
  throw new Error(c.mode);
}

// ---------------------------------------------------------------- (a) round trip

test('(a) pack then unpack is the identity, in every envelope', async () => {
  await fc.assert(
    fc.asyncProperty(caseArb, async (c) => {
      const packed = await packCase(c);
      const { message, metadata } = await unpack(packed, opts);
      assert.deepEqual(message, expected(c.message));
      const encrypted = c.mode !== 'plaintext' && c.mode !== 'signed';
      const signed = ['signed', 'signAnon', 'signAuth', 'protectSign'].includes(c.mode);
      const auth = ['auth', 'signAuth', 'protect', 'protectSign', 'forward'].includes(c.mode);
      assert.equal(metadata.encrypted, encrypted, 'encrypted');
      assert.equal(metadata.nonRepudiation, signed, 'nonRepudiation');
      assert.equal(metadata.authenticated, signed || auth, 'authenticated');
      assert.equal(metadata.anonymousSender, encrypted && !signed && !auth, 'anonymousSender');
      if (auth) assert.ok(metadata.encryptedFromKid.startsWith(`${ALICE}#`));
      if (signed) assert.ok(metadata.signFrom.startsWith(`${ALICE}#`));
      if (encrypted) assert.ok(metadata.encryptedToKids.includes(metadata.decryptedWithKid));
      if (['anon', 'signAnon', 'protect', 'protectSign'].includes(c.mode)) assert.equal(metadata.encAlgAnon, `ECDH-ES+A256KW/${c.enc}`);
    }),
    runs(250),
  );
});

// ---------------------------------------------------------------- (b) mutations

const SAMPLE_MESSAGE = {
  id: 'mutation-1', typ: 'application/didcomm-plain+json', type: 'https://example.org/fuzz/1.0/m', from: ALICE, to: [BOB],
  created_time: NOW - 5, expires_time: NOW + 1000, body: { text: 'héllo ✓', n: [1, 2, 3] }, attachments: [{ id: 'a', data: { json: { k: 'v' } } }],
};

/** Signed and encrypted samples of every kind, packed once. */
async function samples() {
  const m = SAMPLE_MESSAGE;
  const base = { resolver, secrets: alice, forward: false };
  const out = [];
  for (const signBy of signers.slice(0, 3)) out.push([`signed ${signBy}`, (await packSigned(m, { signBy, resolver, secrets: alice })).packed]);
  for (const enc of ENCS) out.push([`anon X25519 ${enc}`, (await packEncrypted(m, { ...base, to: BOB, encAlgAnon: enc })).packed]);
  out.push(['anon P-256 A256GCM', (await packEncrypted(m, { ...base, to: 'did:example:bob#key-p256-1', encAlgAnon: 'A256GCM' })).packed]);
  out.push(['anon P-384 XC20P', (await packEncrypted(m, { ...base, to: 'did:example:bob#key-p384-1', encAlgAnon: 'XC20P' })).packed]);
  out.push(['auth X25519', (await packEncrypted(m, { ...base, to: BOB, from: ALICE })).packed]);
  out.push(['auth P-521', (await packEncrypted(m, { ...base, to: 'did:example:bob#key-p521-1', from: ALICE })).packed]);
  out.push(['sign+auth P-256', (await packEncrypted(m, { ...base, to: 'did:example:bob#key-p256-1', from: ALICE, signBy: 'did:example:alice#key-2' })).packed]);
  out.push(['sign+protectSender', (await packEncrypted(m, { ...base, to: BOB, from: ALICE, signBy: ALICE, protectSender: true })).packed]);
  out.push(['sign+anon ES256K', (await packEncrypted(m, { ...base, to: BOB, signBy: 'did:example:alice#key-3' })).packed]);
  return out.map(([name, text]) => ({ name, text, obj: JSON.parse(text) }));
}

const b64decode = (s) => Buffer.from(s, 'base64url');
const protectedHeader = (s) => {
  try {
    return JSON.parse(b64decode(s).toString('utf8'));
  } catch {
    return undefined;
  }
};

/**
 * The parts of an envelope that matter to its recipient. Two envelopes with equal projections
 * are the same message to Bob: JSON whitespace and member order carry no meaning; the JWS
 * unprotected header only repeats the kid of the signed protected header, and unknown JWS
 * members are ignored (RFC 7515 §7.2.1); and a per-recipient
 * encrypted_key is not authenticated by anything, so when Bob holds another recipient key of
 * the same JWE (all samples list only Bob's keys) a corrupted slot is skipped and another one
 * decrypts. With a single recipient the slot must stay intact.
 */
function project(obj) {
  if (obj === null || typeof obj !== 'object') return obj;
  const out = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'recipients' && Array.isArray(v)) {
      out.recipients = v.length > 1 ? v.map((r) => ({ kid: r?.header?.kid, members: Object.keys(r ?? {}) })) : v;
    } else if (k === 'signatures' && Array.isArray(v)) {
      // Members of a signature other than these are ignored (RFC 7515 §7.2.1), e.g. "header" renamed.
      out.signatures = v.map((s) => ({ protected: s?.protected, signature: s?.signature, effectiveKid: s?.header?.kid ?? protectedHeader(s?.protected)?.kid }));
    } else out[k] = v;
  }
  return out;
}

const B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const charArb = fc.oneof(
  fc.constantFrom(...B64_ALPHABET),
  fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '\\', ' ', '\n', '=', '+', '/', '.', '#', '0', 'e', 'n', 't', '\u0000'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

/** Every base64url field of an envelope, as [getter path]. */
function base64Paths(obj) {
  const paths = [];
  for (const k of ['protected', 'iv', 'ciphertext', 'tag', 'payload']) if (typeof obj[k] === 'string') paths.push([k]);
  (obj.recipients ?? []).forEach((_, i) => paths.push(['recipients', i, 'encrypted_key']));
  (obj.signatures ?? []).forEach((_, i) => {
    paths.push(['signatures', i, 'protected']);
    paths.push(['signatures', i, 'signature']);
  });
  return paths;
}
const getPath = (o, p) => p.reduce((x, k) => x[k], o);
function setPath(o, p, v) {
  const copy = structuredClone(o);
  p.slice(0, -1).reduce((x, k) => x[k], copy)[p.at(-1)] = v;
  return copy;
}

const mutationArb = (n) =>
  fc.record({
    sample: fc.nat(n - 1),
    kind: fc.constantFrom('replace', 'delete', 'insert', 'byte', 'b64char'),
    pos: fc.nat(),
    ch: charArb,
    field: fc.nat(),
    mask: fc.integer({ min: 1, max: 255 }),
  });

function applyMutation(s, mu) {
  const t = s.text;
  const pos = mu.pos % t.length;
  switch (mu.kind) {
    case 'replace': return t.slice(0, pos) + mu.ch + t.slice(pos + 1);
    case 'delete': return t.slice(0, pos) + t.slice(pos + 1);
    case 'insert': return t.slice(0, pos) + mu.ch + t.slice(pos);
    case 'byte': {
      const paths = base64Paths(s.obj);
      const path = paths[mu.field % paths.length];
      const bytes = b64decode(getPath(s.obj, path));
      if (bytes.length === 0) return t;
      bytes[mu.pos % bytes.length] ^= mu.mask;
      return JSON.stringify(setPath(s.obj, path, bytes.toString('base64url')));
    }
    case 'b64char': {
      const paths = base64Paths(s.obj);
      const path = paths[mu.field % paths.length];
      const v = getPath(s.obj, path);
      const i = mu.pos % v.length;
      const c = B64_ALPHABET[mu.mask % 64];
      return JSON.stringify(setPath(s.obj, path, v.slice(0, i) + c + v.slice(i + 1)));
    }
  }
  throw new Error(mu.kind);
}

test('(b) a single mutation of a signed or encrypted message is rejected with DIDCommError, or is semantically void', async (t) => {
  const all = await samples();
  const original = expected(SAMPLE_MESSAGE);
  for (const s of all) assert.deepEqual((await unpack(s.text, opts)).message, original, s.name);
  const stats = { rejected: 0, voidAccepted: 0, unchanged: 0, codes: {} };
  await fc.assert(
    fc.asyncProperty(mutationArb(all.length), async (mu) => {
      const s = all[mu.sample];
      const mutated = applyMutation(s, mu);
      if (mutated === s.text) {
        stats.unchanged++;
        return;
      }
      let result;
      try {
        result = await unpack(mutated, opts);
      } catch (e) {
        assertDIDCommError(e, `${s.name} ${mu.kind}`);
        stats.rejected++;
        stats.codes[e.code] = (stats.codes[e.code] ?? 0) + 1;
        return;
      }
      // Accepted: only the identical message, and only when the change is void for this recipient.
      assert.deepEqual(result.message, original, `${s.name}: a mutated envelope was accepted with a different message`);
      assert.deepEqual(project(JSON.parse(mutated)), project(s.obj), `${s.name} ${mu.kind}: an authenticated part changed, yet it was accepted`);
      stats.voidAccepted++;
    }),
    runs(2500),
  );
  t.diagnostic(JSON.stringify(stats));
  assert.ok(stats.rejected > stats.voidAccepted, JSON.stringify(stats));
  // the byte-level mutations must reach the cryptography, not only the parser
  assert.ok(stats.codes[ErrorCodes.DECRYPTION_FAILED] > 0 && stats.codes[ErrorCodes.SIGNATURE_INVALID] > 0, JSON.stringify(stats));
});

test('(b) with expectDecryptByAllKeys, corrupting any of our key slots is rejected', async () => {
  const all = (await samples()).filter((s) => Array.isArray(s.obj.recipients) && s.obj.recipients.length > 1);
  assert.ok(all.length > 0);
  await fc.assert(
    fc.asyncProperty(fc.nat(all.length - 1), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), async (si, ri, bi, mask) => {
      const s = all[si];
      const r = ri % s.obj.recipients.length;
      const ek = b64decode(s.obj.recipients[r].encrypted_key);
      ek[bi % ek.length] ^= mask;
      const mutated = JSON.stringify(setPath(s.obj, ['recipients', r, 'encrypted_key'], ek.toString('base64url')));
      await assert.rejects(unpack(mutated, { ...opts, expectDecryptByAllKeys: true }), (e) => {
        assertDIDCommError(e, s.name);
        return true;
      });
    }),
    runs(80),
  );
});

// ---------------------------------------------------------------- (c) garbage

const b64OfJson = (arb) => arb.map((v) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url'));
const randomB64 = (min, max) => fc.uint8Array({ minLength: min, maxLength: max }).map((b) => Buffer.from(b).toString('base64url'));
const anyValue = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.nat(), { maxLength: 2 }), fc.object({ maxDepth: 1 }));
const maybe = (arb) => fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: anyValue }, { weight: 1, arbitrary: fc.constant(undefined) });
const bobKids = docs.BOB_DID_DOC.keyAgreement;

const epkArb = fc.oneof(
  randomB64(32, 32).map((x) => ({ kty: 'OKP', crv: 'X25519', x })),
  fc.tuple(randomB64(32, 32), randomB64(32, 32)).map(([x, y]) => ({ kty: 'EC', crv: 'P-256', x, y })),
  fc.tuple(randomB64(48, 48), randomB64(48, 48)).map(([x, y]) => ({ kty: 'EC', crv: 'P-384', x, y })),
  fc.constant({ kty: 'OKP', crv: 'X25519', x: Buffer.alloc(32).toString('base64url') }),
  fc.constant({ kty: 'OKP', crv: 'Ed25519', x: Buffer.alloc(32, 1).toString('base64url') }),
  anyValue,
);
const jweHeaderArb = fc.record({
  alg: maybe(fc.constantFrom('ECDH-ES+A256KW', 'ECDH-1PU+A256KW', 'ECDH-ES+A128KW', 'RSA-OAEP', 'dir')),
  enc: maybe(fc.constantFrom('A256CBC-HS512', 'A256GCM', 'XC20P', 'A128GCM', 'A128CBC-HS256')),
  epk: maybe(epkArb),
  apv: maybe(randomB64(0, 32)),
  apu: maybe(fc.constantFrom('did:example:alice#key-x25519-1', 'did:example:alice#key-2', 'nope').map((s) => Buffer.from(s).toString('base64url'))),
  skid: maybe(fc.constantFrom('did:example:alice#key-x25519-1', 'did:example:alice#key-p256-1', 'x')),
  zip: fc.constantFrom(undefined, 'DEF'),
  crit: fc.constantFrom(undefined, ['exp']),
});
const jweArb = fc.record({
  protected: fc.oneof({ weight: 5, arbitrary: b64OfJson(jweHeaderArb) }, { weight: 1, arbitrary: anyValue }),
  recipients: maybe(fc.array(fc.record({ header: maybe(fc.record({ kid: maybe(fc.constantFrom(...bobKids, 'did:example:bob#nope', 'bob')) })), encrypted_key: maybe(randomB64(0, 48)) }), { maxLength: 3 })),
  iv: maybe(randomB64(0, 24)),
  ciphertext: fc.oneof({ weight: 5, arbitrary: randomB64(0, 64) }, { weight: 1, arbitrary: fc.constant('') }),
  tag: maybe(randomB64(0, 32)),
  encrypted_key: fc.constantFrom(undefined, 'AAAA'),
});
const plausibleMessage = fc.record({ id: maybe(idArb), type: maybe(typeArb), from: maybe(fc.constantFrom(ALICE, BOB, 'did:x')), body: maybe(bodyArb), typ: fc.constantFrom(undefined, 'application/didcomm-plain+json', 'x') });
const jwsArb = fc.record({
  payload: fc.oneof(b64OfJson(plausibleMessage), randomB64(0, 40), anyValue),
  signatures: maybe(fc.array(fc.record({
    protected: fc.oneof(b64OfJson(fc.record({ alg: maybe(fc.constantFrom('EdDSA', 'ES256', 'ES256K', 'none', 'HS256')), kid: maybe(fc.constantFrom(...signers)), b64: fc.constantFrom(undefined, false), crit: fc.constantFrom(undefined, ['b64']) })), anyValue),
    header: maybe(fc.record({ kid: maybe(fc.constantFrom(...signers, 'did:example:alice#key-x25519-1', 'did:example:nobody#k')) })),
    signature: maybe(randomB64(0, 72)),
  }), { maxLength: 2 })),
});
const forwardArb = fc.record({
  id: idArb, type: fc.constant('https://didcomm.org/routing/2.0/forward'), body: fc.record({ next: maybe(fc.constantFrom(BOB, 'did:example:bob#key-x25519-1')) }),
  attachments: maybe(fc.array(fc.record({ data: fc.oneof(fc.record({ json: fc.oneof(jweArb, anyValue) }), fc.record({ base64: randomB64(0, 40) })) }), { maxLength: 2 })),
});
const deepArb = fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('[', '{"a":', '{"id":"x","type":"t","body":')).map(([n, open]) => {
  const close = open === '[' ? ']' : '}';
  return open.repeat(n) + (open === '[' ? '' : '1') + close.repeat(n);
});
/** Remove undefined members so the garbage is what JSON would carry. */
const clean = (v) => JSON.parse(JSON.stringify(v) ?? 'null');

const garbageArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.jsonValue({ maxDepth: 4 }),
  fc.object({ maxDepth: 3 }),
  jweArb.map(clean),
  jweArb.map((v) => JSON.stringify(clean(v))),
  jwsArb.map(clean),
  jwsArb.map((v) => JSON.stringify(clean(v))),
  forwardArb.map(clean),
  deepArb,
  fc.constantFrom(undefined, null, 0, '', '{}', '[]', 'null', '"x"', true, [], Symbol.for('x')),
);

async function expectOnlyDIDCommError(input) {
  let r;
  try {
    r = await unpack(input, opts);
  } catch (e) {
    assertDIDCommError(e, 'garbage');
    return;
  }
  // Garbage can only pass as a plaintext message, and then it must be returned as given.
  assert.equal(r.metadata.encrypted, false);
  assert.equal(r.metadata.authenticated, false);
  assert.deepEqual(r.message, typeof input === 'string' ? JSON.parse(input) : input);
}

test('(c) random garbage, JWE/JWS-shaped junk and deep nesting give DIDCommError only', async () => {
  await fc.assert(fc.asyncProperty(garbageArb, expectOnlyDIDCommError), runs(2000));
});

test('(c) huge inputs: 17 MiB strings and wide JSON give DIDCommError only', async () => {
  for (const input of [
    'x'.repeat(17 * 1024 * 1024),
    JSON.stringify({ ciphertext: 'A'.repeat(17 * 1024 * 1024) }),
    '['.repeat(1_000_000),
    JSON.stringify(Array.from({ length: 200_000 }, (_, i) => i)),
    JSON.stringify({ protected: 'e30', recipients: Array.from({ length: 5000 }, () => ({ header: { kid: 'did:example:bob#key-x25519-1' }, encrypted_key: 'AAAA' })), iv: 'AAAA', ciphertext: 'AAAA', tag: 'AAAA' }),
    JSON.stringify({ payload: 'e30', signatures: Array.from({ length: 5000 }, () => ({ protected: 'e30', signature: 'AAAA' })) }),
  ]) {
    await expectOnlyDIDCommError(input);
  }
});
