// Everything that works without a mediator: profiles, DIDs, whoami, resolve, pack/unpack
// (CLI against the library in both directions), and bad input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createDID, InMemorySecrets, packEncrypted, packSigned, unpack } from '@didcomm-ts/core';
import { didcomm, oneLine, tempDir } from './helpers.mjs';

const PW = { DIDCOMM_PASSPHRASE: 'correct horse battery staple' };
const BASIC = 'https://didcomm.org/basicmessage/2.0/message';
let tmp;
let alice; // profile dir
let aliceDid;

before(async () => {
  tmp = await tempDir();
  alice = join(tmp.dir, 'alice');
});
after(() => tmp.cleanup());

test('--help lists the commands and every command has an example', async () => {
  const r = await didcomm(['--help']);
  assert.equal(r.code, 0);
  for (const c of ['did', 'whoami', 'pack', 'unpack']) assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
  for (const sub of [['did', 'create'], ['did', 'resolve'], ['whoami'], ['pack'], ['unpack']]) {
    const h = await didcomm([...sub, '--help']);
    assert.equal(h.code, 0, sub.join(' '));
    assert.match(h.stdout, /Examples:\n\s+\$ .*didcomm/, `${sub.join(' ')} --help has an example`);
  }
});

test('did create peer|key|jwk saves DIDs in the profile; whoami shows them', async () => {
  const peer = await didcomm(['--profile', alice, 'did', 'create', 'peer'], { env: PW });
  assert.equal(peer.code, 0, peer.stderr);
  aliceDid = peer.stdout.trim();
  assert.match(aliceDid, /^did:peer:2\./);

  const key = await didcomm(['--profile', alice, 'did', 'create', 'key', '--no-use', '--json'], { env: PW });
  assert.equal(key.code, 0, key.stderr);
  const k = JSON.parse(key.stdout);
  assert.match(k.did, /^did:key:z6Mk/);
  assert.equal(k.current, false);

  const jwk = await didcomm(['did', 'create', 'jwk', '--curve', 'P-384', '--no-use', '--json'], { env: { ...PW, DIDCOMM_PROFILE: alice } });
  assert.equal(jwk.code, 0, jwk.stderr);
  assert.match(JSON.parse(jwk.stdout).did, /^did:jwk:/);
  assert.equal(JSON.parse(jwk.stdout).curve, 'P-384');

  // whoami needs no passphrase: nothing secret is read.
  const who = await didcomm(['--profile', alice, 'whoami', '--json']);
  assert.equal(who.code, 0, who.stderr);
  const w = JSON.parse(who.stdout);
  assert.deepEqual(Object.keys(w).sort(), ['did', 'dids', 'mediator']);
  assert.equal(w.did, aliceDid);
  assert.equal(w.dids.length, 3);
  assert.equal(w.mediator, null);

  const human = await didcomm(['--profile', alice, 'whoami']);
  assert.match(human.stdout, new RegExp(`${aliceDid.replace(/[.]/g, '\\.')} \\(in use`));
});

test('did use switches the DID in use', async () => {
  const who = JSON.parse((await didcomm(['--profile', alice, 'whoami', '--json'])).stdout);
  const other = who.dids.find((d) => d.startsWith('did:key:'));
  assert.equal((await didcomm(['--profile', alice, 'did', 'use', other])).code, 0);
  assert.equal(JSON.parse((await didcomm(['--profile', alice, 'whoami', '--json'])).stdout).did, other);
  assert.equal((await didcomm(['--profile', alice, 'did', 'use', aliceDid])).code, 0);
});

test('did resolve prints the document, --json for scripts', async () => {
  const r = await didcomm(['did', 'resolve', aliceDid, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.id, aliceDid);
  assert.ok(doc.keyAgreement.length >= 1);
  const pretty = await didcomm(['did', 'resolve', aliceDid]);
  assert.equal(pretty.code, 0);
  assert.match(pretty.stdout, /^DID\s+did:peer:2/m);
  assert.match(pretty.stdout, /keyAgreement/);
});

test('pack with the CLI, unpack with the library (authcrypt, anoncrypt, signed)', async () => {
  const bob = await createDID('peer');
  const secrets = new InMemorySecrets(bob.secrets);
  const msg = JSON.stringify({ type: BASIC, body: { content: 'hello from the CLI' } });

  const auth = await didcomm(['--profile', alice, 'pack', '--to', bob.did], { env: PW, input: msg });
  assert.equal(auth.code, 0, auth.stderr);
  const a = await unpack(auth.stdout, { secrets });
  assert.equal(a.message.body.content, 'hello from the CLI');
  assert.equal(a.message.from, aliceDid);
  assert.deepEqual(a.message.to, [bob.did]);
  assert.equal(a.metadata.authenticated, true);
  assert.equal(a.metadata.anonymousSender, false);

  // Anoncrypt needs no key of ours, so no passphrase.
  const anon = await didcomm(['--profile', alice, 'pack', '--to', bob.did, '--anon'], { input: msg });
  assert.equal(anon.code, 0, anon.stderr);
  const b = await unpack(anon.stdout, { secrets });
  assert.equal(b.metadata.anonymousSender, true);
  assert.equal(b.message.from, undefined);

  const signed = await didcomm(['--profile', alice, 'pack', '--to', bob.did, '--anon', '--sign', '--json'], { env: PW, input: msg });
  assert.equal(signed.code, 0, signed.stderr);
  const out = JSON.parse(signed.stdout);
  assert.ok(out.metadata.signByKid.startsWith(aliceDid));
  const c = await unpack(JSON.stringify(out.packed), { secrets });
  assert.equal(c.metadata.nonRepudiation, true);
  assert.equal(c.message.from, aliceDid);

  const jws = await didcomm(['--profile', alice, 'pack', '--sign'], { env: PW, input: msg });
  assert.equal(jws.code, 0, jws.stderr);
  const d = await unpack(jws.stdout, {});
  assert.equal(d.metadata.nonRepudiation, true);
  assert.equal(d.metadata.encrypted, false);
});

test('pack with the library, unpack with the CLI (shows the metadata)', async () => {
  const carol = await createDID('peer');
  const secrets = new InMemorySecrets(carol.secrets);
  const message = { id: 'm-1', type: BASIC, from: carol.did, to: [aliceDid], body: { content: 'hello from the library' } };
  const { packed } = await packEncrypted(message, { to: aliceDid, from: carol.did, secrets });

  const human = await didcomm(['--profile', alice, 'unpack'], { env: PW, input: packed });
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /envelope\s+authcrypt/);
  assert.match(human.stdout, /\(authenticated\)/);
  assert.match(human.stdout, /hello from the library/);

  const json = await didcomm(['--profile', alice, 'unpack', '--json'], { env: PW, input: packed });
  assert.equal(json.code, 0, json.stderr);
  const r = JSON.parse(json.stdout);
  assert.equal(r.message.id, 'm-1');
  assert.equal(r.metadata.authenticated, true);
  assert.equal(r.metadata.encrypted, true);
  assert.equal(r.metadata.encryptedFromKid.split('#')[0], carol.did);

  // A signed message needs no profile at all.
  const { packed: jws } = await packSigned({ ...message, to: undefined }, { signBy: carol.did, secrets });
  const v = await didcomm(['--profile', join(tmp.dir, 'nobody'), 'unpack', '-m'], { input: jws });
  assert.equal(v.code, 0, v.stderr);
  assert.equal(JSON.parse(v.stdout).body.content, 'hello from the library');
});

test('a wrong passphrase is one clear line and a non-zero exit', async () => {
  const r = await didcomm(['--profile', alice, 'pack', '--to', aliceDid], { env: { DIDCOMM_PASSPHRASE: 'wrong' }, input: JSON.stringify({ type: BASIC, body: {} }) });
  assert.notEqual(r.code, 0);
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.match(r.stderr, /wrong passphrase/);
  assert.equal(r.stdout, '');
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('no passphrase and no terminal: says to set DIDCOMM_PASSPHRASE', async () => {
  const r = await didcomm(['--profile', alice, 'pack', '--to', aliceDid], { input: JSON.stringify({ type: BASIC, body: {} }) });
  assert.notEqual(r.code, 0);
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.match(r.stderr, /DIDCOMM_PASSPHRASE/);
});

test('malformed DIDs are refused with one line', async () => {
  for (const args of [['did', 'resolve', 'did:nope'], ['did', 'resolve', 'hello'], ['pack', '--to', 'did:peer:2.garbage', '--anon'], ['did', 'resolve', 'did:peer:2.Vz6Mk']]) {
    const r = await didcomm(['--profile', alice, ...args], { env: PW, input: JSON.stringify({ type: BASIC, body: {} }) });
    assert.notEqual(r.code, 0, args.join(' '));
    assert.ok(oneLine(r.stderr), `${args.join(' ')}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('malformed JSON on stdin is refused with one line', async () => {
  for (const [cmd, input] of [
    [['pack', '--to', aliceDid], '{"type": oops'],
    [['pack', '--to', aliceDid], '[1,2]'],
    [['pack', '--to', aliceDid], '{"body": {}}'],
    [['unpack'], 'not json'],
    [['unpack'], '{"ciphertext": "x", "protected": 1}'],
    [['unpack'], ''],
  ]) {
    const r = await didcomm(['--profile', alice, ...cmd], { env: PW, input });
    assert.notEqual(r.code, 0, `${cmd.join(' ')} < ${input}`);
    assert.ok(oneLine(r.stderr), `${cmd.join(' ')} < ${input}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('a message for someone else does not decrypt: one line', async () => {
  const dave = await createDID('peer');
  const { packed } = await packEncrypted({ id: 'x', type: BASIC, to: [dave.did], body: { content: 'not for alice' } }, { to: dave.did });
  const r = await didcomm(['--profile', alice, 'unpack'], { env: PW, input: packed });
  assert.notEqual(r.code, 0);
  assert.ok(oneLine(r.stderr), r.stderr);
});

test('usage mistakes exit 2', async () => {
  const r = await didcomm(['did', 'create', 'web']);
  assert.equal(r.code, 2);
  assert.ok(oneLine(r.stderr), r.stderr);
  const u = await didcomm(['no-such-command']);
  assert.equal(u.code, 2);
});
