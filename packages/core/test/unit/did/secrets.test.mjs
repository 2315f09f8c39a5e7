// Keys and secrets: generation on every curve, JWK/Multikey import and export, and the
// encrypted, atomically written file store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, statSync, rmSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadVector } from '../../helpers.mjs';
import { generateKeyPair, keyPairFromJwk, keyPairFromMultikey, keyPairFromSecret, secretFromKeyPair, convertSecret, jwkToMultikey, multikeyToJwk, CURVES } from '../../../dist/secrets/index.js';
import { FileSecretsStore } from '../../../dist/node.js';

const FAST = { scrypt: { N: 2 ** 12 } };
const tmp = () => mkdtempSync(join(tmpdir(), 'secrets-'));

for (const curve of ['Ed25519', 'X25519', 'P-256', 'P-384', 'P-521', 'secp256k1']) {
  test(`${curve}: generate, export JWK and Multikey, import both back`, async () => {
    const kp = await generateKeyPair(curve);
    assert.equal(kp.curve, curve);
    assert.equal(kp.privateKeyJwk.crv, curve);
    assert.deepEqual(await keyPairFromJwk(kp.privateKeyJwk), kp);
    assert.deepEqual(await keyPairFromMultikey(kp.privateKeyMultibase), kp);
    assert.equal(jwkToMultikey(kp.publicKeyJwk), kp.publicKeyMultibase);
    assert.deepEqual(multikeyToJwk(kp.publicKeyMultibase), kp.publicKeyJwk);
    const s = secretFromKeyPair('did:example:a#k', kp);
    const m = await convertSecret(s, 'Multikey');
    assert.deepEqual(m, { id: 'did:example:a#k', type: 'Multikey', privateKeyMultibase: kp.privateKeyMultibase });
    assert.deepEqual(await convertSecret(m, 'JsonWebKey2020'), s);
  });
}

test('CURVES lists every supported curve', () => assert.deepEqual([...CURVES].sort(), ['Ed25519', 'P-256', 'P-384', 'P-521', 'X25519', 'secp256k1'].sort()));

test('spec secrets import, and a JWK whose d does not match x is ERR_INVALID_KEY', async () => {
  const secrets = loadVector('didcomm-rust/secrets.json').secret_lists.ALICE_SECRETS;
  for (const s of secrets) assert.equal((await keyPairFromSecret(s)).publicKeyJwk.x, s.privateKeyJwk.x);
  const [a, b] = [await generateKeyPair('P-256'), await generateKeyPair('P-256')];
  await assert.rejects(keyPairFromJwk({ ...a.privateKeyJwk, d: b.privateKeyJwk.d }), (e) => e.code === 'ERR_INVALID_KEY');
  await assert.rejects(keyPairFromJwk({ kty: 'EC', crv: 'P-192', x: 'AA', y: 'AA', d: 'AA' }), (e) => e.code === 'ERR_UNSUPPORTED');
  await assert.rejects(generateKeyPair('RSA'), (e) => e.code === 'ERR_UNSUPPORTED');
});

test('file store: create, add, reopen, list, remove; encrypted at rest', async () => {
  const dir = tmp();
  const path = join(dir, 'secrets.json');
  try {
    const store = await FileSecretsStore.open(path, 'correct horse', FAST);
    const kp = await generateKeyPair('Ed25519');
    const secret = secretFromKeyPair('did:example:a#key-1', kp);
    await store.add(secret);
    const text = readFileSync(path, 'utf8');
    assert.ok(!text.includes(kp.privateKeyJwk.d) && !text.includes('did:example:a'), 'nothing in clear');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const again = await FileSecretsStore.open(path, 'correct horse');
    assert.deepEqual(await again.getSecret('did:example:a#key-1'), secret);
    assert.deepEqual(await again.findSecrets(['did:example:a#nope', 'did:example:a#key-1']), ['did:example:a#key-1']);
    assert.equal(await again.remove('did:example:a#key-1'), true);
    assert.equal((await FileSecretsStore.open(path, 'correct horse')).list().length, 0);
    assert.deepEqual(readdirSync(dir), ['secrets.json'], 'no temporary files left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('file store: wrong passphrase, corrupt or foreign files are ERR_STORE', async () => {
  const dir = tmp();
  const path = join(dir, 's.json');
  try {
    const store = await FileSecretsStore.open(path, 'pw-1', FAST);
    await store.add(secretFromKeyPair('did:example:a#k', await generateKeyPair('X25519')));
    await assert.rejects(FileSecretsStore.open(path, 'pw-2'), (e) => e.code === 'ERR_STORE');
    const good = readFileSync(path, 'utf8');
    const o = JSON.parse(good);
    const flip = (s) => (s[5] === 'A' ? s.slice(0, 5) + 'B' + s.slice(6) : s.slice(0, 5) + 'A' + s.slice(6));
    for (const broken of [good.slice(0, good.length / 2), '', 'null', JSON.stringify({ ...o, ct: flip(o.ct) }), JSON.stringify({ ...o, N: o.N * 2 }), JSON.stringify({ ...o, N: 2 ** 30 }), JSON.stringify({ ...o, v: 2 })]) {
      writeFileSync(path, broken);
      await assert.rejects(FileSecretsStore.open(path, 'pw-1'), (e) => e.code === 'ERR_STORE', broken.slice(0, 40));
    }
    await assert.rejects(FileSecretsStore.open(join(dir, 'absent.json'), 'pw', { create: false }), (e) => e.code === 'ERR_STORE');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('file store: concurrent adds are all kept; changePassphrase re-encrypts', async () => {
  const dir = tmp();
  const path = join(dir, 's.json');
  try {
    const store = await FileSecretsStore.open(path, 'old', FAST);
    const kps = await Promise.all(Array.from({ length: 8 }, () => generateKeyPair('P-256')));
    await Promise.all(kps.map((kp, i) => store.add(secretFromKeyPair(`did:example:a#k${i}`, kp))));
    assert.equal((await FileSecretsStore.open(path, 'old')).list().length, 8);
    await store.changePassphrase('new');
    await assert.rejects(FileSecretsStore.open(path, 'old'), (e) => e.code === 'ERR_STORE');
    assert.equal((await FileSecretsStore.open(path, 'new')).list().length, 8);
    await assert.rejects(store.add({ id: 'x' }), TypeError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('file store: a failed write leaves the old file and the old view intact', async () => {
  const dir = tmp();
  const path = join(dir, 'sub', 's.json');
  try {
    // Parent directory missing: every write fails, and must not half-write anything.
    await assert.rejects(FileSecretsStore.open(path, 'pw', FAST), (e) => e.code === 'ERR_STORE');
    const ok = join(dir, 's.json');
    const store = await FileSecretsStore.open(ok, 'pw', FAST);
    await store.add(secretFromKeyPair('did:example:a#1', await generateKeyPair('X25519')));
    const before = readFileSync(ok, 'utf8');
    rmSync(dir, { recursive: true, force: true });
    await assert.rejects(store.add(secretFromKeyPair('did:example:a#2', await generateKeyPair('X25519'))), (e) => e.code === 'ERR_STORE');
    assert.deepEqual(store.list().map((s) => s.id), ['did:example:a#1'], 'in-memory view rolled back');
    assert.ok(before.length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the main entry points of did/ and secrets/ never load node: modules (browser-safe)', async () => {
  const { readFileSync: rf } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const { dirname, resolve } = await import('node:path');
  const dist = resolve(dirname(fileURLToPath(import.meta.url)), '../../../dist');
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = rf(file, 'utf8');
    for (const m of src.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]/g)) {
      const spec = m[1];
      assert.ok(!spec.startsWith('node:'), `${file} imports ${spec}`);
      if (spec === '#crypto-backend') continue; // chosen by the browser condition
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
    }
  };
  visit(join(dist, 'did/index.js'));
  visit(join(dist, 'secrets/index.js'));
  assert.ok(![...seen].some((f) => f.includes('file-store') || f.includes('passphrase')));
  assert.ok(seen.size > 10);
});

test('file store shared by processes: concurrent writers keep every secret; a miss reads the others\' writes', async () => {
  const dir = tmp();
  const path = join(dir, 's.json');
  try {
    const a = await FileSecretsStore.open(path, 'pw', FAST);
    const b = await FileSecretsStore.open(path, 'pw', FAST);
    const s1 = secretFromKeyPair('did:example:a#1', await generateKeyPair('X25519'));
    const s2 = secretFromKeyPair('did:example:b#1', await generateKeyPair('X25519'));
    // Two stores, each with its own view of the file (as two processes have).
    await Promise.all([a.add(s1), b.add(s2)]);
    assert.deepEqual((await FileSecretsStore.open(path, 'pw')).list().map((s) => s.id).sort(), [s1.id, s2.id]);
    assert.ok(await a.getSecret(s2.id), 'a lookup that misses re-reads the file');
    assert.deepEqual(await b.findSecrets([s1.id]), [s1.id]);
    // Real processes: two children add 12 secrets each, at once.
    const child = (tag) =>
      new Promise((resolve, reject) => {
        const script = `const { FileSecretsStore } = await import(process.argv[1]); const { generateKeyPair, secretFromKeyPair } = await import(process.argv[2]);
          const s = await FileSecretsStore.open(process.argv[3], 'pw', { scrypt: { N: 4096 } });
          for (let i = 0; i < 12; i++) await s.add(secretFromKeyPair('did:example:${tag}#' + i, await generateKeyPair('X25519')));`;
        const p = spawn(process.execPath, ['--input-type=module', '-e', script, new URL('../../../dist/node.js', import.meta.url).href, new URL('../../../dist/secrets/index.js', import.meta.url).href, path], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        p.stderr.on('data', (d) => (err += d));
        p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(err))));
      });
    await Promise.all([child('p'), child('q')]);
    const ids = (await FileSecretsStore.open(path, 'pw')).list().map((s) => s.id);
    assert.equal(ids.length, 2 + 24, `kept: ${ids.length}`);
    assert.deepEqual(readdirSync(dir).sort(), ['s.json'], 'no lock or temporary file left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('file store lock: a dead owner\'s lock is taken over; a live one times out with ERR_STORE; another process\'s passphrase change is reported', async () => {
  const dir = tmp();
  const path = join(dir, 's.json');
  try {
    const store = await FileSecretsStore.open(path, 'pw', { ...FAST, lockTimeoutMs: 300 });
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: Number(dead), at: Date.now() }));
    await store.add(secretFromKeyPair('did:example:a#1', await generateKeyPair('X25519')));
    assert.deepEqual(readdirSync(dir).sort(), ['s.json']);
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: process.pid, at: Date.now() }));
    const t0 = Date.now();
    await assert.rejects(store.add(secretFromKeyPair('did:example:a#2', await generateKeyPair('X25519'))), (e) => e.code === 'ERR_STORE' && /locked/.test(e.message));
    assert.ok(Date.now() - t0 < 3000);
    assert.deepEqual(store.list().map((s) => s.id), ['did:example:a#1'], 'nothing changed');
    rmSync(`${path}.lock`);
    const other = await FileSecretsStore.open(path, 'pw', FAST);
    await other.changePassphrase('pw2');
    await assert.rejects(store.add(secretFromKeyPair('did:example:a#3', await generateKeyPair('X25519'))), (e) => e.code === 'ERR_STORE' && /passphrase/.test(e.message));
    assert.equal((await FileSecretsStore.open(path, 'pw2')).list().length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
