// Message Pickup 1.0 (RFC 0212), mediator role, for wallets that only speak it: status, and
// batch-pickup answered with a batch of queued envelopes. 1.0 has no acknowledgement: what a
// batch carried leaves the queue once the batch was handed to the transport (HTTP response or
// WebSocket), so a batch lost after that is lost, as the protocol has it; 2.0 is at-least-once.
import { v1 } from '@didcomm-ts/core';
import { grantedAccount } from './auth.js';
import { reply, type V1Context, type V1Inbound } from './context.js';
import { PICKUP_V1 } from './types.js';

export async function statusRequestV1(c: V1Context, inbound: V1Inbound): Promise<void> {
  const account = await grantedAccount(c, inbound);
  if (!account) return;
  const s = await c.m.store.status(account);
  await reply(c, inbound, v1.createV1Message(PICKUP_V1.status, { message_count: s.messageCount }, { thid: v1.threadIdOf(inbound.message) }));
}

export async function batchPickup(c: V1Context, inbound: V1Inbound): Promise<void> {
  const account = await grantedAccount(c, inbound);
  if (!account) return;
  const asked = inbound.message.batch_size;
  const limit = Number.isInteger(asked) && (asked as number) > 0 ? Math.min(asked as number, c.m.limits.maxDeliveryMessages) : c.m.limits.maxDeliveryMessages;
  const rows = [];
  let bytes = 0;
  for (const r of await c.m.store.fetch(account, limit)) {
    if (rows.length > 0 && bytes + r.message.length > c.m.limits.maxDeliveryBytes) break;
    let message: unknown;
    try {
      message = JSON.parse(r.message);
    } catch {
      continue;
    }
    rows.push({ id: r.id, message });
    bytes += r.message.length;
  }
  await reply(c, inbound, v1.createV1Message(PICKUP_V1.batch, { 'messages~attach': rows }, { thid: v1.threadIdOf(inbound.message) }));
  if (rows.length === 0) return;
  const removed = await c.m.store.ack(account, rows.map((r) => r.id));
  c.m.metrics.inc('didcomm_mediator_messages_delivered_total', { mode: 'pickup' }, rows.length);
  c.m.metrics.inc('didcomm_mediator_messages_acknowledged_total', undefined, removed);
}
