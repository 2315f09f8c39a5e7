// Message Pickup 2.0 (RFC 0685), mediator role, with live mode: status, delivery (the queued
// v1 envelopes as JSON attachments, within the delivery limits), messages-received (removes
// them), live-delivery-change (this connection gets what arrives, as deliveries).
import { v1, type Session } from '@didcomm-ts/core';
import type { QueuedMessage } from '../store/types.js';
import { grantedAccount } from './auth.js';
import { problemReport, reply, type V1Context, type V1Inbound } from './context.js';
import { PICKUP_V2 } from './types.js';

const iso = (ms?: number) => (ms === undefined ? undefined : new Date(ms).toISOString());

function recipientFilter(inbound: V1Inbound): { ok: boolean; did?: string } {
  const key = inbound.message.recipient_key;
  if (key === undefined || key === null) return { ok: true };
  try {
    return { ok: true, did: v1.verkeyToDidKey(String(key)) };
  } catch {
    return { ok: false };
  }
}

async function status(c: V1Context, account: string, inbound: V1Inbound, recipientDid?: string): Promise<v1.V1Message> {
  const s = await c.m.store.status(account, recipientDid);
  return v1.createV1Message(
    PICKUP_V2.status,
    {
      message_count: s.messageCount,
      total_bytes: s.totalBytes,
      ...(s.oldestReceivedAt !== undefined ? { oldest_received_time: iso(s.oldestReceivedAt), longest_waited_seconds: Math.floor((Date.now() - s.oldestReceivedAt) / 1000) } : {}),
      ...(s.newestReceivedAt !== undefined ? { newest_received_time: iso(s.newestReceivedAt) } : {}),
      ...(typeof inbound.message.recipient_key === 'string' ? { recipient_key: inbound.message.recipient_key } : {}),
      live_delivery: inbound.session !== undefined && c.live.sessions(account).includes(inbound.session),
    },
    { thid: v1.threadIdOf(inbound.message) },
  );
}

/** The rows that fit one delivery: at most maxDeliveryMessages and maxDeliveryBytes (one always). */
function fitDelivery(c: V1Context, rows: QueuedMessage[]): QueuedMessage[] {
  const out: QueuedMessage[] = [];
  let bytes = 0;
  for (const r of rows) {
    if (out.length >= c.m.limits.maxDeliveryMessages || (out.length > 0 && bytes + r.message.length > c.m.limits.maxDeliveryBytes)) break;
    out.push(r);
    bytes += r.message.length;
  }
  return out;
}

function attachmentOf(r: QueuedMessage): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(r.message);
  } catch {
    return { '@id': r.id, lastmod_time: iso(r.receivedAt), data: { base64: Buffer.from(r.message).toString('base64') } };
  }
  return { '@id': r.id, lastmod_time: iso(r.receivedAt), data: { json } };
}

const delivery = (rows: QueuedMessage[], thid?: string, recipientKey?: unknown) =>
  v1.createV1Message(PICKUP_V2.delivery, { ...(typeof recipientKey === 'string' ? { recipient_key: recipientKey } : {}), '~attach': rows.map(attachmentOf) }, thid ? { thid } : undefined);

export async function statusRequest(c: V1Context, inbound: V1Inbound): Promise<void> {
  const account = await grantedAccount(c, inbound);
  if (!account) return;
  const r = recipientFilter(inbound);
  if (!r.ok) return reply(c, inbound, problemReport(inbound, 'e.p.msg.bad-recipient-key', 'recipient_key is not a verkey or did:key'));
  await reply(c, inbound, await status(c, account, inbound, r.did));
}

export async function deliveryRequest(c: V1Context, inbound: V1Inbound): Promise<void> {
  const account = await grantedAccount(c, inbound);
  if (!account) return;
  const r = recipientFilter(inbound);
  if (!r.ok) return reply(c, inbound, problemReport(inbound, 'e.p.msg.bad-recipient-key', 'recipient_key is not a verkey or did:key'));
  const asked = inbound.message.limit;
  const limit = Number.isInteger(asked) && (asked as number) > 0 ? Math.min(asked as number, c.m.limits.maxDeliveryMessages) : c.m.limits.maxDeliveryMessages;
  const rows = fitDelivery(c, await c.m.store.fetch(account, limit, r.did));
  if (rows.length === 0) return reply(c, inbound, await status(c, account, inbound, r.did));
  c.m.metrics.inc('didcomm_mediator_messages_delivered_total', { mode: 'pickup' }, rows.length);
  await reply(c, inbound, delivery(rows, v1.threadIdOf(inbound.message), inbound.message.recipient_key));
}

export async function messagesReceived(c: V1Context, inbound: V1Inbound): Promise<void> {
  const account = await grantedAccount(c, inbound);
  if (!account) return;
  const ids = inbound.message.message_id_list;
  if (!Array.isArray(ids) || ids.length > 10_000 || !ids.every((id) => typeof id === 'string' && id.length <= 256)) {
    return reply(c, inbound, problemReport(inbound, 'e.p.msg.bad-message-id-list', 'message_id_list must be an array of message ids'));
  }
  const removed = await c.m.store.ack(account, ids as string[]);
  c.m.metrics.inc('didcomm_mediator_messages_acknowledged_total', undefined, removed);
  await reply(c, inbound, await status(c, account, inbound));
}

export async function liveDeliveryChange(c: V1Context, inbound: V1Inbound): Promise<void> {
  const account = await grantedAccount(c, inbound);
  if (!account) return;
  const on = inbound.message.live_delivery === true;
  const session = inbound.session;
  if (on && (!session || session.kind !== 'ws' || !session.open)) {
    return reply(c, inbound, problemReport(inbound, 'e.m.live-mode-not-supported', 'Live mode needs a WebSocket connection'));
  }
  if (session) c.live.set(account, session, on);
  c.m.logger.info('live mode', { account, on, version: 'v1' });
  await reply(c, inbound, await status(c, account, inbound));
}

/** Send what was just queued for `account` to its live connections; failures leave it queued. */
export async function deliverLive(c: V1Context, account: string, ids: string[], known?: QueuedMessage[]): Promise<void> {
  const sessions = c.live.sessions(account);
  if (sessions.length === 0) return;
  const started = performance.now();
  const have = new Map((known ?? []).map((m) => [m.id, m]));
  const missing = ids.filter((id) => !have.has(id));
  if (missing.length > 0) for (const m of await c.m.store.fetchByIds(account, missing)) have.set(m.id, m);
  let rows = ids.map((id) => have.get(id)).filter((m): m is QueuedMessage => m !== undefined);
  const verkey = v1.normalizeVerkey(account);
  while (rows.length > 0) {
    const batch = fitDelivery(c, rows);
    rows = rows.slice(batch.length);
    // The newest live connection first; another one if it fails.
    const ordered: Session[] = [...sessions].reverse();
    for (const s of ordered) {
      try {
        await c.send(s, verkey, delivery(batch));
        c.m.metrics.inc('didcomm_mediator_messages_delivered_total', { mode: 'live' }, batch.length);
        break;
      } catch {
        c.live.set(account, s, false);
      }
    }
  }
  c.m.metrics.observe('didcomm_mediator_live_delivery_seconds', (performance.now() - started) / 1000);
}
