// The WebCrypto backend (src/crypto/web.ts, the `browser` condition) run in Node, whose
// globalThis.crypto.subtle has everything Chromium's has. Three parts:
//   1. the node backend's unit checks (round trips, refusals, error codes), on the web backend
//      as browsers get it and with X25519/Ed25519 forced through @noble (older engines);
//   2. cross-compatibility: what one backend makes, the other agrees with, verifies, opens;
//   3. Wycheproof files through the web backend (expected values from the files, never from us).
// test/browser/ runs the envelope vectors in real Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend as web, createWebBackend } from '../../../dist/crypto/web.js';
import { backend as node } from '../../../dist/crypto/node.js';
import { CONTENT_ENC, CURVE_INFO, compressPoint } from '../../../dist/crypto/index.js';
import { DIDCommError } from '../../../dist/errors.js';
import { attempt, describeError, expectRejected, hex, isZero, loadWycheproof, runAll, toHex } from '../../vectors/wycheproof.mjs';

const code = (c) => (e) => e instanceof DIDCommError && e.code === c;
const CURVES = Object.keys(CURVE_INFO);
const AGREEMENT = CURVES.filter((c) => CURVE_INFO[c].agreement);
const SIGNING = CURVES.filter((c) => CURVE_INFO[c].signAlg);
const utf8 = (s) => new TextEncoder().encode(s);
const noble = createWebBackend({ native25519: false });
const VARIANTS = [
  ['web', web],
  ['web (X25519/Ed25519 via @noble)', noble],
];

test('the web backend names itself and reaches no Node built-in', async () => {
  assert.equal(web.name, 'web');
  const { readFileSync } = await import('node:fs');
  const src = readFileSync(new URL('../../../dist/crypto/web.js', import.meta.url), 'utf8');
  assert.doesNotMatch(src, /from ['"]node:|\bBuffer\b|require\(/);
});

for (const [label, backend] of VARIANTS) {
  test(`${label}: generateKeyPair/importPrivateKey/importPublicKey agree on every curve`, async () => {
    for (const curve of CURVES) {
      const kp = await backend.generateKeyPair(curve);
      const { kty, size } = CURVE_INFO[curve];
      assert.equal(kp.publicKey.raw.length, kty === 'OKP' ? 32 : 1 + 2 * size, curve);
      assert.equal(kp.d.length, size, curve);
      const again = await backend.importPrivateKey(curve, kp.d, kp.publicKey.raw);
      assert.deepEqual(again.publicKey.raw, kp.publicKey.raw, curve);
      await backend.importPublicKey(curve, kp.publicKey.raw);
      const other = await backend.generateKeyPair(curve);
      await assert.rejects(backend.importPrivateKey(curve, kp.d, other.publicKey.raw), code('ERR_INVALID_KEY'), curve);
      await assert.rejects(backend.importPrivateKey(curve, kp.d.subarray(1)), code('ERR_INVALID_KEY'), curve);
      const eph = await backend.generateKeyPair(curve, { ephemeral: true });
      assert.equal(eph.d, undefined, curve);
    }
  });

  test(`${label}: scalars outside [1, n-1] are refused on the EC curves`, async () => {
    for (const curve of CURVES.filter((c) => CURVE_INFO[c].kty === 'EC')) {
      const size = CURVE_INFO[curve].size;
      await assert.rejects(backend.importPrivateKey(curve, new Uint8Array(size)), code('ERR_INVALID_KEY'), `${curve} zero`);
      await assert.rejects(backend.importPrivateKey(curve, new Uint8Array(size).fill(0xff)), code('ERR_INVALID_KEY'), `${curve} >= n`);
      await assert.rejects(node.importPrivateKey(curve, new Uint8Array(size).fill(0xff)), code('ERR_INVALID_KEY'), `${curve} >= n (node)`);
    }
  });

  test(`${label}: importPublicKey refuses wrong lengths, compressed points and off-curve points`, async () => {
    for (const curve of CURVES) {
      const { publicKey } = await backend.generateKeyPair(curve);
      await assert.rejects(backend.importPublicKey(curve, publicKey.raw.subarray(1)), code('ERR_INVALID_KEY'), curve);
      if (CURVE_INFO[curve].kty === 'EC') {
        await assert.rejects(backend.importPublicKey(curve, compressPoint(curve, publicKey.raw)), code('ERR_INVALID_KEY'), `${curve} compressed`);
        const off = Uint8Array.from(publicKey.raw);
        off[off.length - 1] ^= 1;
        await assert.rejects(backend.importPublicKey(curve, off), code('ERR_INVALID_KEY'), `${curve} off curve`);
      }
    }
    await assert.rejects(backend.importPublicKey('P-192', new Uint8Array(49)), code('ERR_UNSUPPORTED'));
  });

  test(`${label}: ecdh symmetric on every agreement curve; mixed and signing curves refused; X25519 low order refused`, async () => {
    for (const curve of AGREEMENT) {
      const a = await backend.generateKeyPair(curve);
      const b = await backend.generateKeyPair(curve, { ephemeral: true });
      const z = await backend.ecdh(a, b.publicKey);
      assert.equal(z.length, CURVE_INFO[curve].size, curve);
      assert.deepEqual(z, await backend.ecdh(b, a.publicKey), curve);
    }
    const x = await backend.generateKeyPair('X25519');
    const p = await backend.generateKeyPair('P-256');
    const k = await backend.generateKeyPair('secp256k1');
    const e = await backend.generateKeyPair('Ed25519');
    await assert.rejects(backend.ecdh(x, p.publicKey), code('ERR_INVALID_KEY'));
    await assert.rejects(backend.ecdh(p, k.publicKey), code('ERR_INVALID_KEY'));
    await assert.rejects(backend.ecdh(e, e.publicKey), code('ERR_INVALID_KEY'));
    await assert.rejects(async () => backend.ecdh(x, await backend.importPublicKey('X25519', new Uint8Array(32))), code('ERR_INVALID_KEY'));
  });

  test(`${label}: sign/verify round trip on every signing curve; P1363 sizes; verify never throws`, async () => {
    const data = utf8('payload');
    for (const curve of SIGNING) {
      const kp = await backend.generateKeyPair(curve);
      const sig = await backend.sign(kp, data);
      assert.equal(sig.length, CURVE_INFO[curve].kty === 'OKP' ? 64 : 2 * CURVE_INFO[curve].size, curve);
      assert.equal(await backend.verify(kp.publicKey, data, sig), true, curve);
      assert.equal(await backend.verify(kp.publicKey, utf8('other'), sig), false, curve);
      for (const bad of [new Uint8Array(0), sig.subarray(1), Uint8Array.of(...sig, 0), new Uint8Array(sig.length)]) {
        assert.equal(await backend.verify(kp.publicKey, data, bad), false, curve);
      }
      // A key imported from its scalar signs too (the P-curves keep one CryptoKey per use).
      const imported = await backend.importPrivateKey(curve, kp.d);
      assert.equal(await backend.verify(kp.publicKey, data, await backend.sign(imported, data)), true, `${curve} imported`);
    }
    // One P-256 key object both agrees and signs.
    const both = await backend.generateKeyPair('P-256');
    const peer = await backend.generateKeyPair('P-256');
    await backend.ecdh(both, peer.publicKey);
    assert.equal(await backend.verify(both.publicKey, data, await backend.sign(both, data)), true);
    const x = await backend.generateKeyPair('X25519');
    await assert.rejects(backend.sign(x, data), code('ERR_UNSUPPORTED'));
    assert.equal(await backend.verify(x.publicKey, data, new Uint8Array(64)), false);
  });
}

test('web: content encryption round trip for every enc; tampering and wrong sizes fail the same way', async () => {
  for (const enc of Object.keys(CONTENT_ENC)) {
    const p = CONTENT_ENC[enc];
    const key = web.randomBytes(p.keyLength);
    const iv = web.randomBytes(p.ivLength);
    const aad = utf8('aad');
    for (const msg of [new Uint8Array(0), utf8('x'), web.randomBytes(100)]) {
      const { ciphertext, tag } = await web.encrypt(enc, key, iv, msg, aad);
      assert.equal(tag.length, p.tagLength, enc);
      assert.deepEqual(await web.decrypt(enc, key, iv, ciphertext, tag, aad), msg, enc);
      const badTag = Uint8Array.from(tag);
      badTag[0] ^= 1;
      await assert.rejects(web.decrypt(enc, key, iv, ciphertext, badTag, aad), code('ERR_DECRYPTION_FAILED'), enc);
      await assert.rejects(web.decrypt(enc, key, iv, ciphertext, tag, utf8('aaD')), code('ERR_DECRYPTION_FAILED'), enc);
      await assert.rejects(web.decrypt(enc, key, iv, ciphertext, tag.subarray(1), aad), code('ERR_DECRYPTION_FAILED'), enc);
      await assert.rejects(web.decrypt(enc, key.subarray(1), iv, ciphertext, tag, aad), code('ERR_DECRYPTION_FAILED'), enc);
      await assert.rejects(web.decrypt(enc, key, iv.subarray(1), ciphertext, tag, aad), code('ERR_DECRYPTION_FAILED'), enc);
    }
  }
  await assert.rejects(web.decrypt('A192GCM', new Uint8Array(24), new Uint8Array(12), new Uint8Array(0), new Uint8Array(16), new Uint8Array(0)), code('ERR_UNSUPPORTED'));
  await assert.rejects(web.encrypt('A192GCM', new Uint8Array(24), new Uint8Array(12), new Uint8Array(0), new Uint8Array(0)), code('ERR_UNSUPPORTED'));
});

test('web: AES key wrap round trip for every KEK size; misuse is a TypeError; tampering fails', async () => {
  for (const n of [16, 24, 32]) {
    const kek = web.randomBytes(n);
    for (const len of [16, 32, 64]) {
      const cek = web.randomBytes(len);
      const wrapped = await web.aesKeyWrap(kek, cek);
      assert.equal(wrapped.length, len + 8);
      assert.deepEqual(await web.aesKeyUnwrap(kek, wrapped), cek);
      const bad = Uint8Array.from(wrapped);
      bad[3] ^= 1;
      await assert.rejects(web.aesKeyUnwrap(kek, bad), code('ERR_DECRYPTION_FAILED'));
      await assert.rejects(web.aesKeyUnwrap(kek, wrapped.subarray(8)), code('ERR_DECRYPTION_FAILED'));
    }
  }
  await assert.rejects(web.aesKeyWrap(new Uint8Array(20), new Uint8Array(16)), TypeError);
  await assert.rejects(web.aesKeyWrap(new Uint8Array(16), new Uint8Array(8)), TypeError);
  await assert.rejects(web.aesKeyWrap(new Uint8Array(16), new Uint8Array(20)), TypeError);
  await assert.rejects(web.aesKeyUnwrap(new Uint8Array(20), new Uint8Array(24)), code('ERR_DECRYPTION_FAILED'));
});

test('web: randomBytes and sha256', async () => {
  assert.equal(web.randomBytes(70000).length, 70000);
  assert.notDeepEqual(web.randomBytes(32), web.randomBytes(32));
  // FIPS 180-2 "abc".
  assert.equal(toHex(await web.sha256(utf8('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

// ---- cross-compatibility with the node backend ----

const PAIRS = [
  ['node', node, 'web', web],
  ['web', web, 'node', node],
  ['node', node, 'web/noble', noble],
  ['web/noble', noble, 'node', node],
];

for (const [an, a, bn, b] of PAIRS) {
  test(`cross: ${an} -> ${bn}: keys, ECDH, signatures`, async () => {
    const data = utf8('cross-backend payload');
    for (const curve of CURVES) {
      const ka = await a.generateKeyPair(curve);
      // The same scalar gives the same public key in the other backend.
      const kaInB = await b.importPrivateKey(curve, ka.d, ka.publicKey.raw);
      assert.deepEqual(kaInB.publicKey.raw, ka.publicKey.raw, curve);
      const pubInB = await b.importPublicKey(curve, ka.publicKey.raw);
      if (CURVE_INFO[curve].agreement) {
        const kb = await b.generateKeyPair(curve, { ephemeral: true });
        const za = await a.ecdh(ka, await a.importPublicKey(curve, kb.publicKey.raw));
        const zb = await b.ecdh(kb, pubInB);
        assert.deepEqual(za, zb, `${curve} ECDH`);
      }
      if (CURVE_INFO[curve].signAlg) {
        const sig = await a.sign(ka, data);
        assert.equal(await b.verify(pubInB, data, sig), true, `${curve} ${an} signs, ${bn} verifies`);
        assert.equal(await b.verify(pubInB, utf8('x'), sig), false, curve);
        // EdDSA is deterministic: both backends must give the same bytes.
        if (curve === 'Ed25519') assert.deepEqual(await b.sign(kaInB, data), sig);
      }
    }
  });
}

for (const [an, a, bn, b] of PAIRS.slice(0, 2)) {
  test(`cross: ${an} encrypts and wraps, ${bn} decrypts and unwraps; same bytes for the same inputs`, async () => {
    for (const enc of Object.keys(CONTENT_ENC)) {
      const p = CONTENT_ENC[enc];
      const key = a.randomBytes(p.keyLength);
      const iv = a.randomBytes(p.ivLength);
      const aad = utf8('protected header');
      for (const msg of [new Uint8Array(0), utf8('hello'), a.randomBytes(1000)]) {
        const sealed = await a.encrypt(enc, key, iv, msg, aad);
        assert.deepEqual(await b.decrypt(enc, key, iv, sealed.ciphertext, sealed.tag, aad), msg, enc);
        assert.deepEqual(await b.encrypt(enc, key, iv, msg, aad), sealed, enc);
        const bad = Uint8Array.from(sealed.tag);
        bad[bad.length - 1] ^= 0x80;
        await assert.rejects(b.decrypt(enc, key, iv, sealed.ciphertext, bad, aad), code('ERR_DECRYPTION_FAILED'), enc);
      }
    }
    for (const n of [16, 24, 32]) {
      const kek = a.randomBytes(n);
      const cek = a.randomBytes(64);
      const wrapped = await a.aesKeyWrap(kek, cek);
      assert.deepEqual(await b.aesKeyUnwrap(kek, wrapped), cek);
      assert.deepEqual(await b.aesKeyWrap(kek, cek), wrapped);
    }
    assert.deepEqual(await b.sha256(utf8('abc')), await a.sha256(utf8('abc')));
  });
}

// ---- Wycheproof through the web backend ----

function checkAgreement(tc, r) {
  if (tc.result === 'invalid') return { failure: expectRejected(r), outcome: 'invalid rejected' };
  if (isZero(tc.shared)) {
    if (tc.result !== 'acceptable' || !tc.flags.includes('ZeroSharedSecret')) return `all-zero secret not flagged as expected (${tc.result})`;
    return { failure: expectRejected(r, 'ERR_INVALID_KEY'), outcome: 'low order rejected (ERR_INVALID_KEY)' };
  }
  if (!r.ok) return `rejected: ${describeError(r.error)}`;
  if (toHex(r.value) !== tc.shared) return `shared secret ${toHex(r.value)} != ${tc.shared}`;
  return { failure: null, outcome: `${tc.result} agreed` };
}

async function aeadCase(backend, enc, tc, { supported = true, paramsOk = true } = {}) {
  const key = hex(tc.key);
  const iv = hex(tc.iv);
  const aad = hex(tc.aad);
  const dec = await attempt(() => backend.decrypt(enc, key, iv, hex(tc.ct), hex(tc.tag), aad));
  if (!supported) return { failure: expectRejected(dec, 'ERR_UNSUPPORTED'), outcome: `unsupported ${enc}: refused` };
  if (!paramsOk) {
    const encr = await attempt(() => backend.encrypt(enc, key, iv, hex(tc.msg), aad));
    if (encr.ok) return 'encrypt accepted an IV/nonce size JWA does not allow';
    return { failure: expectRejected(dec, 'ERR_DECRYPTION_FAILED'), outcome: 'non-JWA IV size: refused' };
  }
  if (tc.result === 'invalid') return { failure: expectRejected(dec, 'ERR_DECRYPTION_FAILED'), outcome: 'invalid rejected' };
  if (!dec.ok) return `decrypt failed: ${describeError(dec.error)}`;
  if (toHex(dec.value) !== tc.msg) return 'decrypt gave the wrong plaintext';
  const encr = await attempt(() => backend.encrypt(enc, key, iv, hex(tc.msg), aad));
  if (!encr.ok) return `encrypt failed: ${describeError(encr.error)}`;
  if (toHex(encr.value.ciphertext) !== tc.ct || toHex(encr.value.tag) !== tc.tag) return 'encrypt gave a different ciphertext or tag';
  return { failure: null, outcome: 'valid encrypt+decrypt' };
}

async function verifyCase(backend, pub, tc) {
  let ok;
  try {
    ok = await backend.verify(pub, hex(tc.msg), hex(tc.sig));
  } catch (e) {
    return `verify threw ${describeError(e)}`;
  }
  if (tc.result !== 'valid' && tc.result !== 'invalid') return `unexpected result ${tc.result}`;
  return ok === (tc.result === 'valid') ? { failure: null, outcome: `${tc.result} -> ${ok}` } : `verify returned ${ok}`;
}

for (const [label, backend] of VARIANTS) {
  test(`wycheproof x25519_test.json through ${label} (low-order points refused)`, async (t) => {
    await runAll(t, 'x25519_test.json', loadWycheproof('x25519_test.json'), 518, async (group, tc) => {
      const priv = await backend.importPrivateKey('X25519', hex(tc.private));
      return checkAgreement(tc, await attempt(async () => backend.ecdh(priv, await backend.importPublicKey('X25519', hex(tc.public)))));
    });
  });

  test(`wycheproof ed25519_test.json through ${label}`, async (t) => {
    const keys = new Map();
    await runAll(t, 'ed25519_test.json', loadWycheproof('ed25519_test.json'), 151, async (group, tc) => {
      let pub = keys.get(group);
      if (!pub) keys.set(group, (pub = await backend.importPublicKey('Ed25519', hex(group.publicKey.pk))));
      return verifyCase(backend, pub, tc);
    });
  });
}

for (const [name, count, curve] of [
  ['ecdsa_secp256r1_sha256_p1363_test.json', 262, 'P-256'],
  ['ecdsa_secp256k1_sha256_p1363_test.json', 252, 'secp256k1'],
]) {
  test(`wycheproof ${name} through web (${curve} P1363 verify)`, async (t) => {
    const keys = new Map();
    await runAll(t, name, loadWycheproof(name), count, async (group, tc) => {
      assert.equal(group.sha, 'SHA-256');
      let pub = keys.get(group);
      if (!pub) keys.set(group, (pub = await web.importPublicKey(curve, hex(group.publicKey.uncompressed))));
      return verifyCase(web, pub, tc);
    });
  });
}

test('wycheproof aes_gcm_test.json through web', async (t) => {
  await runAll(t, 'aes_gcm_test.json', loadWycheproof('aes_gcm_test.json'), 316, async (group, tc) => {
    if (group.tagSize !== 128) return `unexpected tag size ${group.tagSize}`;
    const enc = { 128: 'A128GCM', 192: 'A192GCM', 256: 'A256GCM' }[group.keySize];
    return aeadCase(web, enc, tc, { supported: group.keySize !== 192, paramsOk: group.ivSize === 96 });
  });
});

test('wycheproof a256cbc_hs512_test.json through web', async (t) => {
  await runAll(t, 'a256cbc_hs512_test.json', loadWycheproof('a256cbc_hs512_test.json'), 94, async (group, tc) => {
    if (group.keySize !== 512 || group.ivSize !== 128 || group.tagSize !== 256) return 'unexpected group parameters';
    return aeadCase(web, 'A256CBC-HS512', tc);
  });
});

test('wycheproof xchacha20_poly1305_test.json through web', async (t) => {
  await runAll(t, 'xchacha20_poly1305_test.json', loadWycheproof('xchacha20_poly1305_test.json'), 315, async (group, tc) => {
    if (group.keySize !== 256 || group.tagSize !== 128) return 'unexpected group parameters';
    return aeadCase(web, 'XC20P', tc, { paramsOk: group.ivSize === 192 });
  });
});

test('wycheproof aes_wrap_test.json through web (A192KW via @noble, as in Chromium)', async (t) => {
  await runAll(t, 'aes_wrap_test.json', loadWycheproof('aes_wrap_test.json'), 165, async (group, tc) => {
    const kek = hex(tc.key);
    const wrap = await attempt(() => web.aesKeyWrap(kek, hex(tc.msg)));
    const unwrap = await attempt(() => web.aesKeyUnwrap(kek, hex(tc.ct)));
    if (tc.result === 'valid') {
      if (!wrap.ok) return `wrap failed: ${describeError(wrap.error)}`;
      if (toHex(wrap.value) !== tc.ct) return 'wrap gave a different ciphertext';
      if (!unwrap.ok) return `unwrap failed: ${describeError(unwrap.error)}`;
      if (toHex(unwrap.value) !== tc.msg) return 'unwrap gave a different key';
      return { failure: null, outcome: `valid A${group.keySize}KW` };
    }
    const u = expectRejected(unwrap, 'ERR_DECRYPTION_FAILED');
    if (u) return `unwrap: ${u}`;
    if (wrap.ok && toHex(wrap.value) === tc.ct) return 'wrap reproduced the invalid ciphertext';
    if (!wrap.ok && !(wrap.error instanceof TypeError)) return `wrap refused with ${describeError(wrap.error)}, expected TypeError`;
    return { failure: null, outcome: `${tc.result} rejected` };
  });
});

// ---- the rest of the browser build in Node ----

test('base64url without Buffer (as in browsers) gives what Buffer gives and refuses the same input', async () => {
  const saved = globalThis.Buffer;
  let portable;
  try {
    delete globalThis.Buffer;
    portable = await import('../../../dist/util/base64url.js?without-buffer');
  } finally {
    globalThis.Buffer = saved;
  }
  const withBuffer = await import('../../../dist/util/base64url.js');
  for (let n = 0; n < 70; n++) {
    const bytes = web.randomBytes(n);
    const text = portable.encode(bytes);
    assert.equal(text, Buffer.from(bytes).toString('base64url'), `encode ${n}`);
    assert.deepEqual(portable.decode(text), bytes, `decode ${n}`);
    if (n % 3) assert.deepEqual(portable.decode(Buffer.from(bytes).toString('base64')
      .replace(/\+/g, '-').replace(/\//g, '_')), bytes, `padded ${n}`);
  }
  for (const bad of ['a', 'ab=', 'a+b/', 'AB', 'ABC', 'é']) {
    assert.throws(() => portable.decode(bad), code('ERR_MALFORMED'), bad);
    assert.throws(() => withBuffer.decode(bad), code('ERR_MALFORMED'), bad);
  }
});

test('the conformance suites pass with the web backend (node --conditions=browser)', { timeout: 300_000 }, async (t) => {
  // The `browser` condition makes #crypto-backend resolve to dist/crypto/web.js in Node too,
  // so the node backend's own unit tests and every vector suite run unchanged on WebCrypto.
  const { spawnSync } = await import('node:child_process');
  const { readdirSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const testDir = fileURLToPath(new URL('../../', import.meta.url));
  const files = [
    `${testDir}unit/crypto/backend.test.mjs`,
    ...readdirSync(`${testDir}vectors`).filter((f) => f.endsWith('.test.mjs')).map((f) => `${testDir}vectors/${f}`),
    ...readdirSync(`${testDir}unit/pack`).filter((f) => f.endsWith('.test.mjs')).map((f) => `${testDir}unit/pack/${f}`),
  ];
  const probe = spawnSync(process.execPath, ['--conditions=browser', '--input-type=module', '-e', "const { backend } = await import(process.argv[1]); console.log(backend.name)", new URL('../../../dist/crypto/index.js', import.meta.url).href], { encoding: 'utf8' });
  assert.equal(probe.stdout.trim(), 'web', probe.stderr);
  // Without NODE_TEST_CONTEXT the child reports in TAP rather than to this runner.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ['--conditions=browser', '--test', '--test-reporter=tap', ...files], { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  const summary = (name) => Number(r.stdout.match(new RegExp(`^# ${name} (\\d+)`, 'm'))?.[1]);
  t.diagnostic(`${files.length} files under --conditions=browser: ${summary('tests')} tests, ${summary('pass')} passed, ${summary('fail')} failed`);
  assert.equal(r.status, 0, r.stdout.split('\n').filter((l) => /^\s*not ok|error:/.test(l)).slice(0, 20).join('\n'));
  assert.ok(summary('pass') > 0);
});
