// The mediator role of Message Pickup 3.0 and 4.0, live mode included. Messages leave the
// queue only on messages-received, whether they were picked up or delivered live, so delivery
// is at-least-once in both versions.
import { PICKUP, ProblemCodes, ProblemReportError, newId, type Attachment, type InboundContext, type PickupStatus, type PickupTypes, type Session } from '@didcomm-ts/core';
import type { MediatorContext } from '../mediator.js';
import type { QueuedMessage } from '../store/types.js';
import { grantedAccount, respond } from './auth.js';
import type { AnswerBudget } from '../http.js';

const MAX_ACK_IDS = 1000;
/** Code of the problem report for a delivery-request whose answer would pass the address's unread bound. */
export const RESPONSES_UNREAD = 'e.p.req.responses-unread';

/**
 * What a WebSocket carried and was not acknowledged yet: id -> bytes. A delivery-request on the
 * same connection leaves these out, so a client that asks again and again without reading (or
 * before acknowledging) gets each message once, not a fresh copy of up to maxDeliveryBytes per
 * request; once it holds a full delivery's worth unacknowledged it gets nothing more there.
 * Another connection (a reconnect) gets them again: delivery stays at-least-once.
 */
interface Held {
  ids: Map<string, number>;
  bytes: number;
  /**
   * Per account and recipient filter: the queue (count, newest arrival) when all of it was found
   * held. Until it changes, a delivery-request is answered without reading the queue again.
   */
  quiet: Map<string, { count: number; newest: number }>;
}
const heldOn = new WeakMap<Session, Held>();

function heldBy(session: Session | undefined): Held | undefined {
  if (session?.kind !== 'ws') return undefined;
  let h = heldOn.get(session);
  if (!h) heldOn.set(session, (h = { ids: new Map(), bytes: 0, quiet: new Map() }));
  return h;
}

function hold(m: MediatorContext, h: Held | undefined, queued: readonly QueuedMessage[]): void {
  if (!h) return;
  for (const q of queued) {
    if (h.ids.has(q.id)) continue;
    h.ids.set(q.id, q.message.length);
    h.bytes += q.message.length;
  }
  // Bounded: a live client that never acknowledges forgets the oldest (they may come again).
  for (const [id, bytes] of h.ids) {
    if (h.ids.size <= 10 * m.limits.maxDeliveryMessages) break;
    h.ids.delete(id);
    h.bytes -= bytes;
    h.quiet.clear();
  }
}

function release(h: Held | undefined, ids: Iterable<string>): void {
  if (!h) return;
  for (const id of ids) {
    const bytes = h.ids.get(id);
    if (bytes === undefined) continue;
    h.ids.delete(id);
    h.bytes -= bytes;
    h.quiet.clear();
  }
}

/** Has this connection a full delivery (bytes or count) unacknowledged? */
const full = (m: MediatorContext, h: Held | undefined) => h !== undefined && (h.bytes >= m.limits.maxDeliveryBytes || h.ids.size >= m.limits.maxDeliveryMessages);

export function registerPickup(m: MediatorContext): void {
  for (const t of [PICKUP[3], PICKUP[4]]) {
    const roles = { roles: ['mediator'] };
    m.agent.on(t.statusRequest, (ctx) => statusRequest(ctx, m, t), roles);
    m.agent.on(t.deliveryRequest, (ctx) => deliveryRequest(ctx, m, t), roles);
    m.agent.on(t.messagesReceived, (ctx) => messagesReceived(ctx, m, t), roles);
    m.agent.on(t.liveDeliveryChange, (ctx) => liveDeliveryChange(ctx, m, t), roles);
  }
}

const sessionOf = (ctx: InboundContext) => (ctx.state as { session?: Session }).session;

function recipientFilter(ctx: InboundContext): string | undefined {
  const r = ctx.message.body?.recipient_did;
  if (r === undefined) return undefined;
  if (typeof r !== 'string' || r.length === 0 || r.length > 4096) throw new ProblemReportError(ProblemCodes.BAD_MESSAGE, 'body.recipient_did must be a DID');
  return r;
}

async function statusBody(m: MediatorContext, account: string, session: Session | undefined, recipientDid?: string): Promise<PickupStatus> {
  const s = await m.store.status(account, recipientDid);
  const now = Date.now();
  return {
    ...(recipientDid !== undefined ? { recipient_did: recipientDid } : {}),
    message_count: s.messageCount,
    longest_waited_seconds: s.oldestReceivedAt !== undefined ? Math.max(0, Math.floor((now - s.oldestReceivedAt) / 1000)) : 0,
    ...(s.newestReceivedAt !== undefined ? { newest_received_time: Math.floor(s.newestReceivedAt / 1000) } : {}),
    ...(s.oldestReceivedAt !== undefined ? { oldest_received_time: Math.floor(s.oldestReceivedAt / 1000) } : {}),
    total_bytes: s.totalBytes,
    live_delivery: m.live.isLive(account, session),
  };
}

async function statusRequest(ctx: InboundContext, m: MediatorContext, t: PickupTypes) {
  const account = await grantedAccount(ctx, m);
  await respond(ctx, m, { type: t.status, body: await statusBody(m, account, sessionOf(ctx), recipientFilter(ctx)) });
}

/** Attachments for queued messages, within the delivery's count and byte budget (one message always fits). */
function attachments(m: MediatorContext, messages: QueuedMessage[]): Attachment[] {
  const out: Attachment[] = [];
  let bytes = 0;
  for (const q of messages) {
    bytes += q.message.length;
    if (out.length > 0 && bytes > m.limits.maxDeliveryBytes) break;
    out.push({ id: q.id, media_type: 'application/didcomm-encrypted+json', data: { base64: Buffer.from(q.message, 'utf8').toString('base64url') } });
  }
  return out;
}

async function deliveryRequest(ctx: InboundContext, m: MediatorContext, t: PickupTypes) {
  const account = await grantedAccount(ctx, m);
  const limit = ctx.message.body?.limit;
  if (!Number.isInteger(limit) || (limit as number) < 1) throw new ProblemReportError(ProblemCodes.BAD_MESSAGE, 'body.limit must be a positive integer');
  const recipientDid = recipientFilter(ctx);
  const want = Math.min(limit as number, m.limits.maxDeliveryMessages);
  const held = heldBy(sessionOf(ctx));
  let queued: QueuedMessage[] = [];
  const quietKey = `${account} ${recipientDid ?? ''}`;
  const quiet = held?.quiet.get(quietKey);
  // Asked again with nothing new: the counters say so, the queue's rows are not read again.
  // Acknowledgements only shrink the queue; an arrival raises its count or newest time.
  const unchanged = quiet !== undefined && (await m.store.status(account, recipientDid).then((s) => s.messageCount <= quiet.count && (s.newestReceivedAt ?? 0) <= quiet.newest));
  if (!full(m, held) && !unchanged) {
    held?.quiet.delete(quietKey);
    const skip = held?.ids.size ?? 0;
    const fetched = await m.store.fetch(account, want + skip, recipientDid);
    const whole = fetched.length < want + skip;
    // The whole queue was read: held ids not in it were acknowledged elsewhere or expired.
    if (held && whole && recipientDid === undefined) {
      const present = new Set(fetched.map((q) => q.id));
      release(held, [...held.ids.keys()].filter((id) => !present.has(id)));
    }
    queued = held ? fetched.filter((q) => !held.ids.has(q.id)).slice(0, want) : fetched;
    if (held && whole && queued.length === 0) held.quiet.set(quietKey, { count: fetched.length, newest: Math.max(0, ...fetched.map((q) => q.receivedAt)) });
  }
  if (queued.length === 0 && t.version === 3) {
    // 3.0: an empty queue is answered with a status at once.
    return respond(ctx, m, { type: t.status, body: await statusBody(m, account, sessionOf(ctx), recipientDid) });
  }
  const atts = attachments(m, queued);
  // Over HTTP, the delivery's size (base64 in JSON, encrypted, base64url again) is reserved
  // against the address's answers not yet read before it is packed: pipelined requests are
  // unpacked and answered in parallel, each would pass a check made only as they arrive.
  const budget = sessionOf(ctx) as (Session & AnswerBudget) | undefined;
  const estimate = Math.ceil(atts.reduce((n, a) => n + (a.data.base64?.length ?? 0) + 200, 0) * 1.34) + 2048;
  if (budget?.reserveAnswer && !budget.reserveAnswer(estimate)) {
    m.metrics.inc('didcomm_mediator_refused_total', { reason: 'responses_unread' });
    throw new ProblemReportError(RESPONSES_UNREAD, 'Earlier answers to this address are still unread: read them, then ask again');
  }
  // Before the first await: requests handled alongside this one on the connection skip them.
  hold(m, held, queued.slice(0, atts.length));
  await respond(ctx, m, { type: t.delivery, body: recipientDid !== undefined ? { recipient_did: recipientDid } : {}, attachments: atts });
  m.metrics.inc('didcomm_mediator_messages_delivered_total', { mode: 'pickup' }, atts.length);
}

async function messagesReceived(ctx: InboundContext, m: MediatorContext, t: PickupTypes) {
  const account = await grantedAccount(ctx, m);
  const ids = ctx.message.body?.message_id_list;
  if (!Array.isArray(ids) || ids.length > MAX_ACK_IDS || !ids.every((id) => typeof id === 'string' && id.length <= 256)) {
    throw new ProblemReportError(ProblemCodes.BAD_MESSAGE, 'body.message_id_list must be an array of at most {1} ids', [String(MAX_ACK_IDS)]);
  }
  // Only the account's own rows can go: ids of another queue delete nothing.
  release(heldBy(sessionOf(ctx)), ids as string[]);
  const n = await m.store.ack(account, ids as string[]);
  m.metrics.inc('didcomm_mediator_messages_acknowledged_total', undefined, n);
  await respond(ctx, m, async () => ({ type: t.status, body: await statusBody(m, account, sessionOf(ctx)) }));
}

async function liveDeliveryChange(ctx: InboundContext, m: MediatorContext, t: PickupTypes) {
  const account = await grantedAccount(ctx, m);
  const on = ctx.message.body?.live_delivery;
  if (typeof on !== 'boolean') throw new ProblemReportError(ProblemCodes.BAD_MESSAGE, 'body.live_delivery must be true or false');
  const session = sessionOf(ctx);
  if (on && (!session || session.kind !== 'ws' || !session.open)) {
    throw new ProblemReportError(ProblemCodes.LIVE_MODE_NOT_SUPPORTED, 'Connection does not support Live Delivery');
  }
  // Our DID as the agent holds it: the one unpack gave is a slice of the request's text, which
  // it would keep alive for as long as the session stays live.
  const ourDid = (ctx.state as { ourDid?: string }).ourDid;
  if (session) m.live.set(account, { session, version: t.version, ourDid: m.agent.dids.find((d) => d === ourDid) ?? ourDid ?? m.did }, on);
  m.logger.info('live delivery changed', { account, live: on, version: t.version });
  await respond(ctx, m, { type: t.status, body: await statusBody(m, account, session) });
}

/**
 * Push newly queued messages to the account's live connections; they stay queued until
 * acknowledged. Rows this instance stored come in `known`; the others are read from the store.
 */
export async function deliverLive(m: MediatorContext, account: string, ids: string[], known: ReadonlyMap<string, QueuedMessage> = new Map()): Promise<void> {
  const entries = m.live.entries(account);
  if (entries.length === 0) return;
  const missing = ids.filter((id) => !known.has(id));
  const fetched = missing.length > 0 ? new Map((await m.store.fetchByIds(account, missing)).map((q) => [q.id, q])) : undefined;
  const queued = ids.map((id) => known.get(id) ?? fetched?.get(id)).filter((q): q is QueuedMessage => q !== undefined);
  if (queued.length === 0) return;
  // As many deliveries as the count and byte limits need (attachments() always takes one).
  for (let i = 0; i < queued.length; ) {
    const atts = attachments(m, queued.slice(i, i + m.limits.maxDeliveryMessages));
    const sent = queued.slice(i, i + atts.length);
    for (const e of entries) {
      const t = PICKUP[e.version];
      // What a delivery-request already carried on this connection does not go twice.
      const held = heldBy(e.session);
      const fresh = held && sent.some((q) => held.ids.has(q.id)) ? sent.filter((q) => !held.ids.has(q.id)) : sent;
      if (fresh.length === 0) continue;
      const these = fresh === sent ? atts : attachments(m, fresh);
      hold(m, held, fresh);
      await m.agent.send(
        { id: newId(), type: t.delivery, from: e.ourDid, to: [account], created_time: Math.floor(Date.now() / 1000), body: {}, attachments: these },
        { session: e.session },
      );
      m.metrics.inc('didcomm_mediator_messages_delivered_total', { mode: 'live' }, these.length);
    }
    // receivedAt is when it was queued (epoch ms: comparable across instances, give or take their clocks).
    const now = Date.now();
    for (const q of queued.slice(i, i + atts.length)) m.metrics.observe('didcomm_mediator_live_delivery_seconds', Math.max(0, now - q.receivedAt) / 1000);
    i += atts.length;
  }
}
