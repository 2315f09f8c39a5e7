import { DIDCommError, ErrorCodes } from '../errors.js';
import type { ContentEncAlg } from '../crypto/types.js';
import type { DIDResolver } from '../did/types.js';
import { parseDidUrl } from '../did/url.js';
import { newId } from '../message/create.js';
import type { Message } from '../message/types.js';
import { resolverOrDefault } from '../pack/context.js';
import { packEncrypted, type PackEncryptedOptions } from '../pack/encrypted.js';
import { FORWARD_TYPE, findMessagingServices, wrapInForward } from '../pack/forward.js';
import type { UnpackMetadata } from '../pack/metadata.js';
import { unpack, type UnpackPolicy } from '../pack/unpack.js';
import type { Compat } from '../pack/compat.js';
import { EMPTY } from '../protocols/empty/v1/messages.js';
import { PROBLEM_REPORT, ProblemCodes, ProblemReportError, problemBodyFor, type ProblemReportBody } from '../protocols/report-problem/v2/messages.js';
import { Router, type InboundContext, type ReplyOptions } from '../protocols/router.js';
import type { SecretsResolver } from '../secrets/types.js';
import { TransportError, type OutboundTransport, type Session, type TransportHost } from '../transport/types.js';
import { silentLogger, type Logger } from './logger.js';
import { parseJsonObject } from '../util/json.js';
import { SeenIds, type SeenIdsOptions } from './seen-ids.js';

/** The empty message type (empty 1.0): carries only headers, e.g. acknowledgements. */
export const EMPTY_TYPE = EMPTY;

/** Options of an Agent: its DIDs and secrets (required), the resolver, router and transports, and its limits. */
export interface AgentOptions {
  /** Our DIDs; the first is the default sender. */
  did: string | string[];
  secrets: SecretsResolver;
  resolver?: DIDResolver;
  router?: Router;
  transports?: OutboundTransport[];
  logger?: Logger;
  unpackPolicy?: UnpackPolicy;
  /** Delivery attempts per service and the first backoff delay (doubled each time). */
  retry?: { attempts?: number; baseDelayMs?: number };
  requestTimeoutMs?: number;
  /**
   * Replay protection: ids remembered per authenticated sender and in all, and the oldest
   * `created_time` accepted (a message created longer ago, or that far in the future, is
   * refused with ERR_EXPIRED; messages without created_time are judged by their id alone).
   */
  replay?: SeenIdsOptions & { maxMessageAgeSeconds?: number };
  /** Open return-routed channels remembered, by peer DID (default 10 000; the least recently used go first). */
  maxReturnRoutes?: number;
  /**
   * Packs what send() sends (default: core's packEncrypted, given this agent's resolver and
   * secrets in the options). A replacement must pack as packEncrypted would: a mediator hands
   * the work to worker threads holding the same secrets.
   */
  pack?: (message: Message, options: PackEncryptedOptions) => Promise<{ packed: string }>;
}

/** How Agent.send packs and routes one message. */
export interface SendOptions {
  /** Anoncrypt even though the message has a `from` (default: authcrypt when it has one). */
  anonymous?: boolean;
  signBy?: string;
  protectSender?: boolean;
  encAlgAnon?: string;
  /** Write for a peer that speaks this dialect (packEncrypted's `compat`, e.g. 'veramo'; see docs/compat.md). */
  compat?: Compat;
  /** Use this open channel instead of resolving the recipient's endpoint. */
  session?: Session;
  /** Use only this service of the recipient. */
  serviceId?: string;
  /**
   * Look for an open channel the recipient return-routed earlier (default true). Replies to a
   * sender that is only claimed never do: that channel belongs to whoever really holds the DID.
   */
  useReturnRoutes?: boolean;
}

/** Where one message went, and its packed size. */
export interface SendResult {
  /** Where it went: an endpoint URI, or `session:<id>` for an open channel. */
  via: string;
  packedBytes: number;
}

/** A message received and how it was protected (what unpack returned). */
export interface Received {
  message: Message;
  metadata: UnpackMetadata;
}

interface ReturnRoute {
  session: Session;
  thread?: string;
}

interface Pending {
  resolve(r: Received): void;
  reject(e: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One object that ties DIDs, secrets, resolver, router and transports together. It unpacks
 * what transports hand it, refuses replays and expired messages, dispatches to handlers,
 * answers problems with problem reports, and sends replies over the best channel.
 */
export class Agent implements TransportHost {
  readonly router: Router;
  readonly secrets: SecretsResolver;
  readonly resolver: DIDResolver;
  readonly logger: Logger;
  /** Prior DID -> new DID, learned from from_prior (spec "DID Rotation"). */
  readonly rotations = new Map<string, string>();
  readonly #dids: string[];
  readonly #transports: OutboundTransport[];
  readonly #policy: UnpackPolicy;
  readonly #seen: SeenIds;
  readonly #maxAgeSeconds: number | undefined;
  readonly #maxReturnRoutes: number;
  readonly #returnRoutes = new Map<string, ReturnRoute[]>();
  readonly #pending = new Map<string, Pending>();
  readonly #retry: { attempts: number; baseDelayMs: number };
  readonly #requestTimeoutMs: number;
  readonly #pack: NonNullable<AgentOptions['pack']>;
  /** Our own prior DID and its from_prior JWT, sent until a peer writes to the new DID. */
  #fromPrior: { jwt: string; prior: string; pendingPeers: Set<string> | 'all' } | undefined;
  #stopped = false;

  constructor(o: AgentOptions) {
    this.#dids = Array.isArray(o.did) ? [...o.did] : [o.did];
    if (this.#dids.length === 0) throw new TypeError('an agent needs at least one DID');
    this.secrets = o.secrets;
    this.resolver = resolverOrDefault(o.resolver);
    this.router = o.router ?? new Router();
    this.#transports = o.transports ?? [];
    this.logger = o.logger ?? silentLogger;
    this.#policy = o.unpackPolicy ?? {};
    this.#retry = { attempts: o.retry?.attempts ?? 3, baseDelayMs: o.retry?.baseDelayMs ?? 200 };
    this.#requestTimeoutMs = o.requestTimeoutMs ?? 15_000;
    this.#seen = new SeenIds(o.replay);
    this.#maxAgeSeconds = o.replay?.maxMessageAgeSeconds;
    this.#maxReturnRoutes = o.maxReturnRoutes ?? 10_000;
    this.#pack = o.pack ?? packEncrypted;
    this.router.fallback((ctx) => this.#unsupported(ctx));
  }

  get did(): string {
    return this.#dids[0];
  }
  get dids(): readonly string[] {
    return this.#dids;
  }
  addDid(did: string, asDefault = false): void {
    if (!this.#dids.includes(did)) asDefault ? this.#dids.unshift(did) : this.#dids.push(did);
    else if (asDefault) this.#dids.unshift(...this.#dids.splice(this.#dids.indexOf(did), 1));
  }
  addTransport(t: OutboundTransport): void {
    this.#transports.push(t);
  }
  /** Register a handler (shortcut for router.on). */
  on(type: string, handler: (ctx: InboundContext) => unknown, options?: { roles?: string[] }): this {
    this.router.on(type, handler, options);
    return this;
  }

  /** Rotate to `newDid`: it becomes the default, and `fromPriorJwt` rides on what we send next. */
  rotateTo(newDid: string, fromPriorJwt: string): void {
    const prior = this.did;
    this.addDid(newDid, true);
    this.#fromPrior = { jwt: fromPriorJwt, prior, pendingPeers: 'all' };
  }

  // ---- inbound ----

  /** Unpack and handle one message from a transport. Throws DIDCommError for bad input. */
  async receive(packed: string, session?: Session): Promise<Received> {
    const received = await unpack(packed, { resolver: this.resolver, secrets: this.secrets, ...this.#policy });
    return this.receiveUnpacked(received, session);
  }

  /**
   * Handle a message already unpacked elsewhere (a worker thread, say) as receive() would after
   * its unpack: replay and age checks, rotations, return routes, dispatch, please_ack. The
   * caller vouches that `received` is what core's unpack returned for the packed text under
   * this agent's resolver, secrets and unpack policy: its metadata (authenticated, the sender's
   * key) is believed as it stands.
   */
  async receiveUnpacked(received: Received, session?: Session): Promise<Received> {
    const { message, metadata } = received;
    const senderDid = message.from !== undefined ? parseDidUrl(message.from).did : undefined;
    if (senderDid && this.rotations.has(senderDid)) {
      throw new DIDCommError(ErrorCodes.LAYER_MISMATCH, `${senderDid} rotated to ${this.rotations.get(senderDid)}; messages from the prior DID are ignored`);
    }
    this.#checkAge(message);
    // Ids are remembered under the sender only when the message proves it; a claimed `from`
    // must not let a stranger fill (and so flush) a real sender's replay memory.
    if (!this.#seen.add(metadata.authenticated ? senderDid : undefined, message.id)) {
      await this.#refuseReplay(message, metadata, senderDid, session);
    }
    if (metadata.fromPrior?.sub !== undefined && metadata.authenticated && senderDid === metadata.fromPrior.sub) {
      this.rotations.set(metadata.fromPrior.iss, metadata.fromPrior.sub);
      // Any authenticated peer can rotate as often as it likes: remember the latest 10 000.
      if (this.rotations.size > 10_000) this.rotations.delete(this.rotations.keys().next().value!);
      this.logger.info('peer rotated its DID', { from: metadata.fromPrior.iss, to: metadata.fromPrior.sub });
    }
    const fp = this.#fromPrior;
    if (fp && senderDid && metadata.decryptedWithKid && parseDidUrl(metadata.decryptedWithKid).did === fp.prior && fp.pendingPeers !== 'all' && fp.pendingPeers.has(senderDid)) {
      throw new DIDCommError(ErrorCodes.LAYER_MISMATCH, `${senderDid} already writes to ${this.did}; messages to the prior DID are ignored`);
    }
    this.#noteWrittenTo(metadata, senderDid);
    // Only an authenticated sender may claim a channel for its DID; otherwise anyone could
    // divert what we send to someone else. Replies to this very message still use `session`.
    if (session && senderDid && metadata.authenticated && (message.return_route === 'all' || message.return_route === 'thread')) {
      this.#addReturnRoute(senderDid, { session, thread: message.return_route === 'thread' ? message.thid ?? message.id : undefined });
    }
    this.logger.debug('received', { id: message.id, type: message.type, from: senderDid, encrypted: metadata.encrypted, authenticated: metadata.authenticated });

    const ctx = this.#context(message, metadata, senderDid, session);
    const waiting = message.thid !== undefined ? this.#pending.get(message.thid) : undefined;
    if (waiting) {
      // Handlers that also see it (a registered type) can tell it was awaited.
      ctx.state.awaited = true;
      this.#pending.delete(message.thid!);
      clearTimeout(waiting.timer);
      if (message.type === PROBLEM_REPORT) {
        waiting.reject(new DIDCommError(ErrorCodes.PROBLEM_REPORT, `peer reported a problem: ${String(message.body?.code)}`, { cause: message.body }));
      } else waiting.resolve({ message, metadata });
    }
    if (!waiting || this.router.handlerFor(message.type)) await this.#dispatch(ctx);
    await this.#honourPleaseAck(ctx);
    return { message, metadata };
  }

  #checkAge(message: Message): void {
    const max = this.#maxAgeSeconds;
    if (max === undefined || message.created_time === undefined) return;
    const now = Date.now() / 1000;
    if (message.created_time < now - max) throw new DIDCommError(ErrorCodes.EXPIRED, `message ${message.id} was created more than ${max} s ago`);
    if (message.created_time > now + max) throw new DIDCommError(ErrorCodes.EXPIRED, `message ${message.id} was created more than ${max} s in the future`);
  }

  /**
   * A replayed id is refused (ERR_DUPLICATE, which transports report as such); an authenticated
   * sender that asked for a return route also gets a problem report on that route, as
   * DIDComm clients expect an answer in DIDComm.
   */
  async #refuseReplay(message: Message, metadata: UnpackMetadata, senderDid: string | undefined, session: Session | undefined): Promise<never> {
    const error = new DIDCommError(ErrorCodes.DUPLICATE, `message ${message.id} was already received`);
    if (metadata.authenticated && senderDid && session?.open && (message.return_route === 'all' || message.return_route === 'thread')) {
      const ctx = this.#context(message, metadata, senderDid, session);
      await this.#problem(ctx, { code: ProblemCodes.BAD_MESSAGE + '.duplicate', comment: 'Message {1} was already received', args: [message.id] });
    }
    throw error;
  }

  #context(message: Message, metadata: UnpackMetadata, senderDid: string | undefined, session?: Session): InboundContext {
    const ourDid = metadata.decryptedWithKid ? parseDidUrl(metadata.decryptedWithKid).did : this.did;
    const returnRouted = session && (message.return_route === 'all' || message.return_route === 'thread');
    return {
      message,
      metadata,
      sender: metadata.authenticated ? senderDid : undefined,
      state: { session, ourDid },
      reply: async (reply, options?: ReplyOptions) => {
        if (!senderDid) throw new DIDCommError(ErrorCodes.ROUTING, 'cannot reply: the message names no sender');
        const full: Message = {
          id: newId(),
          thid: message.thid ?? message.id,
          ...(message.pthid !== undefined ? { pthid: message.pthid } : {}),
          from: ourDid,
          to: [senderDid],
          created_time: Math.floor(Date.now() / 1000),
          ...reply,
        } as Message;
        // A sender that is only claimed is answered on the requesting connection when it asked
        // for a return route, else as the handler chose (its endpoint), never over a channel
        // that the claimed DID opened for itself.
        await this.send(full, { anonymous: options?.anonymous, session: returnRouted ? session : undefined, useReturnRoutes: metadata.authenticated });
      },
    };
  }

  async #dispatch(ctx: InboundContext): Promise<void> {
    try {
      await this.router.dispatch(ctx);
    } catch (e) {
      if (ctx.message.type === PROBLEM_REPORT) return;
      // Nobody to send a problem report to (e.g. a refused forward): let the transport say it,
      // whatever the error's kind (a store that refused must not become a silent 202).
      if (!ctx.message.from) throw e;
      const body: ProblemReportBody = problemBodyFor(e);
      if (!(e instanceof ProblemReportError)) this.logger.warn('handler failed', { id: ctx.message.id, type: ctx.message.type, error: e instanceof Error ? e.message : String(e) });
      await this.#problem(ctx, body);
    }
  }

  async #problem(ctx: InboundContext, body: ProblemReportBody): Promise<void> {
    if (!ctx.message.from) return;
    await this.#autoReply(ctx, { type: PROBLEM_REPORT, pthid: ctx.message.thid ?? ctx.message.id, ack: [ctx.message.id], body: { ...body } }, 'problem report');
  }

  /**
   * Problem reports and acks are sent by the agent itself, unasked by any handler. To a proven
   * sender they go like any reply. To a sender that is only claimed they go back over the
   * requesting connection and nowhere else, and anoncrypted: otherwise anyone could make us
   * write, authenticated as us and with a thread and text of their choosing, to a DID's own
   * connection or endpoint (or hand them such a message to pass on).
   */
  async #autoReply(ctx: InboundContext, reply: Omit<Message, 'id'>, what: string): Promise<void> {
    const session = (ctx.state as { session?: Session }).session;
    const warn = (err: unknown) => this.logger.warn(`could not send ${what}`, { id: ctx.message.id, error: err instanceof Error ? err.message : String(err) });
    if (ctx.metadata.authenticated) return ctx.reply(reply).catch(warn);
    if (!session?.open) {
      this.logger.debug(`${what} to an unproven sender dropped: no connection to answer on`, { id: ctx.message.id });
      return;
    }
    const senderDid = parseDidUrl(ctx.message.from!).did;
    const full = { id: newId(), thid: ctx.message.thid ?? ctx.message.id, to: [senderDid], created_time: Math.floor(Date.now() / 1000), ...reply } as Message;
    await this.send(full, { anonymous: true, session, useReturnRoutes: false }).catch(warn);
  }

  async #unsupported(ctx: InboundContext): Promise<void> {
    if (ctx.message.type === PROBLEM_REPORT) {
      this.logger.warn('problem report received', { from: ctx.sender, code: ctx.message.body?.code, pthid: ctx.message.pthid });
      return;
    }
    if (ctx.message.type === EMPTY_TYPE) return;
    throw new ProblemReportError(ProblemCodes.UNSUPPORTED_MESSAGE, 'Message type {1} is not supported', [ctx.message.type]);
  }

  async #honourPleaseAck(ctx: InboundContext): Promise<void> {
    const asks = ctx.message.please_ack;
    // Never honour an ACK request on a pure ACK (spec: no ACK loops), on a forward (mediators
    // MUST NOT), or on a thread the circuit breaker silenced.
    if (!asks || !ctx.message.from || (ctx.message.type === EMPTY_TYPE && ctx.message.ack)) return;
    if (ctx.message.type === FORWARD_TYPE || ctx.state.silenced === true) return;
    const ids = asks.map((a) => (a === '' ? ctx.message.id : a));
    await this.#autoReply(ctx, { type: EMPTY_TYPE, ack: ids, body: {} }, 'ack');
  }

  #addReturnRoute(did: string, rr: ReturnRoute) {
    const before = this.#returnRoutes.get(did) ?? [];
    // This connection already carries a route of this peer's, whose close is watched already.
    const watched = before.some((r) => r.session === rr.session);
    const list = before.filter((r) => r.session.open && r.session.id !== rr.session.id);
    list.push(rr);
    // Most recently used last; past the bound the least recently used peer is forgotten.
    this.#returnRoutes.delete(did);
    this.#returnRoutes.set(did, list);
    while (this.#returnRoutes.size > this.#maxReturnRoutes) this.#returnRoutes.delete(this.#returnRoutes.keys().next().value!);
    if (watched) return;
    // Forget the channel when it closes, not when the peer next writes (which may be never):
    // an HTTP exchange holds its reply text. Once per connection and peer: a live client that
    // sends return-routed requests all day on one WebSocket must not pile up listeners on it.
    const session = rr.session;
    session.onClose?.(() => {
      const now = this.#returnRoutes.get(did);
      if (!now) return;
      const rest = now.filter((r) => r.session !== session);
      if (rest.length > 0) this.#returnRoutes.set(did, rest);
      else this.#returnRoutes.delete(did);
    });
  }

  /** Peers with a remembered return-routed channel (for tests and metrics). */
  get returnRouteCount(): number {
    return this.#returnRoutes.size;
  }

  /** An open return-routed channel to `did` that may carry `message`, if any. */
  #returnRouteFor(did: string, message: Message): Session | undefined {
    const list = this.#returnRoutes.get(did);
    if (!list) return undefined;
    const open = list.filter((r) => r.session.open);
    if (open.length !== list.length) this.#returnRoutes.set(did, open);
    const thid = message.thid ?? message.id;
    return open.find((r) => r.thread === undefined || r.thread === thid)?.session;
  }

  /** Sessions currently open to a DID (for live delivery by mediators). */
  sessionsFor(did: string): Session[] {
    return (this.#returnRoutes.get(did) ?? []).filter((r) => r.session.open).map((r) => r.session);
  }

  #noteWrittenTo(metadata: UnpackMetadata, senderDid: string | undefined) {
    if (!this.#fromPrior || !senderDid || !metadata.decryptedWithKid) return;
    if (parseDidUrl(metadata.decryptedWithKid).did !== this.did) return;
    // The peer now writes to our new DID: stop sending it from_prior (spec: until a message arrives at the new DID).
    if (this.#fromPrior.pendingPeers === 'all') this.#fromPrior.pendingPeers = new Set();
    this.#fromPrior.pendingPeers.add(senderDid);
  }

  // ---- outbound ----

  /** Pack and deliver `message` to each DID in its `to`. */
  async send(message: Message, o: SendOptions = {}): Promise<SendResult[]> {
    if (this.#stopped) throw new TypeError('the agent is stopped');
    if (!message.to || message.to.length === 0) throw new TypeError('send needs message.to');
    const out: SendResult[] = [];
    for (const to of message.to) out.push(await this.#sendTo(this.#withFromPrior(message, to), parseDidUrl(to).did, o));
    return out;
  }

  #withFromPrior(message: Message, to: string): Message {
    const fp = this.#fromPrior;
    if (!fp || message.from_prior !== undefined || message.from !== this.did) return message;
    if (fp.pendingPeers !== 'all' && fp.pendingPeers.has(parseDidUrl(to).did)) return message;
    return { ...message, from_prior: fp.jwt };
  }

  async #sendTo(message: Message, to: string, o: SendOptions): Promise<SendResult> {
    const from = o.anonymous || message.from === undefined ? undefined : message.from;
    const channel = o.session?.open ? o.session : o.useReturnRoutes === false ? undefined : this.#returnRouteFor(to, message);
    if (channel) {
      const { packed } = await this.#pack(message, { to, from, signBy: o.signBy, protectSender: o.protectSender, encAlgAnon: o.encAlgAnon, compat: o.compat, forward: false, resolver: this.resolver, secrets: this.secrets });
      await channel.send(packed);
      return { via: `session:${channel.id}`, packedBytes: packed.length };
    }
    const services = await findMessagingServices(this.resolver, to, o.serviceId);
    if (services.length === 0) throw new DIDCommError(ErrorCodes.ROUTING, `${to} has no DIDCommMessaging service we can use, and no open channel`);
    const errors: unknown[] = [];
    for (const service of services) {
      const scheme = service.uri.split(':')[0].toLowerCase();
      const transport = this.#transports.find((t) => t.schemes.includes(scheme));
      if (!transport) {
        errors.push(new Error(`no transport for ${scheme}`));
        continue;
      }
      const { packed } = await this.#pack(message, {
        to, from, signBy: o.signBy, protectSender: o.protectSender, encAlgAnon: o.encAlgAnon, compat: o.compat, forward: { serviceId: service.serviceId }, resolver: this.resolver, secrets: this.secrets,
      });
      if (await this.#transmit(transport, service.uri, packed, errors)) {
        this.logger.debug('sent', { id: message.id, type: message.type, to, uri: service.uri });
        return { via: service.uri, packedBytes: packed.length };
      }
      this.logger.warn('delivery failed, trying the next service', { id: message.id, to, uri: service.uri });
    }
    throw new DIDCommError(ErrorCodes.TRANSPORT, `could not deliver ${message.id} to ${to}`, { cause: errors.at(-1) });
  }

  /** One service, with retries and backoff; false (errors collected) when every attempt failed. */
  async #transmit(transport: OutboundTransport, uri: string, packed: string, errors: unknown[]): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await transport.send(uri, packed, this);
        return true;
      } catch (e) {
        errors.push(e);
        const retryable = !(e instanceof TransportError) || e.retryable;
        if (!retryable || attempt >= this.#retry.attempts || this.#stopped) return false;
        await sleep(this.#retry.baseDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  /**
   * Deliver a message already encrypted for `next` (a DID or key id), as a mediator relays a
   * forward's payload: over an open channel to that DID, else to its services, wrapped again
   * for any routing keys that are not ours (spec "Mediator Process").
   */
  async deliverPacked(next: string, payload: string | Record<string, unknown>, o: { encAlgAnon?: ContentEncAlg } = {}): Promise<SendResult> {
    if (this.#stopped) throw new TypeError('the agent is stopped');
    const did = parseDidUrl(next).did;
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const channel = this.sessionsFor(did)[0];
    if (channel) {
      await channel.send(text);
      return { via: `session:${channel.id}`, packedBytes: text.length };
    }
    const ours = (k: string) => this.#dids.includes(parseDidUrl(k).did);
    // A service routed through us would loop back here.
    const services = (await findMessagingServices(this.resolver, did)).filter((s) => !s.routingKeys.some(ours));
    if (services.length === 0) throw new DIDCommError(ErrorCodes.ROUTING, `${did} has no endpoint we can relay to, and no open channel`);
    const errors: unknown[] = [];
    for (const service of services) {
      const transport = this.#transports.find((t) => t.schemes.includes(service.uri.split(':')[0].toLowerCase()));
      if (!transport) {
        errors.push(new Error(`no transport for ${service.uri}`));
        continue;
      }
      const wrapped = service.routingKeys.length
        ? JSON.stringify(await wrapInForward(typeof payload === 'string' ? parseJsonObject(payload, 'relayed message') : payload, next, service.routingKeys, { resolver: this.resolver, encAlgAnon: o.encAlgAnon ?? 'A256CBC-HS512' }))
        : text;
      if (await this.#transmit(transport, service.uri, wrapped, errors)) return { via: service.uri, packedBytes: wrapped.length };
    }
    throw new DIDCommError(ErrorCodes.TRANSPORT, `could not relay to ${did}`, { cause: errors.at(-1) });
  }

  /** Send and wait for the first message in its thread (thid = its id). */
  async request(message: Message, o: SendOptions & { timeoutMs?: number } = {}): Promise<Received> {
    const result = new Promise<Received>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(message.id);
        reject(new DIDCommError(ErrorCodes.TIMEOUT, `no answer to ${message.type} within ${o.timeoutMs ?? this.#requestTimeoutMs} ms`));
      }, o.timeoutMs ?? this.#requestTimeoutMs);
      this.#pending.set(message.id, { resolve, reject, timer });
    });
    // The answer may arrive before send() returns; the caller observes it through `result`.
    result.catch(() => undefined);
    try {
      await this.send(message, o);
    } catch (e) {
      const p = this.#pending.get(message.id);
      if (p) clearTimeout(p.timer);
      this.#pending.delete(message.id);
      throw e;
    }
    return result;
  }

  /** Stop: pending requests fail, transports close. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new DIDCommError(ErrorCodes.TIMEOUT, `agent stopped before ${id} was answered`));
    }
    this.#pending.clear();
    await Promise.all(this.#transports.map((t) => t.close?.()));
  }
}
