// The WebCrypto backend (src/crypto/web.ts, the `browser` condition) run in Node, whose
// globalThis.crypto.subtle has everything Chromium's has. Three parts:
//   1. the shared backend conformance suite (backend-suite.mjs, which backend.test.mjs runs on
//      the node backend), on the web backend as browsers get it and with X25519/Ed25519 forced
//      through @noble (older engines), plus checks of the web backend's own;
//   2. cross-compatibility: what one backend makes, the other agrees with, verifies, opens;
//   3. Wycheproof files through the web backend, with the checks test/vectors runs on the default
//      backend (wycheproof-cases.mjs; expected values from the files, never from us).
// test/browser/ runs the envelope vectors in real Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend as web, createWebBackend } from '../../../dist/crypto/web.js';
import { backend as node } from '../../../dist/crypto/node.js';
import { CONTENT_ENC, CURVE_INFO } from '../../../dist/crypto/index.js';
import { toHex } from '../../vectors/wycheproof.mjs';
import { A256CBC_HS512, AES_GCM, AES_WRAP, ECDSA_P1363, ED25519, X25519, XCHACHA20_POLY1305, runCases } from '../../vectors/wycheproof-cases.mjs';
import { backendSuite, code, CURVES, utf8 } from './backend-suite.mjs';
const noble = createWebBackend({ native25519: false });
const VARIANTS = [
  ['web', web],
  ['web (X25519/Ed25519 via @noble)', noble],
];
// What the web backend does beyond the node backend (see backendSuite).
const WEB_EXTRAS = { ephemeralSigningKeys: true, unknownCurveUnsupported: true };

test('the web backend names itself and reaches no Node built-in', async () => {
  assert.equal(web.name, 'web');
  const { readFileSync } = await import('node:fs');
  const src = readFileSync(new URL('../../../dist/crypto/web.js', import.meta.url), 'utf8');
  assert.doesNotMatch(src, /from ['"]node:|\bBuffer\b|require\(/);
});

for (const [label, backend] of VARIANTS) {
  // The content-encryption and key-wrap code is the same in both variants: run it once.
  backendSuite(label, backend, { ...WEB_EXTRAS, symmetric: backend === web });

  test(`${label}: scalars outside [1, n-1] are refused on the EC curves`, async () => {
    for (const curve of CURVES.filter((c) => CURVE_INFO[c].kty === 'EC')) {
      const size = CURVE_INFO[curve].size;
      await assert.rejects(backend.importPrivateKey(curve, new Uint8Array(size)), code('ERR_INVALID_KEY'), `${curve} zero`);
      await assert.rejects(backend.importPrivateKey(curve, new Uint8Array(size).fill(0xff)), code('ERR_INVALID_KEY'), `${curve} >= n`);
      await assert.rejects(node.importPrivateKey(curve, new Uint8Array(size).fill(0xff)), code('ERR_INVALID_KEY'), `${curve} >= n (node)`);
    }
  });
}

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

for (const [label, backend] of VARIANTS) {
  test(`wycheproof x25519_test.json through ${label} (low-order points refused)`, (t) => runCases(t, backend, X25519));
  test(`wycheproof ed25519_test.json through ${label}`, (t) => runCases(t, backend, ED25519));
}

for (const spec of ECDSA_P1363) {
  test(`wycheproof ${spec.file} through web (${spec.curve} P1363 verify)`, (t) => runCases(t, web, spec));
}

for (const spec of [AES_GCM, A256CBC_HS512, XCHACHA20_POLY1305]) {
  test(`wycheproof ${spec.file} through web`, (t) => runCases(t, web, spec));
}

test('wycheproof aes_wrap_test.json through web (A192KW via @noble, as in Chromium)', (t) => runCases(t, web, AES_WRAP));

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
