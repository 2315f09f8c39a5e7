// What a live wallet's acknowledgement costs the mediator: a messages-received without a return
// route has no channel for a status, so the queue's status is not read for it (three store
// reads per acknowledgement, at every live delivery); asked with a return route, it is answered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createResolver, newId, PICKUP } from '@didcomm-ts/core';
import { SqliteStore } from '../dist/index.js';
import { basic, makeClient, mediatedClient, tempDir, testMediator } from './helpers.mjs';

/** An SQLite store whose status reads are counted. */
function countingStore(path) {
  const store = new SqliteStore(path);
  const counts = { status: 0 };
  const proxy = new Proxy(store, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      if (prop === 'status') return (...a) => (counts.status++, v.apply(target, a));
      return v.bind(target);
    },
  });
  return { store: proxy, counts };
}

test('live deliveries acknowledged without a return route read no queue status; with one, the status comes back', async (t) => {
  const dir = tempDir('live-ack-cost-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { store, counts } = countingStore(join(dir, 'store.db'));
  const m = await testMediator({}, { store });
  t.after(() => m.stop());
  const resolver = createResolver();
  const alice = await makeClient(resolver);
  const bob = await mediatedClient(m.did, resolver);
  t.after(() => Promise.all([alice.agent.stop(), bob.agent.stop()]));
  await bob.client.live(true);

  const before = counts.status;
  for (let i = 0; i < 5; i++) await alice.agent.send(basic(alice.did, bob.did, `live ${i}`));
  await bob.waitFor(5, 5000);
  // Every delivery acknowledged (core's client: messages-received, no return route).
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && (await store.fetch(bob.accountDid, 10)).length > 0) await new Promise((r) => setTimeout(r, 20));
  assert.equal((await store.fetch(bob.accountDid, 10)).length, 0, 'every live delivery was acknowledged');
  assert.equal(counts.status, before, 'no status was read for acknowledgements that cannot be answered');

  // The same acknowledgement asking for an answer gets the status.
  const reply = await bob.agent.request(
    { id: newId(), type: PICKUP[4].messagesReceived, from: bob.accountDid, to: [m.did], created_time: Math.floor(Date.now() / 1000), return_route: 'all', body: { message_id_list: ['unknown-id'] } },
  );
  assert.equal(reply.message.type, PICKUP[4].status);
  assert.equal(reply.message.body.message_count, 0);
  assert.ok(counts.status > before, 'the status was read to answer');
});
