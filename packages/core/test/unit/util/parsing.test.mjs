// The fast paths of the parsers every unpack goes through: base64url decoding (a native round
// trip in Node, a loop elsewhere), JSON with a depth limit checked on the parsed value, the
// per-document index of verification methods, and the cached ECDH-1PU static agreement.
// Each fast path must accept and refuse exactly what the slow one does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { decode, encode } from '../../../dist/util/base64url.js';
import { parseJson } from '../../../dist/util/json.js';
import { findVerificationMethod, methodsFor } from '../../../dist/did/index.js';
import { isDid } from '../../../dist/did/url.js';
import { staticAgreement } from '../../../dist/jwe/static-agreement.js';
import { backend } from '../../../dist/crypto/index.js';
import { createDID, createResolver, ErrorCodes } from '../../../dist/index.js';

// The portable decoder (browsers): a second copy of the module loaded without Buffer.
const savedBuffer = globalThis.Buffer;
delete globalThis.Buffer;
const portable = await import('../../../dist/util/base64url.js?portable');
globalThis.Buffer = savedBuffer;

const outcome = (f) => {
  try {
    return { ok: Buffer.from(f()).toString('hex') };
  } catch (e) {
    return { code: e.code, message: e.message };
  }
};

test('base64url: both decoders read back every length from 0 to 100 bytes', () => {
  for (let n = 0; n <= 100; n++) {
    const bytes = randomBytes(n);
    const text = Buffer.from(bytes).toString('base64url');
    assert.equal(encode(new Uint8Array(bytes)), text);
    assert.deepEqual(Buffer.from(decode(text)), bytes);
    assert.deepEqual(Buffer.from(portable.decode(text)), bytes);
  }
});

test('base64url: both decoders refuse the same malformed inputs with ERR_MALFORMED and the same reason', () => {
  const cases = {
    'standard alphabet +': 'ab+d',
    'standard alphabet /': 'ab/d',
    'padding inside': 'ab=d',
    'one symbol too many (length 4n+1)': 'abcde',
    'non-canonical last symbol (2 left)': 'QR',
    'non-canonical last symbol (3 left)': 'QUJ',
    'non-ASCII': 'abcé',
    'space': 'ab cd',
    'wrong padding length': 'QQ=',
  };
  for (const [what, text] of Object.entries(cases)) {
    const fast = outcome(() => decode(text, 'x'));
    const slow = outcome(() => portable.decode(text, 'x'));
    assert.equal(fast.code, ErrorCodes.MALFORMED, `${what}: ${JSON.stringify(fast)}`);
    assert.deepEqual(fast, slow, what);
  }
  // Correct padding is accepted by both, and only where allowed.
  assert.deepEqual(Buffer.from(decode('QQ==')), Buffer.from('A'));
  assert.equal(outcome(() => decode('QQ==', 'x', false)).code, ErrorCodes.MALFORMED);
});

test('base64url: on arbitrary strings the native and portable decoders agree (accept, bytes, reason)', () => {
  const symbol = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=. é'.split(''));
  fc.assert(
    fc.property(fc.array(symbol, { maxLength: 40 }).map((a) => a.join('')), (text) => {
      assert.deepEqual(outcome(() => decode(text, 'x')), outcome(() => portable.decode(text, 'x')));
    }),
    { numRuns: 3000 },
  );
});

test('JSON: depth is limited on the parsed value; scalars, strings with brackets and the exact limit pass', () => {
  const nest = (n) => '['.repeat(n) + ']'.repeat(n);
  assert.deepEqual(parseJson(nest(3), 'x'), [[[]]]);
  assert.equal(parseJson('"[[[[[[[[[[[["', 'x', 2), '[[[[[[[[[[[[', 'brackets inside strings do not count');
  assert.equal(parseJson('42', 'x', 0), 42);
  assert.doesNotThrow(() => parseJson(nest(64), 'x'));
  assert.throws(() => parseJson(nest(65), 'x'), { code: ErrorCodes.LIMIT_EXCEEDED });
  assert.throws(() => parseJson(`{"a":[{"b":${nest(3)}}]}`, 'x', 4), { code: ErrorCodes.LIMIT_EXCEEDED });
  assert.doesNotThrow(() => parseJson(`{"a":[{"b":${nest(2)}}]}`, 'x', 5));
  // Far past any stack: a typed error, not a RangeError.
  assert.throws(() => parseJson(nest(200_000), 'x'), { code: ErrorCodes.LIMIT_EXCEEDED });
  assert.throws(() => parseJson('{"a":', 'x'), { code: ErrorCodes.MALFORMED });
});

test('DID documents: a frozen (cached) document gives the same method objects each time; an unfrozen one is read afresh', async () => {
  const resolver = createResolver();
  const { did } = await createDID('peer');
  const doc = await resolver.resolve(did);
  assert.ok(Object.isFrozen(doc), 'the resolver cache hands out frozen documents');
  const a = methodsFor(doc, 'keyAgreement')[0];
  assert.equal(methodsFor(doc, 'keyAgreement')[0], a, 'same object: per-method key caches hit');
  assert.equal(findVerificationMethod(doc, a.id), a);
  assert.ok(Object.isFrozen(a));
  assert.ok(a.id.startsWith(`${did}#`), 'ids are absolute');

  const open = structuredClone(doc);
  const first = findVerificationMethod(open, '#key-2');
  assert.ok(first);
  open.verificationMethod = open.verificationMethod.filter((vm) => !vm.id.endsWith('#key-2'));
  open.keyAgreement = [];
  assert.equal(findVerificationMethod(open, '#key-2'), undefined, 'an unfrozen document is not served from a stale index');
  assert.deepEqual(methodsFor(open, 'keyAgreement'), []);
});

test('ECDH-1PU static agreement: the cached value is the agreement of exactly that key pair', async () => {
  const gen = async () => {
    const d = randomBytes(32);
    return backend.importPrivateKey('X25519', new Uint8Array(d));
  };
  const [a, b, c] = await Promise.all([gen(), gen(), gen()]);
  const ab = await staticAgreement(a, b.publicKey);
  assert.deepEqual(ab, await backend.ecdh(a, b.publicKey));
  assert.equal(await staticAgreement(a, b.publicKey), ab, 'second call: the cached value');
  assert.deepEqual(await staticAgreement(b, a.publicKey), ab, 'symmetric');
  assert.notDeepEqual(await staticAgreement(a, c.publicKey), ab, 'another peer, another secret');
  // A failure (low-order point) is reported and not remembered as a value.
  const lowOrder = await backend.importPublicKey('X25519', new Uint8Array(32));
  await assert.rejects(staticAgreement(a, lowOrder), { code: ErrorCodes.INVALID_KEY });
  await assert.rejects(staticAgreement(a, lowOrder), { code: ErrorCodes.INVALID_KEY });
});

test('isDid: the linear DID pattern accepts exactly what DID Core\'s grammar (as segments) does', () => {
  const grammar = /^did:[a-z0-9]+:(?:[A-Za-z0-9._%-]*:)*[A-Za-z0-9._%-]+$/;
  const ch = fc.constantFrom(...'did:peerkyA0.9_-%:#/?é '.split(''));
  fc.assert(
    fc.property(fc.array(ch, { maxLength: 24 }).map((a) => a.join('')), fc.constantFrom('', 'did:', 'did:peer:', 'did:web:'), (tail, head) => {
      const s = head + tail;
      assert.equal(isDid(s), grammar.test(s), s);
    }),
    { numRuns: 5000 },
  );
  for (const s of ['did:web:example.com', 'did:web:example.com:user:alice', 'did:example::x', 'did:peer:2.Ez6L', 'did:x:%41']) assert.ok(isDid(s), s);
  for (const s of ['did:web:', 'did:web:a:', 'did:Web:a', 'did::a', 'did:web:a#k', 'did:web:a b', 'DID:web:a']) assert.ok(!isDid(s), s);
});
