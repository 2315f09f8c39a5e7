// SQLite faults, on a real small file system: a 6 MB tmpfs that the queue fills (forwards
// refused with 507, pickup and acknowledgements go on, and once the queue is drained its space
// comes back and forwards are taken again; nothing acknowledged lost), and a read-only data
// folder (a clear refusal at start; once writable again the mediator starts on the same data
// with nothing lost).
// Mounting needs root (as in CI); elsewhere these tests skip, saying so, unless CI=true.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createResolver, packEncrypted } from '@didcomm-ts/core';
import { basic, makeClient, mediatedClient, tempDir, testMediator, freePort, spawnMediator } from './helpers.mjs';

const RESERVE = 1 << 20;

function mount(args) {
  execFileSync('mount', args, { stdio: 'pipe' });
}
function unmount(dir) {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    /* not mounted */
  }
}

/** A tmpfs of `size` at a new folder, or the reason there is none (a skip, except under CI). */
function smallDisk(t, size = '6m') {
  const dir = tempDir('mediator-faults-');
  try {
    mount(['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
    return dir;
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const why = `cannot mount a tmpfs (needs root): ${e.stderr?.toString().trim() || e.message}`;
    if (process.env.CI === 'true') throw new Error(why);
    t.skip(why);
    return undefined;
  }
}

function capturingLogger() {
  const lines = [];
  const at = (level) => (msg, fields) => lines.push({ level, msg, fields });
  return { lines, logger: { debug: () => undefined, info: at('info'), warn: at('warn'), error: at('error') } };
}

async function post(url, packed) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/didcomm-encrypted+json' }, body: packed, signal: AbortSignal.timeout(10_000) });
  const body = await res.text();
  return { status: res.status, body, retryAfter: res.headers.get('retry-after') };
}

for (const sqliteWriter of ['inline', 'thread'])
test(`full disk (6 MB tmpfs, SQLite commits ${sqliteWriter}): forwards get 507, pickup drains the queue, which gives the space back, nothing acknowledged lost`, async (t) => {
  const dir = smallDisk(t);
  if (!dir) return;
  const { lines, logger } = capturingLogger();
  let m, alice, bob;
  try {
    m = await testMediator({ data: join(dir, 'data'), diskReserveBytes: RESERVE, sqliteWriter }, { logger });
    const reserveFile = join(dir, 'data', 'disk-reserve');
    assert.equal(statSync(reserveFile).size, RESERVE, 'the reserve is written at start');
    const resolver = createResolver();
    alice = await makeClient(resolver);
    bob = await mediatedClient(m.did, resolver);
    const accepted = [];
    const statuses = new Map();
    let n = 0;
    const forward = async () => {
      const content = `m-${n++}-${'x'.repeat(1500)}`;
      const { packed } = await packEncrypted(basic(alice.did, bob.did, content), { to: bob.did, from: alice.did, resolver, secrets: alice.secrets });
      const r = await post(m.url, packed);
      assert.ok(r.status === 202 || r.status === 507, `forward answered ${r.status} ${r.body}`);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      if (r.status === 202) accepted.push(content);
      return r;
    };

    // The queue fills the disk (the WAL gives back space after the first refusals, so the
    // refusals settle after a while): forwards until ten in a row are refused.
    let first507;
    for (let i = 0, refused = 0; refused < 10; i++) {
      assert.ok(i < 1000, 'the disk never filled');
      const r = await forward();
      refused = r.status === 507 ? refused + 1 : 0;
      first507 ??= r.status === 507 ? r : undefined;
    }
    assert.equal(JSON.parse(first507.body).error, 'disk_full');
    assert.ok(Number(first507.retryAfter) > 0, 'a 507 says when to try again');
    assert.ok(lines.some((l) => l.level === 'error' && /disk full/.test(l.msg)), 'a log line says the disk is full');
    // /healthz tells a monitor (200: still serving pickups, nothing a restart would fix).
    const health = await fetch(`${m.url}healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual((({ status, fault, accepting }) => ({ status, fault, accepting }))(await health.json()), { status: 'degraded', fault: 'disk_full', accepting: false });
    const metrics = await (await fetch(`${m.url}metrics`)).text();
    assert.equal(Number(/didcomm_mediator_refused_total\{reason="disk_full"\} (\d+)/.exec(metrics)?.[1]), statuses.get(507));

    // Still full: the recipient picks up and acknowledges everything queued (without the
    // reserve no acknowledgement could commit, and pickup stalled).
    assert.ok(accepted.length > 100, `${accepted.length} forwards accepted before the disk was full`);
    assert.equal((await m.store.status(bob.accountDid)).messageCount, accepted.length);
    await bob.client.pickupAll({ batch: 20, maxBatches: 200 });
    assert.equal((await m.store.status(bob.accountDid)).messageCount, 0, 'every message was acknowledged and deleted on the full disk');
    assert.deepEqual(new Set(bob.inbox.map((x) => x.content)), new Set(accepted));

    // The drained queue's space returns to the disk: within seconds forwards are taken again.
    const deadline = Date.now() + 10_000;
    let r;
    do {
      await new Promise((res) => setTimeout(res, 200));
      r = await forward();
    } while (r.status !== 202 && Date.now() < deadline);
    assert.equal(r.status, 202, 'forwards are taken again once the queue was drained');
    assert.equal(statSync(reserveFile).size, RESERVE, 'the reserve is written again');
    assert.ok(lines.some((l) => /takes messages again/.test(l.msg)), 'the recovery is logged');
    assert.equal((await (await fetch(`${m.url}healthz`)).json()).status, 'ok', '/healthz is ok again');
    for (let i = 0; i < 5; i++) assert.equal((await forward()).status, 202);

    await bob.client.pickupAll({ batch: 20, maxBatches: 200 });
    const got = new Set(bob.inbox.map((x) => x.content));
    const lost = accepted.filter((c) => !got.has(c));
    assert.deepEqual(lost, [], `${lost.length} of ${accepted.length} accepted forwards were lost`);
  } finally {
    await alice?.agent.stop().catch(() => undefined);
    await bob?.agent.stop().catch(() => undefined);
    await m?.stop({ keepData: true }).catch(() => undefined);
    unmount(dir);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('read-only data folder: a clear refusal at start; writable again, the mediator starts on the same data with nothing lost', async (t) => {
  const dir = smallDisk(t, '16m');
  if (!dir) return;
  const data = join(dir, 'data');
  const view = tempDir('mediator-ro-');
  let m, alice, bob;
  try {
    // One port throughout: the mediator's DID names its endpoint.
    const port = await freePort();
    m = await testMediator({ data, port, diskReserveBytes: RESERVE });
    const did = m.did;
    const resolver = createResolver();
    alice = await makeClient(resolver);
    bob = await mediatedClient(did, resolver);
    for (const content of ['one', 'two', 'three']) await alice.agent.send(basic(alice.did, bob.did, content));
    await m.stop({ keepData: true });
    m = undefined;

    // The same folder seen through a read-only bind mount.
    mount(['--bind', data, view]);
    mount(['-o', 'remount,bind,ro', view]);
    await assert.rejects(testMediator({ data: view, port, diskReserveBytes: RESERVE }), (e) => {
      assert.equal(e.code, 'store_read_only');
      assert.match(e.message, /data folder .* is not writable \(EROFS\)/);
      return true;
    });

    mount(['-o', 'remount,bind,rw', view]);
    m = await testMediator({ data: view, port, diskReserveBytes: RESERVE });
    assert.equal(m.did, did, 'the same mediator');
    await bob.client.pickupAll();
    assert.deepEqual(bob.inbox.map((x) => x.content).sort(), ['one', 'three', 'two']);
  } finally {
    await alice?.agent.stop().catch(() => undefined);
    await bob?.agent.stop().catch(() => undefined);
    await m?.stop({ keepData: true }).catch(() => undefined);
    unmount(view);
    unmount(dir);
    rmSync(view, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});
