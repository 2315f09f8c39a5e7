// With a mediated recipient: the documented `pack | unpack` pipe, what unpack says about a
// forward meant for the mediator, and `didcomm invite` with a short link from the mediator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startMediator } from '@didcomm-ts/mediator';
import { didcomm, oneLine, tempDir } from './helpers.mjs';

const PW = { DIDCOMM_PASSPHRASE: 'test passphrase' };
const MSG = JSON.stringify({ type: 'https://didcomm.org/basicmessage/2.0/message', body: { content: 'through the pipe' } });

let tmp;
let mediator;
let alice;
let bob;
let bobDid;

before(async () => {
  tmp = await tempDir();
  alice = join(tmp.dir, 'alice');
  bob = join(tmp.dir, 'bob');
  mediator = await startMediator(
    { port: 0, host: '127.0.0.1', data: join(tmp.dir, 'mediator'), passphrase: 'mediator test passphrase', scryptN: 1024, logLevel: 'error', unwrapWorkers: 0 },
    { chatDir: null },
  );
  const b = await didcomm(['--profile', bob, 'mediate', mediator.url], { env: PW });
  assert.equal(b.code, 0, b.stderr);
  bobDid = b.stdout.trim();
  const a = await didcomm(['--profile', alice, 'did', 'create', 'peer'], { env: PW });
  assert.equal(a.code, 0, a.stderr);
});

after(async () => {
  await mediator?.close();
  await tmp?.cleanup();
});

test('pack --to a mediated DID | unpack with its profile (the example in unpack --help)', async () => {
  const packed = await didcomm(['--profile', alice, 'pack', '--to', bobDid], { env: PW, input: MSG });
  assert.equal(packed.code, 0, packed.stderr);
  const opened = await didcomm(['--profile', bob, 'unpack', '--json'], { env: PW, input: packed.stdout });
  assert.equal(opened.code, 0, opened.stderr);
  const { message, metadata } = JSON.parse(opened.stdout);
  assert.equal(message.body.content, 'through the pipe');
  assert.equal(metadata.authenticated, true);
  assert.equal(metadata.reWrappedInForward, false);
});

test('unpack of a forward for the profile\'s mediator says so in one line', async () => {
  const packed = await didcomm(['--profile', alice, 'pack', '--to', bobDid, '--forward', '--json'], { env: PW, input: MSG });
  assert.equal(packed.code, 0, packed.stderr);
  assert.equal(JSON.parse(packed.stdout).metadata.forwarded, true);
  const envelope = JSON.stringify(JSON.parse(packed.stdout).packed);
  const r = await didcomm(['--profile', bob, 'unpack'], { env: PW, input: envelope });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.match(r.stderr, new RegExp(`forward for your mediator ${mediator.did.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.match(r.stderr, /without --forward/);

  // The mediator does open it: the forward reaches Bob's queue.
  const res = await fetch(mediator.url, { method: 'POST', headers: { 'content-type': 'application/didcomm-encrypted+json' }, body: envelope });
  assert.equal(res.status, 202);
  const inbox = await didcomm(['--profile', bob, 'inbox', '--json'], { env: PW });
  assert.equal(inbox.code, 0, inbox.stderr);
  assert.match(inbox.stdout, /through the pipe/);
});

test('invite: the QR code carries a short link from the mediator, which accept resolves; the full link is still printed', async () => {
  const r = await didcomm(['--profile', bob, 'invite', '--json', '--goal', 'chat'], { env: PW });
  assert.equal(r.code, 0, r.stderr);
  const { url, short_url: shortUrl } = JSON.parse(r.stdout);
  assert.match(url, /_oob=/);
  assert.ok(url.length > 500);
  assert.ok(shortUrl.startsWith(`${mediator.publicUrl}s?_oobid=`), shortUrl);
  assert.ok(shortUrl.length < 100, shortUrl);
  const res = await fetch(shortUrl, { redirect: 'manual' });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), url);
  const accepted = await didcomm(['accept', shortUrl, '--no-ping', '--json']);
  assert.equal(accepted.code, 0, accepted.stderr);
  assert.equal(JSON.parse(accepted.stdout).from, bobDid);
  assert.equal(JSON.parse(accepted.stdout).goal, 'chat');

  // Plain output off a terminal: the full invitation URL, as before.
  const plain = await didcomm(['--profile', bob, 'invite'], { env: PW });
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout.trim(), /^didcomm:\/\/invite\?_oob=/);

  // Without the passphrase (no terminal to ask) there is no short link, and the invitation still comes.
  const noKeys = await didcomm(['--profile', bob, 'invite', '--json']);
  assert.equal(noKeys.code, 0, noKeys.stderr);
  assert.equal(JSON.parse(noKeys.stdout).short_url, null);

  // The answer from the mediator is protocol traffic, not mail.
  const inbox = await didcomm(['--profile', bob, 'inbox', '--json'], { env: PW });
  assert.doesNotMatch(inbox.stdout, /shorten-url/);
});
