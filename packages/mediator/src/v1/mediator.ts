// DIDComm v1 in the mediator, for Credo and other Aries wallets: the same store, accounts,
// queues and limits as v2. A v1 envelope is opened with the mediator's v1 key; a routing 1.0
// forward is queued for the account that registered its `to` (Anoncrypt is enough, as for v2);
// everything else must be Authcrypt, its sender key naming the account (did:key).
import { DIDCommError, ErrorCodes, v1, type Session } from '@didcomm-ts/core';
import { MediatorError } from '../errors.js';
import type { MediatorContext } from '../mediator.js';
import { DiskFullError, storeFault } from '../store/faults.js';
import { QueueFullError } from '../store/types.js';
import { problemReport, reply, type V1Context, type V1Inbound } from './context.js';
import { CONNECTIONS, connectionRequest } from './connections.js';
import { didExchangeRequest } from './didexchange.js';
import { openV1Envelope, type V1Identity } from './identity.js';
import type { V1Unpacked } from '../unwrap.js';
import { V1Live } from './live.js';
import { resyncOnGaps } from '../live-resync.js';
import { ReplayGuard } from './replay.js';
import { keylistQuery, keylistUpdate, mediateRequest } from './mediation.js';
import { deliverLive, deliveryRequest, liveDeliveryChange, messagesReceived, statusRequest } from './pickup.js';
import { batchPickup, statusRequestV1 } from './pickup-v1.js';
import { DIDEXCHANGE, DISCOVER_FEATURES_V1, MEDIATION_V1, PICKUP_V1, PICKUP_V2, TRUST_PING_V1, V1_PROTOCOLS } from './types.js';

type Handler = (c: V1Context, inbound: V1Inbound) => Promise<void>;

const HANDLERS: Record<string, Handler> = {
  [CONNECTIONS.request]: connectionRequest,
  [MEDIATION_V1.mediateRequest]: mediateRequest,
  [MEDIATION_V1.keylistUpdate]: keylistUpdate,
  [MEDIATION_V1.keylistQuery]: keylistQuery,
  [PICKUP_V1.statusRequest]: statusRequestV1,
  [PICKUP_V1.batchPickup]: batchPickup,
  [PICKUP_V2.statusRequest]: statusRequest,
  [PICKUP_V2.deliveryRequest]: deliveryRequest,
  [PICKUP_V2.messagesReceived]: messagesReceived,
  [PICKUP_V2.liveDeliveryChange]: liveDeliveryChange,
  [TRUST_PING_V1.ping]: async (c, inbound) => {
    if (inbound.message.response_requested === false) return;
    await reply(c, inbound, v1.createV1Message(TRUST_PING_V1.response, {}, { thid: v1.threadIdOf(inbound.message) }));
  },
  [DISCOVER_FEATURES_V1.query]: async (c, inbound) => {
    const q = typeof inbound.message.query === 'string' ? inbound.message.query : '*';
    const match = (pid: string) => (q.endsWith('*') ? pid.startsWith(q.slice(0, -1)) : pid === q);
    await reply(c, inbound, v1.createV1Message(DISCOVER_FEATURES_V1.disclose, { protocols: V1_PROTOCOLS.filter(match).map((pid) => ({ pid })) }, { thid: v1.threadIdOf(inbound.message) }));
  },
};

/** A cheap look at a packed message: is it a v1 envelope (its protected header's alg Authcrypt or Anoncrypt)? */
export function isV1Packed(packed: string): boolean {
  if (!packed.includes('"protected"') || packed.includes('"recipients"')) return false;
  const m = /"protected"\s*:\s*"([A-Za-z0-9_\-+/=]+)"/.exec(packed);
  if (!m) return false;
  try {
    const alg = JSON.parse(Buffer.from(m[1], 'base64').toString('utf8'))?.alg;
    return alg === 'Authcrypt' || alg === 'Anoncrypt';
  } catch {
    return false;
  }
}

export class V1Mediator {
  readonly ctx: V1Context;
  readonly #unsubscribe: () => void;
  readonly #unsubscribeResync: () => void;
  readonly #replays: ReplayGuard;

  /** Opens envelopes off the main thread (the unwrap pool), when there is one. */
  readonly #unpack: ((packed: string, key?: string) => Promise<V1Unpacked>) | undefined;

  constructor(m: MediatorContext, id: V1Identity, endpoint: string, o: { unpack?: (packed: string, key?: string) => Promise<V1Unpacked> } = {}) {
    const key = id.key;
    this.#unpack = o.unpack;
    this.#replays = new ReplayGuard(m.limits.replayIdsPerSender);
    this.ctx = {
      m,
      id,
      endpoint,
      live: new V1Live(),
      send: async (session: Session, verkey: string, message: v1.V1Message) => {
        await session.send(JSON.stringify(await v1.packV1(message, { to: [verkey], from: key })));
      },
    };
    this.#unsubscribe = m.store.onEnqueued((account, ids, messages) => {
      if (!account.startsWith('did:key:') || this.ctx.live.sessions(account).length === 0) return;
      deliverLive(this.ctx, account, ids, messages).catch((e) => m.logger.warn('v1 live delivery failed; the messages stay queued', { account, error: e instanceof Error ? e.message : String(e) }));
    });
    // v1 live deliveries keep no list of what is in flight: a resync may send a message again
    // (delivery is at-least-once; clients drop what they have seen).
    this.#unsubscribeResync = resyncOnGaps(m.store, { accounts: () => this.ctx.live.accounts(), limit: m.limits.maxDeliveryMessages, deliver: (account, ids, messages) => deliverLive(this.ctx, account, ids, messages) });
  }

  /** Take one v1 envelope from a transport. Throws (DIDCommError or MediatorError) to refuse it. */
  async receive(packed: string, session?: Session): Promise<void> {
    const { m, id } = this.ctx;
    const started = performance.now();
    // In the pool as v2's requests are: envelopes a client floods in must not hold up every
    // other connection's event loop with their key agreements.
    m.metrics.inc('didcomm_mediator_unpacked_total', { thread: this.#unpack ? 'worker' : 'main' });
    const out = this.#unpack
      ? await this.#unpack(packed, session?.kind === 'ws' ? session.id : undefined)
      : await openV1Envelope(packed, id.key, m.limits.maxMessageBytes);
    const message = v1.parseV1Message(out.message);
    checkAge(message, m.limits.maxMessageAgeSeconds);
    this.#replays.check(out.senderKey, message['@id']);
    if (message['@type'] === v1.V1_FORWARD_TYPE) return this.#forward(message, started);
    if (!out.senderKey) throw new MediatorError(400, 'v1_anoncrypt', 'v1 requests to the mediator must be Authcrypt (forwards excepted)');
    m.metrics.inc('didcomm_mediator_messages_in_total', { kind: 'control' });
    const inbound: V1Inbound = { message, senderKey: out.senderKey, session };
    const type = message['@type'];
    const handler = HANDLERS[type] ?? (DIDEXCHANGE.request.test(type) ? didExchangeRequest : undefined);
    if (handler) return handler(this.ctx, inbound);
    // The requester's last word in DID Exchange, and problem reports: nothing to answer.
    if (DIDEXCHANGE.complete.test(type) || type === 'https://didcomm.org/notification/1.0/ack' || type.endsWith('/problem-report') || type.endsWith('/problem_report') || type === TRUST_PING_V1.response) return;
    m.metrics.inc('didcomm_mediator_refused_total', { reason: 'v1_unsupported_type' });
    await reply(this.ctx, inbound, problemReport(inbound, 'e.p.msg.unsupported-type', 'The mediator does not handle this message type'));
  }

  async #forward(message: v1.V1Message, started: number): Promise<void> {
    const { m } = this.ctx;
    const { to, msg } = v1.parseV1Forward(message);
    let recipient: string;
    try {
      recipient = v1.verkeyToDidKey(to);
    } catch (e) {
      throw new DIDCommError(ErrorCodes.MALFORMED, 'a v1 forward\'s `to` is a verkey or did:key', { cause: e });
    }
    if (!v1.isV1Envelope(msg)) throw new DIDCommError(ErrorCodes.MALFORMED, 'a forwarded v1 message must be an encrypted envelope');
    const route = await m.store.findRecipient(recipient).catch((e) => {
      throw refusal(e);
    });
    if (!route) throw new MediatorError(404, 'recipient_unknown', 'no account registered the forward\'s `to`');
    try {
      await m.store.enqueueMany([{ account: route.account, recipientDid: route.recipientDid, message: JSON.stringify(msg) }], m.limits.maxQueue);
    } catch (e) {
      if (e instanceof QueueFullError) throw new MediatorError(507, 'queue_full', 'the recipient\'s queue is full');
      throw refusal(e);
    }
    m.metrics.inc('didcomm_mediator_messages_queued_total');
    m.metrics.inc('didcomm_mediator_messages_in_total', { kind: 'forward' });
    m.metrics.observe('didcomm_mediator_forward_seconds', (performance.now() - started) / 1000);
  }

  liveCount(): number {
    return this.ctx.live.count();
  }

  close(): void {
    this.#unsubscribe();
    this.#unsubscribeResync();
  }
}

/**
 * v2's maximum message age, on a v1 message's `~timing.out_time` (Aries RFC 0032) when it has
 * one: a captured request replayed once the replay memory has let it go is refused as old
 * (ERR_EXPIRED, 410), as v2's created_time is. A time that does not parse is not judged.
 */
function checkAge(message: v1.V1Message, maxSeconds: number): void {
  const out = (message['~timing'] as { out_time?: unknown } | undefined)?.out_time;
  if (typeof out !== 'string' || !Number.isFinite(maxSeconds)) return;
  const sent = Date.parse(out);
  if (!Number.isFinite(sent)) return;
  const skew = (sent - Date.now()) / 1000;
  if (skew < -maxSeconds || skew > maxSeconds) throw new DIDCommError(ErrorCodes.EXPIRED, `message ${String(message['@id'])} was sent more than ${maxSeconds} s ${skew < 0 ? 'ago' : 'in the future'}`);
}

/** A store fault as the sender's answer, as the v2 forward path gives it. */
function refusal(e: unknown): unknown {
  const f = storeFault(e);
  if (!f) return e;
  return f instanceof DiskFullError ? new MediatorError(507, f.code, 'the mediator\'s disk is full; try again later', 60) : new MediatorError(503, f.code, f.message, 5);
}
