// The browser bundle of issue 14: "pack/unpack with did:peer and did:key" as one file
// (esbuild, minified, `browser` condition, no code splitting) is at most 40 kB gzip with every
// envelope and curve inside it, and that file alone, imported from an empty temp folder, packs
// and unpacks with the rarer algorithms: secp256k1 keys (@noble/secp256k1, which Node's
// WebCrypto lacks as Chromium's does) and XC20P (@noble/ciphers). The entry is the first case of
// scripts/size.mjs (`npm run size` prints the same figure beside the reference's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createDID, createResolver, InMemorySecrets, packEncrypted, unpack } from '../../dist/index.js';

const TARGET = 40_000;
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const ENTRY = `import { packEncrypted, packSigned, unpack, InMemorySecrets, resolvePeerDid, resolveDidKey } from '@didcomm-ts/core';
const resolver = { resolve: (did) => (did.startsWith('did:peer:') ? resolvePeerDid(did) : resolveDidKey(did)) };
export { packEncrypted, packSigned, unpack, InMemorySecrets, resolver };`;

async function oneFile() {
  const esbuild = await import('esbuild');
  const r = await esbuild.build({
    stdin: { contents: ENTRY, resolveDir: root, sourcefile: 'size-entry.js', loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['browser'],
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  assert.equal(r.outputFiles.length, 1);
  const inputs = Object.keys(Object.values(r.metafile.outputs)[0].inputs);
  return { bytes: r.outputFiles[0].contents, inputs };
}

test('one file, at most 40 kB gzip, holds every curve and content cipher; alone it packs and unpacks secp256k1 with XC20P', async (t) => {
  const { bytes, inputs } = await oneFile();
  const gzip = gzipSync(bytes, { level: 9 }).length;
  t.diagnostic(`${bytes.length} bytes minified, ${gzip} bytes gzip`);
  assert.ok(gzip <= TARGET, `${gzip} bytes gzip is over ${TARGET}`);
  // The rare algorithms are in this file, not in chunks a page would have to fetch.
  for (const part of ['@noble/secp256k1/', '@noble/ed25519/', '@noble/ciphers/chacha.js', '@noble/ciphers/aes.js', 'dist/crypto/x25519.js', 'dist/crypto/web.js']) {
    assert.ok(inputs.some((p) => p.includes(part)), `${part} is in the bundle`);
  }
  assert.ok(!inputs.some((p) => p.includes('dist/crypto/node.js')), 'the Node backend stays out');

  const dir = mkdtempSync(join(tmpdir(), 'didcomm-one-file-'));
  try {
    const file = join(dir, 'bundle.mjs');
    writeFileSync(file, bytes);
    const b = await import(pathToFileURL(file).href);
    const alice = await createDID('key', { curve: 'secp256k1' });
    const bob = await createDID('key', { curve: 'secp256k1' });
    const node = (who) => ({ resolver: createResolver(), secrets: new InMemorySecrets(who.secrets) });
    const page = (who) => ({ resolver: b.resolver, secrets: new b.InMemorySecrets(who.secrets) });
    const message = { id: 'one-file-1', type: 'https://example.org/test', body: { hello: 'one file' }, from: alice.did, to: [bob.did] };
    const opts = { to: bob.did, from: alice.did, signBy: alice.did, protectSender: true, encAlgAnon: 'XC20P', forward: false };

    // Packed by the bundle, unpacked by Node's backend.
    const fromPage = await b.packEncrypted(message, { ...opts, ...page(alice) });
    const inNode = await unpack(fromPage.packed, node(bob));
    assert.deepEqual(inNode.message.body, message.body);
    assert.equal(inNode.metadata.encAlgAnon, 'ECDH-ES+A256KW/XC20P');
    assert.equal(inNode.metadata.authenticated, true);
    assert.equal(inNode.metadata.nonRepudiation, true);
    assert.equal(inNode.metadata.signAlg, 'ES256K');

    // Packed by Node, unpacked by the bundle.
    const fromNode = await packEncrypted({ ...message, id: 'one-file-2' }, { ...opts, ...node(alice) });
    const inPage = await b.unpack(fromNode.packed, page(bob));
    assert.equal(inPage.message.id, 'one-file-2');
    assert.equal(inPage.metadata.encAlgAnon, 'ECDH-ES+A256KW/XC20P');
    assert.equal(inPage.metadata.signAlg, 'ES256K');

    // A signed message from the bundle verifies in Node.
    const signed = await b.packSigned({ ...message, id: 'one-file-3' }, { signBy: alice.did, ...page(alice) });
    const verified = await unpack(signed.packed, node(bob));
    assert.equal(verified.metadata.nonRepudiation, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
