// PostgreSQL faults, on a server of the test's own (initdb into a temporary folder, its own
// port and socket folder; the shared server is never touched): while forwards stream into
// instance A and a recipient is live on instance B, the mediator's backends are killed twice
// with pg_terminate_backend, then the server is stopped for two seconds and started again.
// Meanwhile every refused forward is a 503 (never a 2xx for one not stored), every forward
// answered 202 is delivered, and after the restart B's LISTEN is back: what is posted to A
// reaches the recipient live on B.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { createResolver, packEncrypted } from '@didcomm-ts/core';
import { PostgresStore } from '../dist/index.js';
import { basic, makeClient, mediatedClient, tempDir, testMediator, freePort, spawnMediator } from './helpers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The folder with initdb and pg_ctl (the newest installed), if any. */
function pgBin() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'pg_ctl')));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0], 'bin') : undefined;
}

/** A PostgreSQL server of our own in a temporary folder; run as the postgres user when we are root. */
function ownServer(bin, port) {
  const dir = tempDir('mediator-pg-');
  const data = join(dir, 'data');
  const sockets = join(dir, 'sockets');
  mkdirSync(sockets);
  let as = {};
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
    chownSync(sockets, uid, gid);
    as = { uid, gid };
  }
  const run = (cmd, args) => execFileSync(join(bin, cmd), args, { ...as, cwd: dir, stdio: 'pipe', timeout: 30_000 });
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const opts = `-p ${port} -k ${sockets} -c listen_addresses=127.0.0.1 -c fsync=off`;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', opts, '-w', '-t', '20', 'start']),
    stop: (mode = 'fast') => run('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '20', 'stop']),
    remove() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        /* not running */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** ownServer on a free port, or undefined with the test skipped (CI: an error) when initdb/pg_ctl are missing. */
async function ownServerOrSkip(t) {
  const bin = pgBin();
  if (!bin) {
    if (process.env.CI === 'true') throw new Error('no initdb/pg_ctl under /usr/lib/postgresql/*/bin');
    t.skip('no initdb/pg_ctl under /usr/lib/postgresql/*/bin');
    return undefined;
  }
  return ownServer(bin, await freePort());
}

test('PostgreSQL: backends killed and the server restarted under streaming forwards with a live recipient: 503 meanwhile, LISTEN resumes, nothing accepted is lost', async (t) => {
  const server = await ownServerOrSkip(t);
  if (!server) return;
  let a, b, admin, alice, bob;
  const stopSenders = { now: false };
  try {
    server.start();
    admin = postgres(server.url, { max: 1, onnotice: () => undefined });
    // B first: the shared DID names B's endpoints, so the recipient is live on B; we post to A.
    b = await testMediator({ store: server.url, pgSchema: 'faults' });
    a = await testMediator({ store: server.url, pgSchema: 'faults' });
    const resolver = createResolver();
    alice = await makeClient(resolver);
    bob = await mediatedClient(b.did, resolver);
    await bob.client.live(true);

    const accepted = new Set();
    const refused = [];
    let n = 0;
    let phase = 'before';
    const post = async (content) => {
      const { packed } = await packEncrypted(basic(alice.did, bob.did, content), { to: bob.did, from: alice.did, resolver, secrets: alice.secrets });
      const res = await fetch(a.url, { method: 'POST', headers: { 'content-type': 'application/didcomm-encrypted+json' }, body: packed, signal: AbortSignal.timeout(10_000) });
      const body = await res.text();
      return { status: res.status, body, retryAfter: res.headers.get('retry-after') };
    };
    const sender = async () => {
      while (!stopSenders.now) {
        const content = `m-${n++}`;
        const t0 = Date.now();
        const r = await post(content).catch((e) => ({ status: 'error', body: String(e?.message ?? e) }));
        r.ms = Date.now() - t0;
        if (r.status === 202) accepted.add(content);
        else {
          refused.push({ ...r, phase });
          await sleep(50);
        }
      }
    };
    const senders = [sender(), sender()];

    await sleep(700);
    phase = 'terminate';
    for (let i = 0; i < 2; i++) {
      const [{ killed }] = await admin`SELECT count(pg_terminate_backend(pid))::int AS killed FROM pg_stat_activity WHERE application_name = 'didcomm-mediator'`;
      assert.ok(killed > 0, 'the mediators had backends to kill');
      await sleep(700);
    }
    phase = 'restart';
    await admin.end({ timeout: 1 });
    // Counted right before the stop: forwards went on being accepted while admin closed.
    const before = accepted.size;
    server.stop('fast');
    await sleep(2000);
    const duringOutage = accepted.size;
    server.start();
    admin = postgres(server.url, { max: 1, onnotice: () => undefined });
    phase = 'after';
    await sleep(2500);
    stopSenders.now = true;
    await Promise.all(senders);

    assert.ok(before > 0, 'forwards were accepted before the restart');
    assert.ok(duringOutage - before <= 2, 'no forward is accepted while the server is down (one may have been in its commit)');
    assert.ok(accepted.size > duringOutage, 'forwards are accepted again after the restart');
    for (const r of refused) {
      assert.equal(r.status, 503, `a refused forward (${r.phase}, ${r.ms} ms) answered ${r.status} ${r.body}`);
      assert.equal(JSON.parse(r.body).error, 'store_unavailable');
      assert.ok(Number(r.retryAfter) > 0);
    }
    assert.ok(refused.some((r) => r.phase === 'restart'), 'forwards were refused while the server was down');

    // LISTEN is back on B: a message posted to A reaches the recipient live on B.
    const marker = 'after the restart, live';
    const r = await post(marker);
    assert.equal(r.status, 202);
    const deadline = Date.now() + 5000;
    while (!bob.inbox.some((x) => x.content === marker) && Date.now() < deadline) await sleep(50);
    assert.ok(bob.inbox.some((x) => x.content === marker), 'live delivery through LISTEN/NOTIFY resumed after the restart');

    // Every accepted forward arrives (live, or by pickup for what was queued while a
    // notification or an acknowledgement was lost).
    await sleep(500);
    await bob.client.live(false);
    await bob.client.pickupAll({ batch: 100, maxBatches: 50 });
    const got = new Set(bob.inbox.map((x) => x.content));
    const lost = [...accepted].filter((c) => !got.has(c));
    assert.deepEqual(lost, [], `${lost.length} of ${accepted.size} accepted forwards were lost`);
  } finally {
    stopSenders.now = true;
    await alice?.agent.stop().catch(() => undefined);
    await bob?.agent.stop().catch(() => undefined);
    await a?.stop().catch(() => undefined);
    await b?.stop().catch(() => undefined);
    await admin?.end({ timeout: 1 }).catch(() => undefined);
    server.remove();
  }
});

test('PostgreSQL: a store closes at once while its server is down and it is trying to LISTEN again', async (t) => {
  const server = await ownServerOrSkip(t);
  if (!server) return;
  let store;
  try {
    server.start();
    store = await PostgresStore.open(server.url, { schema: 'close_test', listenCheckMs: 100 });
    server.stop('immediate');
    // Two checks: the first NOTIFY goes unheard (or fails), the second starts a new LISTEN,
    // which waits on a server that is not there.
    await sleep(400);
    const started = performance.now();
    await store.close();
    const ms = performance.now() - started;
    store = undefined;
    // The pool's own end waits at most 5 s for a server that is gone; the LISTEN under way adds nothing.
    assert.ok(ms < 6500, `close took ${ms.toFixed(0)} ms`);
  } finally {
    await store?.close().catch(() => undefined);
    server.remove();
  }
});
