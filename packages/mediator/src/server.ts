// Start a mediator: store, identity, the Mediator, the HTTP server with its WebSocket endpoint,
// retention, metrics, and a shutdown that drains what is in flight.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { createInvitation, invitationUrl, jsonLogger, type DIDResolver, type Logger, type Message, type Secret } from '@didcomm-ts/core';
import { attachWebSocketServer } from '@didcomm-ts/core/node';
import { withDefaults, type MediatorConfig } from './config.js';
import { chatSite, defaultChatDir } from './chat.js';
import { createRequestHandler } from './http.js';
import { loadIdentity } from './identity.js';
import { Mediator, REQUEST_POLICY } from './mediator.js';
import { clientAddressOf, guardServer, proxiedUpgradeGuard, RateLimiter } from './net.js';
import { Metrics } from './metrics.js';
import { privateDataDir } from './files.js';
import { ShortLinks } from './short-links.js';
import { openStore } from './store/open.js';
import { SqliteStore } from './store/sqlite.js';
import type { MediatorStore } from './store/types.js';
import type { ForwardUnwrapper } from './unwrap.js';
import { defaultUnwrapWorkers, workerUnwrapper } from './unwrap-pool.js';
import { deriveV1Key, v1Identity, V1Mediator } from './v1/index.js';

export interface RunningMediator {
  mediator: Mediator;
  store: MediatorStore;
  server: Server;
  /** Where this instance listens (http://host:port/). */
  url: string;
  wsUrl: string;
  /** The public HTTP endpoint in the DID. */
  publicUrl: string;
  did: string;
  invitation: Message;
  invitationUrl: string;
  /** A short link to invitationUrl (GET answers 302 to it): what the QR code carries. */
  shortInvitationUrl: string;
  /** The DIDComm v1 (out-of-band 1.1) invitation URL, for Aries wallets (GET /oob?version=1&format=url). */
  v1InvitationUrl: string;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Take over the forward's decryption (default: the worker pool of config.unwrapWorkers). */
  unwrapper?: ForwardUnwrapper;
  /** Use this store instead of opening the configured one (it is closed with the mediator). */
  store?: MediatorStore;
  /** Resolve DIDs with this (default: core's createResolver with a cache of config.resolverCache documents). */
  resolver?: DIDResolver;
  /** Serve GET /chat from this folder (default: the build of @didcomm-ts/chat, when installed; null: no /chat). */
  chatDir?: string | null;
}

/** The passphrase for the keys: configured, or (SQLite only) one generated into the data folder. */
function passphraseFor(c: MediatorConfig, shared: boolean, logger: Logger): string {
  if (c.passphrase) return c.passphrase;
  if (shared) throw new Error('with PostgreSQL the instances share encrypted keys: set MEDIATOR_PASSPHRASE (or --passphrase-file) to the same value on each');
  const file = join(c.data, 'passphrase');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  logger.warn('no MEDIATOR_PASSPHRASE: generated one in the data folder; keep the keys safer by setting it', { file });
  return readFileSync(file, 'utf8').trim();
}

export async function startMediator(config: Partial<MediatorConfig>, o: StartOptions = {}): Promise<RunningMediator> {
  const c = withDefaults(config);
  const logger = o.logger ?? jsonLogger(c.logLevel);
  // It holds the accounts, the queues and the keys: 0700, its files 0600.
  const narrowed = privateDataDir(c.data);
  if (narrowed.length > 0) logger.warn('the data folder was readable by other local users: narrowed to its owner', { paths: narrowed });
  const store = o.store ?? (await openStore({ data: c.data, store: c.store, pgSchema: c.pgSchema, sqliteWriter: c.sqliteWriter ?? 'auto', diskReserveBytes: c.diskReserveBytes }));
  let stopping = false;
  let mediator: Mediator | undefined;
  const metrics = new Metrics();
  // Deadlines against slowloris: Node checks them every connectionsCheckingInterval (30 s by default).
  const server = createServer({
    headersTimeout: Math.min(c.headersTimeoutMs, c.requestTimeoutMs),
    requestTimeout: c.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(100, Math.min(1000, c.headersTimeoutMs / 4)),
  });
  const guard = { ...c, onRefused: (reason: string) => metrics.inc('didcomm_mediator_refused_total', { reason }) };
  guardServer(server, guard);
  // One budget per client address for DIDComm messages over HTTP and WebSocket alike.
  const clientOf = clientAddressOf(c.trustProxy);
  const ipRate = new RateLimiter(c.rateLimit);
  // We listen before the identity exists (port 0 must be known to build the DID's URL); until
  // the handler is attached, every request gets a clear 503 instead of hanging.
  const starting = (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' }).end(JSON.stringify({ error: 'starting', message: 'the mediator is starting' }));
  };
  server.on('request', starting);
  try {
    const passphrase = passphraseFor(c, store.kind === 'postgres', logger);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(c.port, c.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const localHost = c.host === '0.0.0.0' || c.host === '::' ? '127.0.0.1' : c.host;
    // Without a public URL: the address we listen on, or localhost when that is every address.
    const defaultHost = c.host === '0.0.0.0' || c.host === '::' ? 'localhost' : c.host.includes(':') ? `[${c.host}]` : c.host;
    const base = new URL(c.publicUrl ?? `http://${defaultHost}:${port}/`);
    const publicUrl = base.href;
    const ws = new URL(base.href);
    ws.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    ws.pathname = `${base.pathname.replace(/\/$/, '')}/ws`;
    const identity = await loadIdentity({ store, data: c.data, passphrase, httpUri: publicUrl, wsUri: ws.href, logger, scryptN: c.scryptN });
    const workers = o.unwrapper ? 0 : (c.unwrapWorkers ?? defaultUnwrapWorkers());
    const held = (identity.secrets as { list?: () => Secret[] }).list?.();
    // The pool needs the secrets as data; a secrets resolver that cannot list them stays inline.
    // It unpacks requests too (authcrypt, signatures) unless DIDs resolve with a resolver of the
    // caller's, which a worker thread cannot share.
    // DIDComm v1's key derives from the oldest DID's secret (v1/identity.ts), here and in the workers.
    const firstDid = identity.dids[identity.dids.length - 1];
    let pool = !o.unwrapper && workers > 0 && held ? workerUnwrapper({ secrets: held, size: workers, policy: { maxBytes: c.maxMessageBytes, compat: c.compat }, requestPolicy: o.resolver ? undefined : REQUEST_POLICY, resolverCache: c.resolverCache, maxForwardPayloads: c.maxForwardPayloads, v1Did: firstDid }) : undefined;
    // The first forward should not wait for a worker to load; workers that cannot start leave
    // the decryption on this thread.
    await pool?.ready().catch(async (e) => {
      logger.warn('unwrap workers could not start; decrypting forwards on the main thread', { error: e instanceof Error ? e.message : String(e) });
      await pool?.close?.();
      pool = undefined;
    });
    const unwrapper = o.unwrapper ?? pool;
    mediator = new Mediator({
      identity,
      store,
      logger,
      metrics,
      access: c.access,
      compat: c.compat,
      unwrapper,
      ...(o.resolver ? { resolver: o.resolver } : {}),
      limits: { resolverCache: c.resolverCache, maxMessageBytes: c.maxMessageBytes, maxQueue: c.maxQueue, retentionSeconds: c.retentionSeconds, maxMessageAgeSeconds: c.maxMessageAgeSeconds, replayIdsPerSender: c.replayIdsPerSender, maxForwardPayloads: c.maxForwardPayloads, maxRecipients: c.maxRecipients, accountRateLimit: c.accountRateLimit },
    });
    const m = mediator;
    const invitation = createInvitation({
      from: identity.did,
      id: await store.setSettingIfAbsent(`oob:${identity.did}`, randomUUID()),
      goal_code: 'request-mediate',
      goal: 'Request mediation',
      accept: ['didcomm/v2'],
    });
    const invUrl = invitationUrl(invitation, publicUrl);
    // DIDComm v1 (v1/): its key derives from the oldest DID's secret, so every instance on a
    // shared store has the same one and a new public URL keeps it; the invitation id is stored.
    const v1Id = await v1Identity({
      key: await deriveV1Key(held ?? [], firstDid),
      httpUrl: publicUrl,
      wsUrl: ws.href,
      invitationId: await store.setSettingIfAbsent(`oob-v1:${firstDid}`, randomUUID()),
    });
    m.v1 = new V1Mediator(m.ctx, v1Id, publicUrl, { unpack: unwrapper?.unpackV1 });
    const shortLinks = new ShortLinks({ store, metrics, publicUrl, allowed: m.ctx.allowed });
    shortLinks.register(m.agent);
    const shortInvUrl = await shortLinks.own(identity.did, invUrl);
    const handler = createRequestHandler({
      mediator: m,
      logger,
      maxBytes: c.maxMessageBytes,
      rateLimit: c.rateLimit,
      maxUnreadBytes: c.wsMaxBufferedBytes,
      rate: ipRate,
      clientAddress: clientOf,
      invitation: () => ({ json: invitation, url: invUrl }),
      invitationV1: () => ({ json: v1Id.invitation, url: v1Id.invitationUrl }),
      shortLink: (u) => shortLinks.resolve(u),
      chat: o.chatDir === null ? undefined : chatSite(o.chatDir ?? defaultChatDir(), { httpUrl: publicUrl, wsUrl: ws.href }),
      stopping: () => stopping,
      health: async () => {
        try {
          await store.status('', undefined);
          // Forwards refused for a store fault (a full disk): still up, pickup and
          // acknowledgements go on (200, not a reason to restart or to route pickups away), but
          // a monitor should see that it takes no messages.
          const fault = mediator?.storeFault;
          if (fault !== undefined) return { status: 'degraded', did: identity.did, store: store.kind, fault, accepting: false };
          return { status: 'ok', did: identity.did, store: store.kind };
        } catch (e) {
          return { status: 'unavailable', store: store.kind, error: e instanceof Error ? e.message : String(e) };
        }
      },
      metrics: async () => {
        const t = await store.totals();
        return metrics.render({
          didcomm_mediator_queue_messages: t.messages,
          didcomm_mediator_queue_bytes: t.bytes,
          didcomm_mediator_accounts: t.accounts,
          didcomm_mediator_live_sessions: m.live.count() + (m.v1?.liveCount() ?? 0),
          didcomm_mediator_http_in_flight: handler.inFlight(),
        });
      },
    });
    server.off('request', starting);
    server.on('request', (req, res) => void handler(req, res));
    const wss = attachWebSocketServer(server, m, {
      path: '/ws',
      maxBytes: c.maxMessageBytes,
      // The client's key is taken once per connection, so an idle session does not keep its request.
      admitFrames: (req) => {
        const client = clientOf(req);
        return () => ipRate.take(client);
      },
      admitUpgrade: proxiedUpgradeGuard(guard, clientOf),
      maxInFlight: c.wsMaxInFlight,
      maxBufferedBytes: c.wsMaxBufferedBytes,
      authTimeoutMs: c.wsAuthTimeoutMs,
      onError: (code) => metrics.inc('didcomm_mediator_refused_total', { reason: `ws_${code}` }),
    });
    logger.info('mediator listening', { did: identity.did, url: `http://${localHost}:${port}/`, publicUrl, store: store.kind, ...(store instanceof SqliteStore ? { sqliteCommits: store.commits } : {}), access: c.access, unwrapWorkers: pool ? workers : 0 });

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        stopping = true;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Requests already being handled finish (a forward gets its durable write and its answer).
        const deadline = Date.now() + c.shutdownTimeoutMs;
        while (handler.inFlight() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        await wss.close();
        server.closeAllConnections();
        await closed;
        await m.close();
        await store.close();
        logger.info('mediator stopped', { did: identity.did });
      })());
    return {
      mediator: m,
      store,
      server,
      url: `http://${localHost}:${port}/`,
      wsUrl: `ws://${localHost}:${port}/ws`,
      publicUrl,
      did: identity.did,
      invitation,
      invitationUrl: invUrl,
      shortInvitationUrl: shortInvUrl,
      v1InvitationUrl: v1Id.invitationUrl,
      close,
    };
  } catch (e) {
    server.close();
    await mediator?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw e;
  }
}
