// The mediator: an Agent for the control protocols (coordinate-mediation 2.0/3.0, pickup
// 3.0/4.0, trust-ping, discover-features) plus a fast path for routing 2.0 forwards, which
// are decrypted once, queued durably, and only then answered.
import {
  Agent,
  DIDCommError,
  ErrorCodes,
  FORWARD_TYPE,
  createResolver,
  discoverFeatures,
  parseForward,
  trustPing,
  type DIDResolver,
  type Logger,
  type Message,
  type OutboundTransport,
  type Session,
  type TransportHost,
  TransportError,
} from '@didcomm-ts/core';
import type { AccessPolicy } from './config.js';
import { MediatorError } from './errors.js';
import { LiveSessions } from './live.js';
import { Metrics } from './metrics.js';
import { registerMediation } from './protocols/mediation.js';
import { deliverLive, registerPickup } from './protocols/pickup.js';
import type { MediatorIdentity } from './identity.js';
import { QueueFullError, type MediatorStore } from './store/types.js';
import { inlineUnwrapper, peekAlg, type ForwardUnwrapper } from './unwrap.js';

export interface MediatorLimits {
  maxMessageBytes: number;
  maxQueue: number;
  retentionSeconds: number;
  /** Most messages in one delivery (default 100). */
  maxDeliveryMessages?: number;
  /** Most bytes of messages in one delivery (default 4 MiB; one message is always allowed). */
  maxDeliveryBytes?: number;
}

export interface MediatorOptions {
  identity: MediatorIdentity;
  store: MediatorStore;
  limits: MediatorLimits;
  access?: AccessPolicy;
  resolver?: DIDResolver;
  logger: Logger;
  metrics?: Metrics;
  unwrapper?: ForwardUnwrapper;
}

/** What the protocol handlers share. */
export interface MediatorContext {
  did: string;
  store: MediatorStore;
  agent: Agent;
  limits: Required<MediatorLimits>;
  live: LiveSessions;
  logger: Logger;
  metrics: Metrics;
  /** May this DID have (or keep) mediation, under the access policy and list? */
  allowed(did: string): Promise<boolean>;
}

export class Mediator implements TransportHost {
  readonly agent: Agent;
  readonly store: MediatorStore;
  readonly metrics: Metrics;
  readonly live = new LiveSessions();
  readonly ctx: MediatorContext;
  readonly #unwrapper: ForwardUnwrapper;
  readonly #logger: Logger;
  readonly #unsubscribe: () => void;
  readonly #purgeTimer: ReturnType<typeof setInterval>;

  constructor(o: MediatorOptions) {
    this.store = o.store;
    this.metrics = o.metrics ?? new Metrics();
    this.#logger = o.logger;
    const resolver = o.resolver ?? createResolver();
    // The mediator sends only to DIDs that route through itself (what it sends is queued for
    // them) or over return routes; it makes no outbound connections a sender could aim.
    this.agent = new Agent({ did: o.identity.dids, secrets: o.identity.secrets, resolver, logger: o.logger, transports: [selfTransport(this, o.identity.endpoints)], retry: { attempts: 1 } });
    this.#unwrapper = o.unwrapper ?? inlineUnwrapper({ resolver, secrets: o.identity.secrets, policy: { maxBytes: o.limits.maxMessageBytes } });
    const access = o.access ?? 'open';
    this.ctx = {
      did: o.identity.did,
      store: o.store,
      agent: this.agent,
      limits: { maxDeliveryMessages: 100, maxDeliveryBytes: 4 * 1024 * 1024, ...o.limits },
      live: this.live,
      logger: o.logger,
      metrics: this.metrics,
      allowed: async (did) => {
        const rule = await o.store.getAccess(did);
        return rule !== 'deny' && (access === 'open' || rule === 'allow');
      },
    };
    trustPing.register(this.agent, { answerUnauthenticated: false });
    discoverFeatures.register(this.agent);
    registerMediation(this.ctx);
    registerPickup(this.ctx);
    // A forward that reached the agent (authcrypted, or anoncrypted around authcrypt) is still a forward.
    this.agent.on(FORWARD_TYPE, (c) => this.forward(c.message), { roles: ['mediator'] });
    this.#unsubscribe = o.store.onEnqueued((account, ids) => {
      if (this.live.entries(account).length === 0) return;
      deliverLive(this.ctx, account, ids).catch((e) => this.#logger.warn('live delivery failed; the messages stay queued', { account, error: errorText(e) }));
    });
    const every = Math.min(60_000, Math.max(1000, (o.limits.retentionSeconds * 1000) / 4));
    this.#purgeTimer = setInterval(() => void this.purge(), every);
    this.#purgeTimer.unref();
  }

  get did(): string {
    return this.ctx.did;
  }

  /** Take one packed message from a transport. Throws (DIDCommError or MediatorError) to refuse it. */
  async receive(packed: string, session?: Session): Promise<void> {
    if (packed.length > this.ctx.limits.maxMessageBytes) throw new MediatorError(413, ErrorCodes.LIMIT_EXCEEDED, `messages are limited to ${this.ctx.limits.maxMessageBytes} bytes`);
    this.metrics.inc('didcomm_mediator_bytes_in_total', undefined, packed.length);
    if (peekAlg(packed)?.startsWith('ECDH-ES')) {
      const started = performance.now();
      const { message } = await this.#unwrapper.unwrap(packed);
      if (message.type === FORWARD_TYPE) return this.forward(message, started);
    }
    this.metrics.inc('didcomm_mediator_messages_in_total', { kind: 'control' });
    await this.agent.receive(packed, session);
  }

  /** Queue what a forward carries for the account that registered its `next`; resolves once durable. */
  async forward(message: Message, started = performance.now()): Promise<void> {
    const fwd = parseForward(message);
    if (!fwd || typeof fwd.next !== 'string' || !fwd.next.startsWith('did:')) throw new DIDCommError(ErrorCodes.MALFORMED, 'forward needs body.next: a DID or DID URL');
    const route = await this.store.findRecipient(fwd.next);
    if (!route) {
      this.metrics.inc('didcomm_mediator_refused_total', { reason: 'recipient_unknown' });
      throw new MediatorError(404, 'recipient_unknown', 'no account registered the forward\'s next');
    }
    const payloads = fwd.forwarded.map((p) => {
      if (!p || typeof p !== 'object' || typeof (p as { ciphertext?: unknown }).ciphertext !== 'string') {
        throw new DIDCommError(ErrorCodes.MALFORMED, 'a forwarded message must be an encrypted DIDComm message (JWE)');
      }
      return JSON.stringify(p);
    });
    try {
      for (const text of payloads) {
        await this.store.enqueue({ account: route.account, recipientDid: route.recipientDid, message: text }, this.ctx.limits.maxQueue);
        this.metrics.inc('didcomm_mediator_messages_queued_total');
      }
    } catch (e) {
      if (e instanceof QueueFullError) {
        this.metrics.inc('didcomm_mediator_refused_total', { reason: 'queue_full' });
        throw new MediatorError(507, 'queue_full', 'the recipient\'s queue is full');
      }
      throw e;
    }
    this.metrics.inc('didcomm_mediator_messages_in_total', { kind: 'forward' });
    this.metrics.observeForward((performance.now() - started) / 1000);
  }

  /** Delete messages older than the retention period. */
  async purge(): Promise<number> {
    try {
      const n = await this.store.purge(Date.now() - this.ctx.limits.retentionSeconds * 1000);
      if (n > 0) {
        this.metrics.inc('didcomm_mediator_messages_expired_total', undefined, n);
        this.#logger.info('retention removed messages', { count: n });
      }
      return n;
    } catch (e) {
      this.#logger.warn('retention purge failed', { error: errorText(e) });
      return 0;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#purgeTimer);
    this.#unsubscribe();
    await this.agent.stop();
    await this.#unwrapper.close?.();
  }
}

/** Delivers to our own endpoints by handing the (forward-wrapped) message to the mediator. */
function selfTransport(mediator: Mediator, endpoints: readonly string[]): OutboundTransport {
  const own = new Set(endpoints);
  return {
    schemes: ['http', 'https', 'ws', 'wss'],
    async send(uri, packed) {
      if (!own.has(uri)) throw new TransportError(`the mediator does not connect to ${uri}`, false);
      await mediator.receive(packed);
    },
  };
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
