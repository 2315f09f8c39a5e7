// Live deliveries split by the per-delivery limits: every queued message goes out, in as many
// deliveries as the count and byte limits need; rows stored here are not read back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliverLive } from '../dist/protocols/pickup.js';
import { Metrics } from '../dist/index.js';

function context({ maxDeliveryMessages, maxDeliveryBytes, stored = [] }) {
  const sent = [];
  const fetchedIds = [];
  const m = {
    live: { entries: () => [{ version: 4, ourDid: 'did:example:mediator', session: { id: 's', kind: 'ws', open: true } }] },
    store: { fetchByIds: async (_account, ids) => (fetchedIds.push(...ids), stored.filter((q) => ids.includes(q.id))) },
    limits: { maxDeliveryMessages, maxDeliveryBytes },
    agent: { send: async (msg) => sent.push(msg) },
    metrics: new Metrics(),
  };
  return { m, sent, fetchedIds };
}

const row = (i, bytes = 100) => ({ id: `q${i}`, recipientDid: 'did:example:bob', receivedAt: Date.now(), message: 'x'.repeat(bytes) });

test('messages over the byte budget go out in further deliveries, none left behind', async () => {
  const rows = Array.from({ length: 7 }, (_, i) => row(i, 100));
  const { m, sent, fetchedIds } = context({ maxDeliveryMessages: 100, maxDeliveryBytes: 250 });
  await deliverLive(m, 'did:example:bob', rows.map((r) => r.id), new Map(rows.map((r) => [r.id, r])));
  assert.deepEqual(sent.map((d) => d.attachments.length), [2, 2, 2, 1]);
  assert.deepEqual(sent.flatMap((d) => d.attachments.map((a) => a.id)), rows.map((r) => r.id));
  assert.deepEqual(fetchedIds, [], 'known rows are not read back');
  assert.match(m.metrics.render({}), /didcomm_mediator_live_delivery_seconds_count 7\n/);
});

test('the count limit splits too; a message larger than the budget still goes, alone', async () => {
  const rows = [row(0, 1000), ...Array.from({ length: 5 }, (_, i) => row(i + 1, 10))];
  const { m, sent } = context({ maxDeliveryMessages: 2, maxDeliveryBytes: 500, stored: rows });
  // Rows not known here (stored by another instance) are read from the store.
  await deliverLive(m, 'did:example:bob', rows.map((r) => r.id));
  assert.deepEqual(sent.map((d) => d.attachments.length), [1, 2, 2, 1]);
  assert.equal(sent.flatMap((d) => d.attachments).length, 6);
});
