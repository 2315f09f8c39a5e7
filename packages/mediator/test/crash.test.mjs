// Crash safety: the mediator runs as a child process; a client streams forwards; the process
// is killed with SIGKILL mid-stream and restarted on the same data folder. Every forward that
// was answered with success must then be delivered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createResolver, packEncrypted } from '@didcomm-ts/core';
import { basic, makeClient, mediatedClient, tempDir, freePort, spawnMediator } from './helpers.mjs';

// Both places SQLite commits can run: the main thread, and the writer thread (slow disks).
for (const sqliteWriter of ['inline', 'thread'])
test(`kill -9 while forwards stream in: every forward answered 202 is delivered after restart (SQLite commits ${sqliteWriter})`, async () => {
  const data = tempDir('mediator-crash-');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  let proc = spawnMediator(port, data, ['--sqlite-writer', sqliteWriter]);
  const resolver = createResolver();
  let bob;
  const alice = await makeClient(resolver);
  try {
    const did = await proc.ready;
    bob = await mediatedClient(did, resolver);

    // Four concurrent senders; the process dies once 60 forwards were answered.
    const accepted = new Set();
    let next = 0;
    let killed = false;
    const sender = async () => {
      while (!killed && next < 2000) {
        const content = `m-${next++}`;
        const { packed } = await packEncrypted(basic(alice.did, bob.did, content), { to: bob.did, from: alice.did, resolver, secrets: alice.secrets });
        try {
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/didcomm-encrypted+json' }, body: packed, signal: AbortSignal.timeout(5000) });
          await res.arrayBuffer();
          if (res.status === 202) accepted.add(content);
        } catch {
          // The connection died with the process: not answered, so not promised.
        }
        if (!killed && accepted.size >= 60) {
          killed = true;
          proc.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all([sender(), sender(), sender(), sender()]);
    const { signal } = await proc.exited;
    assert.equal(signal, 'SIGKILL');
    assert.ok(accepted.size >= 60);

    proc = spawnMediator(port, data, ['--sqlite-writer', sqliteWriter]);
    assert.equal(await proc.ready, did, 'the restarted mediator keeps its DID');
    const got = await bob.client.pickupAll({ batch: 50, maxBatches: 100 });
    const contents = new Set(bob.inbox.map((x) => x.content));
    const lost = [...accepted].filter((c) => !contents.has(c));
    assert.deepEqual(lost, [], `${lost.length} accepted forwards were lost`);
    assert.ok(got >= accepted.size);

    // Graceful shutdown on SIGTERM: exits 0.
    proc.child.kill('SIGTERM');
    const end = await proc.exited;
    assert.equal(end.code, 0, proc.stderr());
  } finally {
    proc.child.kill('SIGKILL');
    await alice.agent.stop();
    await bob?.agent.stop();
    rmSync(data, { recursive: true, force: true });
  }
});
