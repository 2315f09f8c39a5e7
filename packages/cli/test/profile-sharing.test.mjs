// One profile, several processes (an `inbox --live` in one terminal, `send` or `did create` in
// another): changes are made under the file's lock to what is on disk, so none is lost, and
// the inbox keeps a message once even when two processes receive it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { didcomm, tempDir } from './helpers.mjs';
import { Profile } from '../dist/profile/profile.js';

const PW = { DIDCOMM_PASSPHRASE: 'profile sharing test' };

test('DIDs created by processes at the same time are all kept, with their keys', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const runs = await Promise.all(['peer', 'key', 'jwk', 'peer', 'key', 'peer'].map((m) => didcomm(['--profile', dir, 'did', 'create', m, '--no-use', '--json'], { env: PW })));
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    const made = runs.map((r) => JSON.parse(r.stdout).did).sort();
    const who = JSON.parse((await didcomm(['--profile', dir, 'whoami', '--json'])).stdout);
    assert.deepEqual(who.dids.map((d) => (typeof d === 'string' ? d : d.did)).sort(), made, 'every DID recorded');
    // Every DID can still sign and decrypt: its keys were kept too.
    for (const did of made) {
      const packed = await didcomm(['--profile', dir, 'pack', '--to', did, '--from', did], { env: PW, input: '{"type":"https://didcomm.org/basicmessage/2.0/message","body":{"content":"x"}}' });
      assert.equal(packed.code, 0, `${did}: ${packed.stderr}`);
      const unpacked = await didcomm(['--profile', dir, 'unpack'], { env: PW, input: packed.stdout });
      assert.equal(unpacked.code, 0, `${did}: ${unpacked.stderr}`);
    }
  } finally {
    await cleanup();
  }
});

test('the inbox keeps a message once, whichever process stores it; each keeps what the other stored', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const a = await Profile.open(dir);
    const b = await Profile.open(dir);
    const entry = (id, from = 'did:example:alice') => ({ id, from, type: 'https://didcomm.org/basicmessage/2.0/message', body: { content: id }, received_at: new Date().toISOString(), authenticated: true });
    const [fromA, fromB] = await Promise.all([a.appendInbox([entry('m1'), entry('m2')]), b.appendInbox([entry('m2'), entry('m3')])]);
    assert.equal(fromA.length + fromB.length, 3, 'm2 stored by one of them only');
    assert.deepEqual((await b.appendInbox([entry('m1')])).length, 0, 'b knows what a stored');
    assert.deepEqual((await a.appendInbox([entry('m1', 'did:example:bob')])).length, 1, 'same id from another sender is another message');
    assert.deepEqual((await a.readInbox()).map((e) => `${e.from} ${e.id}`).sort(), ['did:example:alice m1', 'did:example:alice m2', 'did:example:alice m3', 'did:example:bob m1']);
    // Settings written by one process survive the other's writes.
    await a.setInboxShown(3);
    await b.setInboxShown(1);
    assert.equal((await Profile.open(dir)).inboxShown, 3, 'never goes back');
  } finally {
    await cleanup();
  }
});
