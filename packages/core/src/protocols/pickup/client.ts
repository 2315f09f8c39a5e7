// The recipient role of Message Pickup 3.0 and 4.0 as plain functions over an Agent. Delivered
// messages go through agent.receive(), so the agent's handlers see them as if they had come
// directly, and are acknowledged afterwards (at-least-once: a message that fails to unpack is
// acknowledged too, since fetching it again would not help).
import type { Agent, Received, SendOptions } from '../../agent/agent.js';
import { findMessagingServices } from '../../pack/forward.js';
import { DIDCommError, ErrorCodes } from '../../errors.js';
import { newId } from '../../message/create.js';
import type { Attachment, Message } from '../../message/types.js';
import { decode, fromUtf8 } from '../../util/base64url.js';
import type { InboundContext } from '../router.js';
import type { Session } from '../../transport/types.js';
import { PICKUP, pickupVersionOf, type PickupStatus, type PickupVersion } from './versions.js';

/** Options of the pickup client calls: protocol version, the DID that holds the mediation, a deadline, and send options. */
export interface PickupOptions extends SendOptions {
  /** Protocol version (default 4; 3 for mediators that speak only messagepickup 3.0). */
  version?: PickupVersion;
  from?: string;
  timeoutMs?: number;
}

/** One delivered message: its queue id, and what agent.receive made of it (or why it failed). */
export interface DeliveredMessage {
  id: string;
  received?: Received;
  error?: unknown;
}

// Per agent: the delivery-requests we are waiting on (so the live handler leaves their answers
// to pickupDeliver) and the mediators whose live deliveries we accept.
const ownRequests = new WeakMap<Agent, Set<string>>();
const trustedMediators = new WeakMap<Agent, Set<string>>();
const liveOptions = new WeakMap<Agent, LiveDeliveryOptions>();

function requestIds(agent: Agent): Set<string> {
  let s = ownRequests.get(agent);
  if (!s) ownRequests.set(agent, (s = new Set()));
  return s;
}

function build(agent: Agent, mediatorDid: string, type: string, body: Record<string, unknown>, o: PickupOptions, returnRoute = true): Message {
  return {
    id: newId(),
    type,
    from: o.from ?? agent.did,
    to: [mediatorDid],
    created_time: Math.floor(Date.now() / 1000),
    ...(returnRoute ? { return_route: 'all' as const } : {}),
    body,
  };
}

const sendOptions = (o: PickupOptions): SendOptions & { timeoutMs?: number } => {
  const { version: _v, from: _f, ...rest } = o;
  return rest;
};

function readStatus(message: Message, expected: string): PickupStatus {
  if (message.type !== expected || typeof message.body?.message_count !== 'number') {
    throw new DIDCommError(ErrorCodes.MALFORMED, `expected ${expected} with message_count, got ${message.type}`);
  }
  return message.body as PickupStatus;
}

/** How many messages wait for us (optionally only those sent to `recipientDid`). */
export async function pickupStatus(agent: Agent, mediatorDid: string, o: PickupOptions & { recipientDid?: string } = {}): Promise<PickupStatus> {
  const t = PICKUP[o.version ?? 4];
  const { recipientDid, ...rest } = o;
  const { message } = await agent.request(build(agent, mediatorDid, t.statusRequest, recipientDid ? { recipient_did: recipientDid } : {}, rest), sendOptions(rest));
  return readStatus(message, t.status);
}

/** The packed message an attachment carries (base64url or base64, or JSON). */
export function attachmentPayload(a: Attachment): string {
  const d = a?.data;
  if (d && typeof d.base64 === 'string') return fromUtf8(decode(d.base64.replace(/\+/g, '-').replace(/\//g, '_'), 'delivered message', true));
  if (d && d.json !== undefined) return JSON.stringify(d.json);
  throw new DIDCommError(ErrorCodes.MALFORMED, 'a delivered attachment has neither base64 nor json data');
}

/** Hand each attachment of a delivery to agent.receive; returns the queue ids with the outcome. */
export async function receiveDelivery(agent: Agent, delivery: Message): Promise<DeliveredMessage[]> {
  const out: DeliveredMessage[] = [];
  for (const a of delivery.attachments ?? []) {
    if (typeof a?.id !== 'string') continue;
    try {
      out.push({ id: a.id, received: await agent.receive(attachmentPayload(a)) });
    } catch (error) {
      agent.logger.warn('a delivered message could not be received', { id: a.id, error: error instanceof Error ? error.message : String(error) });
      out.push({ id: a.id, error });
    }
  }
  return out;
}

/** What one delivery-request brought: the messages received, and the mediator's status when it sent one. */
export interface DeliverResult {
  messages: DeliveredMessage[];
  /** The status the mediator sent instead of a delivery (3.0, empty queue) or after the acknowledgement. */
  status?: PickupStatus;
}

/**
 * Ask for up to `limit` queued messages, receive them, and acknowledge them (unless ack is
 * false). An empty queue gives no messages (3.0 answers with a status, 4.0 with an empty delivery).
 */
export async function pickupDeliver(agent: Agent, mediatorDid: string, o: PickupOptions & { limit?: number; recipientDid?: string; ack?: boolean } = {}): Promise<DeliverResult> {
  const t = PICKUP[o.version ?? 4];
  const { limit = 10, recipientDid, ack = true, ...rest } = o;
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError('limit must be a positive integer');
  const req = build(agent, mediatorDid, t.deliveryRequest, { limit, ...(recipientDid ? { recipient_did: recipientDid } : {}) }, rest);
  const ids = requestIds(agent);
  ids.add(req.id);
  try {
    const { message } = await agent.request(req, sendOptions(rest));
    if (message.type === t.status) return { messages: [], status: readStatus(message, t.status) };
    if (message.type !== t.delivery) throw new DIDCommError(ErrorCodes.MALFORMED, `expected ${t.delivery}, got ${message.type}`);
    const messages = await receiveDelivery(agent, message);
    if (!ack || messages.length === 0) return { messages };
    const status = await messagesReceived(agent, mediatorDid, messages.map((m) => m.id), rest);
    return { messages, ...(status ? { status } : {}) };
  } finally {
    ids.delete(req.id);
  }
}

/** Acknowledge queue ids so the mediator deletes them; resolves with its status (undefined when `expectStatus` is false). */
export async function messagesReceived(agent: Agent, mediatorDid: string, ids: string[], o: PickupOptions & { expectStatus?: boolean } = {}): Promise<PickupStatus | undefined> {
  const t = PICKUP[o.version ?? 4];
  const { expectStatus = true, ...rest } = o;
  const msg = build(agent, mediatorDid, t.messagesReceived, { message_id_list: ids }, rest, expectStatus);
  if (!expectStatus) {
    await agent.send(msg, sendOptions(rest));
    return undefined;
  }
  const { message } = await agent.request(msg, sendOptions(rest));
  return readStatus(message, t.status);
}

/** What to do with live deliveries: a callback, and how they are acknowledged. */
export interface LiveDeliveryOptions {
  /** Called after each live delivery was received (before it is acknowledged). */
  onDelivery?: (messages: DeliveredMessage[], ctx: InboundContext) => unknown;
  /** Acknowledge live deliveries (default true). */
  ack?: boolean;
  /**
   * Gather the acknowledgements of live deliveries for this long (ms, default 20) and send them
   * as one messages-received; 0 acknowledges each delivery at once. Each acknowledgement costs
   * both sides an authcrypt message and the mediator's status reply, so under a stream of
   * deliveries this saves most of that work. Unacknowledged messages stay queued at the
   * mediator and come again (at-least-once), so a connection lost meanwhile loses nothing.
   */
  ackDelayMs?: number;
}

/** Most ids in one messages-received (mediators cap the list; ours at 1000). */
const MAX_ACK_BATCH = 500;

interface PendingAcks {
  ids: string[];
  timer?: ReturnType<typeof setTimeout>;
  /** Send the gathered ids; with `confirm`, wait for the mediator's status reply to each. */
  flush(confirm?: boolean): Promise<void>;
}

// Per agent, acknowledgements waiting to go, by mediator and message type (3.0 and 4.0 differ).
const pendingAcks = new WeakMap<Agent, Map<string, PendingAcks>>();

function queueAck(agent: Agent, mediator: string, type: string, from: string | undefined, session: Session | undefined, ids: string[], delayMs: number): Promise<void> | undefined {
  let byKey = pendingAcks.get(agent);
  if (!byKey) pendingAcks.set(agent, (byKey = new Map()));
  const key = `${mediator} ${type}`;
  let p = byKey.get(key);
  if (!p) {
    const entry: PendingAcks = {
      ids: [],
      flush: async (confirm = false) => {
        clearTimeout(entry.timer);
        entry.timer = undefined;
        if (byKey!.get(key) === entry) byKey!.delete(key);
        const via = session?.open ? { session } : {};
        for (let i = 0; i < entry.ids.length; i += MAX_ACK_BATCH) {
          const ack = build(agent, mediator, type, { message_id_list: entry.ids.slice(i, i + MAX_ACK_BATCH) }, { from }, confirm);
          if (confirm) await agent.request(ack, via);
          else await agent.send(ack, via);
        }
      },
    };
    byKey.set(key, (p = entry));
  }
  p.ids.push(...ids);
  if (p.ids.length >= MAX_ACK_BATCH || delayMs <= 0) return p.flush();
  const entry = p;
  entry.timer ??= setTimeout(() => {
    entry.flush().catch((e) => agent.logger.warn('acknowledging live deliveries failed; the mediator will deliver them again', { error: e instanceof Error ? e.message : String(e) }));
  }, delayMs);
  return undefined;
}

/**
 * Send the acknowledgements gathered for `mediator` (or every mediator) now, and wait until
 * the mediator has answered each (so its queue no longer holds them): before live mode is
 * turned off, say, or before the agent stops.
 */
export async function flushAcknowledgements(agent: Agent, mediator?: string): Promise<void> {
  const byKey = pendingAcks.get(agent);
  if (!byKey) return;
  for (const [key, p] of [...byKey]) if (mediator === undefined || key.startsWith(`${mediator} `)) await p.flush(true);
}

/**
 * Register the handlers that take live deliveries (both versions) from mediators we turned
 * live mode on with, receive their messages and acknowledge them on the same connection.
 * Idempotent per agent; setLiveDelivery calls it.
 */
export function handleLiveDeliveries(agent: Agent, o: LiveDeliveryOptions = {}): void {
  const known = liveOptions.get(agent);
  const defined = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  liveOptions.set(agent, { ...known, ...defined });
  if (known) return;
  for (const version of [3, 4] as const) {
    const t = PICKUP[version];
    agent.on(t.delivery, async (ctx) => {
      const { message } = ctx;
      // Answers to our own delivery-requests are handled by pickupDeliver.
      if (message.thid !== undefined && requestIds(agent).has(message.thid)) return;
      const mediator = ctx.sender;
      if (!mediator || !trustedMediators.get(agent)?.has(mediator)) {
        agent.logger.warn('ignored a delivery from a DID we have no live mode with', { from: ctx.sender });
        return;
      }
      const messages = await receiveDelivery(agent, message);
      const opts = liveOptions.get(agent) ?? {};
      await opts.onDelivery?.(messages, ctx);
      if (opts.ack === false || messages.length === 0) return;
      const session = (ctx.state as { session?: Session }).session;
      const type = PICKUP[pickupVersionOf(message.type) ?? version].messagesReceived;
      const from = (ctx.state as { ourDid?: string }).ourDid;
      return queueAck(agent, mediator, type, from, session, messages.map((m) => m.id), opts.ackDelayMs ?? 20);
    }, { roles: ['recipient'] });
    // A status that nobody waits for (e.g. after a live acknowledgement) needs no answer.
    agent.on(t.status, () => undefined, { roles: ['recipient'] });
  }
}

/**
 * Turn live mode on or off. Live mode needs a persistent connection, so this goes over the
 * mediator's WebSocket service (the agent needs a WebSocket transport); deliveries then arrive
 * on that connection and are received and acknowledged by handleLiveDeliveries.
 */
export async function setLiveDelivery(agent: Agent, mediatorDid: string, on: boolean, o: PickupOptions & LiveDeliveryOptions = {}): Promise<PickupStatus> {
  const t = PICKUP[o.version ?? 4];
  const { onDelivery, ack, ackDelayMs, ...rest } = o;
  handleLiveDeliveries(agent, { onDelivery, ack, ackDelayMs });
  // What was delivered live so far is acknowledged before live mode changes. Should that fail,
  // the mediator still holds those messages and delivers them again: no reason to fail here.
  await flushAcknowledgements(agent, mediatorDid).catch((e) => agent.logger.warn('acknowledging live deliveries failed; the mediator will deliver them again', { error: e instanceof Error ? e.message : String(e) }));
  let trusted = trustedMediators.get(agent);
  if (!trusted) trustedMediators.set(agent, (trusted = new Set()));
  trusted.add(mediatorDid);
  let serviceId = rest.serviceId;
  if (serviceId === undefined && !rest.session) {
    const services = await findMessagingServices(agent.resolver, mediatorDid);
    const ws = services.find((s) => /^wss?:/i.test(s.uri));
    if (!ws) throw new DIDCommError(ErrorCodes.ROUTING, `${mediatorDid} offers no WebSocket endpoint for live delivery`);
    serviceId = ws.serviceId;
  }
  const { message } = await agent.request(build(agent, mediatorDid, t.liveDeliveryChange, { live_delivery: on }, rest), { ...sendOptions(rest), ...(serviceId !== undefined ? { serviceId } : {}) });
  return readStatus(message, t.status);
}
