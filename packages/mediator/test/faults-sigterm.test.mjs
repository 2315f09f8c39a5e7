// SIGTERM under load: the mediator runs as a child process, four senders stream forwards and
// a recipient is live over WebSocket. On SIGTERM the forwards being handled are answered,
// later ones get 503 shutting_down (or no connection), the live connection is closed cleanly
// (1001, going away), the process exits 0, and after a restart on the same data folder every
// forward that was answered 202 reaches the recipient (live before the stop, or by pickup).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import WebSocket from 'ws';
import { Agent, createDID, createResolver, HttpTransport, InMemorySecrets, MediatorClient, packEncrypted, WsTransport } from '@didcomm-ts/core';
import { basic, BASIC, makeClient, tempDir, freePort, spawnMediator } from './helpers.mjs';

/** A recipient whose WebSocket connections record how they were closed. */
async function recordingRecipient(mediatorDid, resolver) {
  const closes = [];
  let sockets = 0;
  class Recording extends WebSocket {
    constructor(url) {
      super(url);
      const socket = sockets++;
      this.on('close', (code) => closes.push({ socket, code }));
    }
  }
  const created = await createDID('peer');
  const secrets = new InMemorySecrets(created.secrets);
  const agent = new Agent({ did: created.did, secrets, resolver, transports: [new HttpTransport({ timeoutMs: 10_000 }), new WsTransport({ WebSocket: Recording })], retry: { attempts: 1 }, requestTimeoutMs: 10_000 });
  const inbox = [];
  agent.on(BASIC, (ctx) => void inbox.push(ctx.message.body.content));
  const client = new MediatorClient(agent, mediatorDid);
  const { did } = await client.mediate({ makeDefault: true });
  return { agent, client, inbox, closes, did: did.did };
}

test('SIGTERM under load: in-flight forwards are answered, the live connection closes with 1001, exit 0, nothing accepted is lost', async () => {
  const data = tempDir('mediator-sigterm-');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  let proc = spawnMediator(port, data, ['--sqlite-writer', 'inline', '--shutdown-timeout-ms', '5000']);
  const resolver = createResolver();
  const alice = await makeClient(resolver);
  let bob;
  try {
    const did = await proc.ready;
    bob = await recordingRecipient(did, resolver);
    await bob.client.live(true);

    const accepted = new Set();
    const answers = new Map();
    let next = 0;
    let signalled = false;
    let exited = false;
    proc.exited.then(() => (exited = true));
    const sender = async () => {
      while (!exited && next < 3000) {
        const content = `m-${next++}`;
        const { packed } = await packEncrypted(basic(alice.did, bob.did, content), { to: bob.did, from: alice.did, resolver, secrets: alice.secrets });
        let status = 'no answer';
        try {
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/didcomm-encrypted+json' }, body: packed, signal: AbortSignal.timeout(8000) });
          const body = await res.text();
          status = res.status === 503 ? `503 ${JSON.parse(body).error}` : res.status;
          if (res.status === 202) accepted.add(content);
        } catch (e) {
          // The connection closed with the server: not answered, so not promised.
          if (e?.name === 'TimeoutError') status = 'timeout';
          await new Promise((r) => setTimeout(r, 20));
        }
        answers.set(status, (answers.get(status) ?? 0) + 1);
        if (!signalled && accepted.size >= 40) {
          signalled = true;
          proc.child.kill('SIGTERM');
        }
      }
    };
    await Promise.all([sender(), sender(), sender(), sender()]);
    const end = await proc.exited;
    assert.equal(end.code, 0, `exit ${end.code} ${end.signal}: ${proc.stderr()}`);
    for (const status of answers.keys()) assert.ok([202, '503 shutting_down', 'no answer'].includes(status), `a forward answered ${status} (${JSON.stringify([...answers])})`);
    assert.ok(accepted.size >= 40);
    // The live connection is the first; the client may open another to acknowledge and be
    // refused (1006) once the server has closed.
    assert.equal(bob.closes[0]?.socket, 0);
    assert.equal(bob.closes[0]?.code, 1001, 'the live connection was closed with 1001 (going away)');

    // Restarted on the same data: what was not delivered live is picked up.
    proc = spawnMediator(port, data, ['--sqlite-writer', 'inline', '--shutdown-timeout-ms', '5000']);
    assert.equal(await proc.ready, did);
    await bob.client.pickupAll({ batch: 100, maxBatches: 100 });
    const got = new Set(bob.inbox);
    const lost = [...accepted].filter((c) => !got.has(c));
    assert.deepEqual(lost, [], `${lost.length} of ${accepted.size} accepted forwards were lost`);
    proc.child.kill('SIGTERM');
    assert.equal((await proc.exited).code, 0);
  } finally {
    proc.child.kill('SIGKILL');
    await proc.exited;
    rmSync(data, { recursive: true, force: true });
    await alice.agent.stop().catch(() => undefined);
    await bob?.agent.stop().catch(() => undefined);
  }
});
