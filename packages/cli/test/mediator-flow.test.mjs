// The whole path a user walks: a mediator in its own process, two profiles that mediate with
// it, send, inbox (polling and live), ping, invite/accept, operator commands, and what happens
// when the mediator is gone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { didcomm, didcommBackground, oneLine, tempDir } from './helpers.mjs';
import { freePort } from '../../mediator/test/helpers.mjs';

const PW = { DIDCOMM_PASSPHRASE: 'test passphrase' };
const BASIC = 'https://didcomm.org/basicmessage/2.0/message';

let tmp;
let mediator;
let base;
let alice;
let bob;
let aliceDid;
let bobDid;
let mediatorDid;
const background = [];

async function waitHealthy(url, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return;
    } catch {}
    if (mediator.state.exited) throw new Error(`the mediator exited (${mediator.state.code}):\n${mediator.state.stdout}\n${mediator.state.stderr}`);
    if (Date.now() > deadline) throw new Error(`the mediator did not become healthy:\n${mediator.state.stdout}\n${mediator.state.stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const data = () => join(tmp.dir, 'mediator-data');

before(async () => {
  tmp = await tempDir();
  alice = join(tmp.dir, 'alice');
  bob = join(tmp.dir, 'bob');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  mediator = didcommBackground(['mediator', 'start', '--port', String(port), '--host', '127.0.0.1', '--data', data(), '--public-url', base], {
    env: { MEDIATOR_PASSPHRASE: 'mediator test passphrase', LOG_LEVEL: 'warn' },
  });
  background.push(mediator);
  await waitHealthy(base);
});

after(async () => {
  for (const p of background) await p.stop();
  await tmp.cleanup();
});

test('mediate: by the mediator base URL and by its ?_oob= invitation URL', async () => {
  const a = await didcomm(['--profile', alice, 'mediate', base, '--json'], { env: PW });
  assert.equal(a.code, 0, a.stderr);
  const ra = JSON.parse(a.stdout);
  aliceDid = ra.did;
  mediatorDid = ra.mediator;
  assert.match(aliceDid, /^did:peer:2\./);

  const url = await (await fetch(`${base}/oob?format=url`)).text();
  assert.match(url, /_oob=/);
  const b = await didcomm(['--profile', bob, 'mediate', url.trim()], { env: PW });
  assert.equal(b.code, 0, b.stderr);
  bobDid = b.stdout.trim();
  assert.match(bobDid, /^did:peer:2\./);

  const who = JSON.parse((await didcomm(['--profile', bob, 'whoami', '--json'])).stdout);
  assert.equal(who.did, bobDid);
  assert.equal(who.mediator, mediatorDid);

  // The new DID's service names the mediator.
  const doc = JSON.parse((await didcomm(['did', 'resolve', bobDid, '--json'])).stdout);
  assert.ok(JSON.stringify(doc.service).includes(ra.routing_did));
});

test('send while the recipient is offline; inbox picks it up once', async () => {
  const s = await didcomm(['--profile', alice, 'send', bobDid, 'hello', 'bob', '--json'], { env: PW });
  assert.equal(s.code, 0, s.stderr);
  const sent = JSON.parse(s.stdout);
  assert.equal(sent.to, bobDid);
  assert.equal(sent.from, aliceDid);

  const i = await didcomm(['--profile', bob, 'inbox', '--json'], { env: PW });
  assert.equal(i.code, 0, i.stderr);
  const lines = i.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 1, i.stdout);
  assert.equal(lines[0].from, aliceDid);
  assert.equal(lines[0].type, BASIC);
  assert.deepEqual(lines[0].body, { content: 'hello bob' });
  assert.ok(!Number.isNaN(Date.parse(lines[0].received_at)));
  assert.equal(lines[0].id, sent.id);

  // Nothing new the second time; --all shows what the profile keeps.
  const again = await didcomm(['--profile', bob, 'inbox', '--json'], { env: PW });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout.trim(), '');
  const all = await didcomm(['--profile', bob, 'inbox', '--json', '--all', '--local']);
  assert.equal(all.stdout.trim().split('\n').length, 1);

  const human = await didcomm(['--profile', bob, 'inbox', '--all', '--local']);
  assert.match(human.stdout, /hello bob/);
});

test('ping the mediator', async () => {
  const r = await didcomm(['--profile', alice, 'ping', mediatorDid, '--json', '--count', '2'], { env: PW });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 2);
  for (const l of lines) {
    assert.equal(l.did, mediatorDid);
    assert.ok(l.rtt_ms >= 0 && l.rtt_ms < 15_000);
  }
});

test('inbox --live prints messages as they arrive; ping and accept reach a live agent', async () => {
  // --verbose narrates on stderr even without a terminal, so we see when live mode is on.
  const live = didcommBackground(['--profile', bob, '--verbose', 'inbox', '--live', '--json'], { env: PW });
  background.push(live);
  try {
    await live.waitFor(/waiting for messages/, { stream: 'stderr' });
    const t0 = Date.now();
    const s = await didcomm(['--profile', alice, 'send', bobDid, 'live one'], { env: PW });
    assert.equal(s.code, 0, s.stderr);
    await live.waitFor(/"live one"/, { timeoutMs: 10_000 });
    const line = JSON.parse(live.state.stdout.trim().split('\n').at(-1));
    assert.equal(line.from, aliceDid);
    assert.ok(Date.now() - t0 < 10_000);

    const p = await didcomm(['--profile', alice, 'ping', bobDid, '--json'], { env: PW });
    assert.equal(p.code, 0, p.stderr);
    assert.ok(JSON.parse(p.stdout).rtt_ms >= 0);

    // Bob invites; Alice accepts, which pings Bob (live) in the invitation's thread.
    const inv = await didcomm(['--profile', bob, 'invite', '--json', '--goal', 'chat']);
    assert.equal(inv.code, 0, inv.stderr);
    const { url } = JSON.parse(inv.stdout);
    const parsed = await didcomm(['accept', url, '--no-ping', '--json']);
    assert.equal(parsed.code, 0, parsed.stderr);
    assert.equal(JSON.parse(parsed.stdout).from, bobDid);
    assert.equal(JSON.parse(parsed.stdout).goal, 'chat');
    const acc = await didcomm(['--profile', alice, 'accept', url, '--json'], { env: PW });
    assert.equal(acc.code, 0, acc.stderr);
    assert.ok(JSON.parse(acc.stdout).rtt_ms >= 0);
  } finally {
    await live.stop();
  }
  // Stopped cleanly by a signal.
  assert.equal(live.state.code, 0, live.state.stderr);
});

test('pinging an agent that is offline times out with one line', async () => {
  const r = await didcomm(['--profile', alice, '--timeout', '2', 'ping', bobDid], { env: PW });
  assert.notEqual(r.code, 0);
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.match(r.stderr, /did not answer in time|online/);
});

test('mediator accounts | allow | deny work on the data folder', async () => {
  const acc = await didcomm(['mediator', 'accounts', '--data', data(), '--json'], { env: { MEDIATOR_PASSPHRASE: 'mediator test passphrase' } });
  assert.equal(acc.code, 0, acc.stderr);
  const rows = acc.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(rows.length >= 2, acc.stdout);
  const allow = await didcomm(['mediator', 'allow', '--data', data(), 'did:example:friend']);
  assert.equal(allow.code, 0, allow.stderr);
  const deny = await didcomm(['mediator', 'deny', '--data', data(), 'did:example:friend']);
  assert.equal(deny.code, 0, deny.stderr);
});

test("accept a mediator's invitation: it answers the ping on the same connection", async () => {
  const url = (await (await fetch(`${base}/oob?format=url`)).text()).trim();
  const r = await didcomm(['--profile', alice, 'accept', url, '--json'], { env: PW });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.from, mediatorDid);
  assert.ok(out.rtt_ms >= 0);
});

test('an allow-list mediator denies in one line naming the DID to allow; allowing it lets mediation through', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = join(tmp.dir, 'strict-data');
  const strict = didcommBackground(['mediator', 'start', '--port', String(port), '--host', '127.0.0.1', '--data', dataDir, '--public-url', url, '--access', 'allow-list'], {
    env: { MEDIATOR_PASSPHRASE: 'strict', LOG_LEVEL: 'warn' },
  });
  background.push(strict);
  await strict.waitFor(/invitation/);
  const carol = join(tmp.dir, 'carol-strict');
  const denied = await didcomm(['--profile', carol, 'mediate', url], { env: PW });
  assert.notEqual(denied.code, 0);
  assert.ok(oneLine(denied.stderr), denied.stderr);
  const did = denied.stderr.match(/didcomm mediator allow (did:\S+?)`/)?.[1];
  assert.ok(did, denied.stderr);
  const allow = await didcomm(['mediator', 'allow', '--data', dataDir, did]);
  assert.equal(allow.code, 0, allow.stderr);
  const ok = await didcomm(['--profile', carol, 'mediate', url], { env: PW });
  assert.equal(ok.code, 0, ok.stderr);
  await strict.stop();
});

test('an unreachable mediator is one clear line and a non-zero exit', async () => {
  const dead = await freePort();
  const m = await didcomm(['--profile', join(tmp.dir, 'carol'), '--timeout', '3', 'mediate', `http://127.0.0.1:${dead}`], { env: PW });
  assert.notEqual(m.code, 0);
  assert.ok(oneLine(m.stderr), m.stderr);
  assert.match(m.stderr, /cannot reach/);

  await mediator.stop();
  const i = await didcomm(['--profile', bob, '--timeout', '3', 'inbox'], { env: PW });
  assert.notEqual(i.code, 0);
  assert.ok(oneLine(i.stderr), i.stderr);
  assert.match(i.stderr, /mediator/);
  assert.doesNotMatch(i.stderr, /\n\s+at /);

  const s = await didcomm(['--profile', alice, '--timeout', '3', 'send', bobDid, 'nobody home'], { env: PW });
  assert.notEqual(s.code, 0);
  assert.ok(oneLine(s.stderr), s.stderr);
});
