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
  trustPing,
  type DIDResolver,
  type Logger,
  type Message,
  type OutboundTransport,
  type Session,
  type TransportHost,
  type PackEncryptedOptions,
  type UnpackPolicy,
  TransportError,
} from '@didcomm-ts/core';
import type { Compat } from '@didcomm-ts/core';
import type { AccessPolicy } from './config.js';
import { MediatorError } from './errors.js';
import { LiveSessions } from './live.js';
import { resyncOnGaps } from './live-resync.js';
import { PinningResolver } from './resolver.js';
import { Metrics } from './metrics.js';
import { registerMediation } from './protocols/mediation.js';
import { deliverLive, registerPickup } from './protocols/pickup.js';
import type { MediatorIdentity } from './identity.js';
import { QueueFullError, type MediatorStore, type QueuedMessage } from './store/types.js';
import { DiskFullError, storeFault } from './store/faults.js';
import { isV1Packed } from './v1/mediator.js';
import { forwardParts, inlineUnwrapper, peekAlg, unwrapForward, type ForwardParts, type ForwardUnwrapper, type Unpacked } from './unwrap.js';

/**
 * The unpack policy of requests to the mediator (its agent's): core's defaults. The unwrap pool
 * unpacks requests with it too (server.ts), so both threads accept and refuse the same.
 */
export const REQUEST_POLICY: UnpackPolicy = {};

/** The limits a caller leaves out. */
const LIMIT_DEFAULTS = { maxDeliveryMessages: 100, maxDeliveryBytes: 1024 * 1024, accountRateLimit: Infinity, maxMessageAgeSeconds: 600, replayIdsPerSender: 1000, maxForwardPayloads: 10, maxRecipients: 1000, resolverCache: 1000 };

/** Live deliveries to one account start at most this often (ms); see Mediator#deliverLive. */
const LIVE_SPACING_MS = 5;

interface LiveQueue {
  /** Ids enqueued since the last delivery started, with the rows when this instance stored them. */
  waiting: string[];
  known: Map<string, QueuedMessage>;
  busy: boolean;
  lastStart: number;
  timer?: ReturnType<typeof setTimeout>;
}

export interface MediatorLimits {
  maxMessageBytes: number;
  maxQueue: number;
  retentionSeconds: number;
  /** Most messages in one delivery (default 100). */
  maxDeliveryMessages?: number;
  /**
   * Most bytes of messages in one delivery (default 1 MiB; one message is always allowed).
   * A delivery is packed on the main thread: 4 MiB took 200-300 ms there, a stall every other
   * client would wait through.
   */
  maxDeliveryBytes?: number;
  /** Pickup and keylist requests per second per account (default: no limit; see protocols/auth.ts). */
  accountRateLimit?: number;
  /** Refuse messages created longer ago than this, or this far ahead (default 600 s). */
  maxMessageAgeSeconds?: number;
  /** Message ids remembered per authenticated sender against replays (default 1000). */
  replayIdsPerSender?: number;
  /** Most messages one forward may carry (default 10); more is refused before any is queued. */
  maxForwardPayloads?: number;
  /** Most recipient DIDs one account may register (default 1000). */
  maxRecipients?: number;
  /** DID documents cached besides those of live accounts, which are held while live (default 1000). */
  resolverCache?: number;
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
  /** The dialect forwards may also come in (core's unpack `compat`); absent: strict. */
  compat?: Compat;
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
  readonly live: LiveSessions;
  readonly ctx: MediatorContext;
  /** Who decrypts forwards (inline, or the worker pool). */
  readonly unwrapper: ForwardUnwrapper;
  readonly #logger: Logger;
  readonly #unsubscribe: () => void;
  readonly #unsubscribeResync: () => void;
  readonly #purgeTimer: ReturnType<typeof setInterval>;
  /** Accounts with live deliveries under way, and the ids enqueued for them since. */
  readonly #liveQueues = new Map<string, LiveQueue>();
  /** DIDComm v1 (v1/): set by startMediator; v1 envelopes go there. */
  v1?: { receive(packed: string, session?: Session): Promise<void>; liveCount(): number; close(): void };
  /** The store fault forwards are being refused for (logged when it starts and when it ends). */
  #fault: string | undefined;

  constructor(o: MediatorOptions) {
    this.store = o.store;
    this.metrics = o.metrics ?? new Metrics();
    this.#logger = o.logger;
    const limits: Required<MediatorLimits> = { ...LIMIT_DEFAULTS, ...(Object.fromEntries(Object.entries(o.limits).filter(([, v]) => v !== undefined)) as MediatorLimits) };
    // Live accounts' documents are held while they are live (every delivery and acknowledgement
    // needs them), whatever their number; the others share a bounded cache (resolver.ts).
    const resolver = new PinningResolver(o.resolver ?? createResolver({ cache: { maxEntries: limits.resolverCache } }));
    const u = (this.unwrapper = o.unwrapper ?? inlineUnwrapper({ resolver, secrets: o.identity.secrets, policy: { maxBytes: limits.maxMessageBytes, compat: o.compat } }));
    // Workers that pack and unpack for live accounts hold their documents too.
    this.live = new LiveSessions({
      first: (account) => {
        resolver.pin(account);
        u.pin?.(account);
      },
      last: (account) => {
        resolver.unpin(account);
        u.unpin?.(account);
      },
    });
    // The mediator sends only to DIDs that route through itself (what it sends is queued for
    // them) or over return routes; it makes no outbound connections a sender could aim.
    this.agent = new Agent({ did: o.identity.dids, secrets: o.identity.secrets, resolver, logger: o.logger, transports: [selfTransport(this, o.identity.endpoints)], retry: { attempts: 1 }, unpackPolicy: REQUEST_POLICY,
      replay: { idsPerSender: limits.replayIdsPerSender, maxMessageAgeSeconds: limits.maxMessageAgeSeconds },
      ...(u.pack ? { pack: poolPacker(u) } : {}),
    });
    const access = o.access ?? 'open';
    this.ctx = {
      did: o.identity.did,
      store: o.store,
      agent: this.agent,
      limits,
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
    this.#unsubscribe = o.store.onEnqueued((account, ids, messages) => {
      if (this.live.entries(account).length === 0) return;
      this.#deliverLive(account, ids, messages);
    });
    // After a gap in the store's announcements each live account's oldest queued messages (one
    // delivery's worth) are pushed again; what is already in flight on a connection is skipped.
    // Only the ids go to the account's delivery queue (it reads the rows when their turn comes):
    // with thousands of live accounts, every queue's rows at once would not be bounded.
    this.#unsubscribeResync = resyncOnGaps(o.store, {
      accounts: () => this.live.accounts(),
      limit: limits.maxDeliveryMessages,
      deliver: (account, ids) => this.#deliverLive(account, ids),
      done: (r) => {
        this.metrics.inc('didcomm_mediator_live_resyncs_total');
        this.#logger.info('store announcements resumed after a gap; live queues read again', { ...r });
      },
    });
    const every = Math.min(60_000, Math.max(1000, (limits.retentionSeconds * 1000) / 4));
    this.#purgeTimer = setInterval(() => void this.purge(), every);
    this.#purgeTimer.unref();
  }

  /**
   * Live deliveries per account: at most one in flight, and at most one started every
   * LIVE_SPACING_MS. A message for an idle account goes out at once; under load, what arrives
   * meanwhile goes out together, so packing a delivery and decrypting its acknowledgement
   * (three X25519 agreements each side) are paid per batch, not per message.
   */
  #deliverLive(account: string, ids: string[], messages: QueuedMessage[] = []): void {
    let s = this.#liveQueues.get(account);
    if (!s) this.#liveQueues.set(account, (s = { waiting: [], known: new Map(), busy: false, lastStart: -Infinity }));
    s.waiting.push(...ids);
    for (const m of messages) s.known.set(m.id, m);
    this.#pumpLive(account, s);
  }

  #pumpLive(account: string, s: LiveQueue): void {
    if (s.busy || s.timer || s.waiting.length === 0) {
      if (!s.busy && !s.timer && s.waiting.length === 0) this.#liveQueues.delete(account);
      return;
    }
    const wait = s.lastStart + LIVE_SPACING_MS - performance.now();
    if (wait > 0) {
      s.timer = setTimeout(() => {
        s.timer = undefined;
        this.#pumpLive(account, s);
      }, wait);
      return;
    }
    const batch = s.waiting;
    const known = s.known;
    s.waiting = [];
    s.known = new Map();
    s.busy = true;
    s.lastStart = performance.now();
    deliverLive(this.ctx, account, batch, known)
      .catch((e) => this.#logger.warn('live delivery failed; the messages stay queued', { account, error: errorText(e) }))
      .finally(() => {
        s.busy = false;
        this.#pumpLive(account, s);
      });
  }

  get did(): string {
    return this.ctx.did;
  }

  /** Why forwards are being refused by the store (disk_full, store_unavailable, ...), until one is stored again. */
  get storeFault(): string | undefined {
    return this.#fault;
  }

  /** Take one packed message from a transport. Throws (DIDCommError or MediatorError) to refuse it. */
  async receive(packed: string, session?: Session): Promise<void> {
    if (packed.length > this.ctx.limits.maxMessageBytes) throw new MediatorError(413, ErrorCodes.LIMIT_EXCEEDED, `messages are limited to ${this.ctx.limits.maxMessageBytes} bytes`);
    this.metrics.inc('didcomm_mediator_bytes_in_total', undefined, packed.length);
    const alg = peekAlg(packed);
    const u = this.unwrapper;
    let unpacked: Unpacked | undefined;
    // A WebSocket's requests go to one worker, which answers in the order sent unless one waits
    // on a DID resolution, so they are dispatched in the order they came (an acknowledgement
    // before the status request after it) about as when unpacked here; with several workers
    // and no key they would be dispatched in whatever order the workers finish.
    const key = session?.kind === 'ws' ? session.id : undefined;
    if (alg?.startsWith('ECDH-ES')) {
      const started = performance.now();
      this.metrics.inc('didcomm_mediator_unpacked_total', { thread: u.unwrapForward ? 'worker' : 'main' });
      // A pool hands back an anoncrypted request (no forward) already unpacked for the agent.
      const got = u.unwrapForwardOrRequest ? await u.unwrapForwardOrRequest(packed, key) : await unwrapForward(u, packed, this.ctx.limits.maxForwardPayloads);
      if (got && 'next' in got) return this.#queue(got, started);
      if (got) unpacked = got;
    }
    if (this.v1 && isV1Packed(packed)) return this.v1.receive(packed, session);
    this.metrics.inc('didcomm_mediator_messages_in_total', { kind: 'control' });
    // Authcrypt and signatures (a JWE or JWS header) are decrypted and checked in the pool, so
    // the main thread only dispatches: under many senders their ECDH and signature checks
    // stalled its event loop for every connection. Plaintext (no header) stays here; a header
    // peeked out of some other text costs a hop, not a different answer.
    if (!unpacked && alg !== undefined && u.unpackRequest) {
      this.metrics.inc('didcomm_mediator_unpacked_total', { thread: 'worker' });
      unpacked = await u.unpackRequest(packed, key);
    }
    if (unpacked) return void (await this.agent.receiveUnpacked(unpacked, session));
    if (alg !== undefined) this.metrics.inc('didcomm_mediator_unpacked_total', { thread: 'main' });
    await this.agent.receive(packed, session);
  }

  /** Queue what a forward carries for the account that registered its `next`; resolves once durable. */
  async forward(message: Message, started = performance.now()): Promise<void> {
    return this.#queue(forwardParts(message, this.ctx.limits.maxForwardPayloads), started);
  }

  async #queue({ next, payloads, count }: ForwardParts, started: number): Promise<void> {
    // Before any lookup or write: one forward must not turn into thousands of commits.
    const max = this.ctx.limits.maxForwardPayloads;
    if ((count ?? payloads?.length ?? 0) > max) throw new MediatorError(413, 'forward_payloads', `a forward may carry at most ${max} messages`);
    const route = await this.store.findRecipient(next).catch((e) => {
      throw this.#storeRefusal(e);
    });
    // Refusals thrown as MediatorError are counted once, by the transport that answers them.
    if (!route) {
      throw new MediatorError(404, 'recipient_unknown', 'no account registered the forward\'s next');
    }
    if (!payloads) throw new DIDCommError(ErrorCodes.MALFORMED, 'a forwarded message must be an encrypted DIDComm message (JWE)');
    try {
      // All or none, one durable commit.
      await this.store.enqueueMany(payloads.map((message) => ({ account: route.account, recipientDid: route.recipientDid, message })), this.ctx.limits.maxQueue);
      this.metrics.inc('didcomm_mediator_messages_queued_total', undefined, payloads.length);
    } catch (e) {
      if (e instanceof QueueFullError) {
        throw new MediatorError(507, 'queue_full', 'the recipient\'s queue is full');
      }
      throw this.#storeRefusal(e);
    }
    if (this.#fault !== undefined) {
      this.#logger.info('the store takes messages again', { after: this.#fault });
      this.#fault = undefined;
    }
    this.metrics.inc('didcomm_mediator_messages_in_total', { kind: 'forward' });
    this.metrics.observe('didcomm_mediator_forward_seconds', (performance.now() - started) / 1000);
  }

  /**
   * A store fault as the sender's answer: 507 while the disk is full, 503 with a retry-after
   * while the store is unreachable or read-only; other errors unchanged. The start of a run of
   * refusals is logged, saying why.
   */
  #storeRefusal(e: unknown): unknown {
    const f = storeFault(e);
    if (!f) return e;
    if (this.#fault !== f.code) {
      this.#fault = f.code;
      const detail = { store: this.store.kind, error: errorText(f.cause ?? f) };
      if (f instanceof DiskFullError) this.#logger.error('disk full: the store cannot take messages, forwards are refused (507) until space returns; pickup goes on', detail);
      else this.#logger.error(`store unavailable (${f.code}): forwards are refused (503) until it recovers`, detail);
    }
    return f instanceof DiskFullError
      ? new MediatorError(507, f.code, 'the mediator\'s disk is full; try again later', 60)
      : new MediatorError(503, f.code, f.message, 5);
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
    for (const s of this.#liveQueues.values()) clearTimeout(s.timer);
    this.#unsubscribe();
    this.#unsubscribeResync();
    this.v1?.close();
    await this.agent.stop();
    await this.unwrapper.close?.();
  }
}


/**
 * The agent's `pack` in the pool (its workers hold our secrets and resolve with core's
 * resolver): on the main thread, packing replies and live deliveries cost about as much as
 * decrypting the requests.
 */
function poolPacker(u: ForwardUnwrapper) {
  // Every answer, large deliveries too: over HTTP their bytes are reserved against the
  // address's unread bound before they are built (pickup.ts), so packing them in parallel no
  // longer lets pipelined requests pass it; on a WebSocket the frames in flight are bounded.
  return (message: Message, o: PackEncryptedOptions) => {
    const { resolver: _resolver, secrets: _secrets, ...options } = o;
    return u.pack!(message, options);
  };
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
