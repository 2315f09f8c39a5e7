// Configuration from flags and environment variables (flags win). Each flag --some-name has
// the environment variable SOME_NAME; the store is also read from DATABASE_URL.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { COMPATS, type Compat } from '@didcomm-ts/core';
import type { SqliteWriter } from './store/open.js';

export type AccessPolicy = 'open' | 'allow-list';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface MediatorConfig {
  port: number;
  host: string;
  /** Data folder: SQLite database and encrypted secrets file (default ./data). */
  data: string;
  /** The URL clients reach this mediator at (default http://localhost:<port>). */
  publicUrl?: string;
  /** postgres://... for PostgreSQL; absent for SQLite in the data folder. */
  store?: string;
  pgSchema?: string;
  /** Encrypts the mediator's keys at rest (MEDIATOR_PASSPHRASE or --passphrase-file). */
  passphrase?: string;
  access: AccessPolicy;
  /** Largest DIDComm message accepted, HTTP body or WebSocket frame. */
  maxMessageBytes: number;
  /** Most messages waiting for one account. */
  maxQueue: number;
  /** Messages older than this are deleted, delivered or not. */
  retentionSeconds: number;
  /** Messages per second per connection. */
  rateLimit: number;
  logLevel: LogLevel;
  /** How long shutdown waits for in-flight requests. */
  shutdownTimeoutMs: number;
  /** SQLite commits: on a writer thread, inline, or auto (a writer thread when fsync is slow; the default). */
  sqliteWriter?: SqliteWriter;
  /** Worker threads that decrypt forwards (0: on the main thread; default: one a core but the main thread's). */
  unwrapWorkers?: number;
  /** scrypt cost for a new secrets file (lower only in tests). */
  scryptN?: number;
  /**
   * Also unwrap forwards in a named dialect the spec does not allow (core's unpack option
   * `compat`); absent: strict. `veramo`: Veramo 7's forwards, which carry no apv.
   */
  compat?: Compat;

  // Limits that keep any one client from breaking the service (each refusal counted in
  // didcomm_mediator_refused_total{reason}).
  /** Most messages one forward may carry (its attachments); more is refused before any work. */
  maxForwardPayloads: number;
  /** Most recipient DIDs (keylist entries) one account may register. */
  maxRecipients: number;
  /** Most open connections (HTTP and WebSocket) from one client address. */
  maxConnectionsPerIp: number;
  /** Most open connections in all. */
  maxConnections: number;
  /** A request's headers must arrive within this (slowloris). */
  headersTimeoutMs: number;
  /** A whole request, headers and body, must arrive within this. */
  requestTimeoutMs: number;
  /** A WebSocket of no granted account that had no message accepted for this long is closed. */
  wsAuthTimeoutMs: number;
  /** WebSocket frames handled at once per connection; further frames wait (the socket stops being read). */
  wsMaxInFlight: number;
  /** Bytes queued to a WebSocket peer that does not read; past it we stop reading from it, then close it. */
  wsMaxBufferedBytes: number;
  /** Messages per second per authenticated account (rateLimit is per client address). */
  accountRateLimit: number;
  /**
   * Addresses of reverse proxies whose X-Forwarded-For names the client (comma-separated IPs or
   * CIDRs, or `loopback`); empty: the socket's address is the client's, whatever the headers say.
   */
  trustProxy: string[];
  /** Messages whose created_time is older than this (or this far in the future) are refused. */
  maxMessageAgeSeconds: number;
  /** Message ids remembered per authenticated sender for replay detection. */
  replayIdsPerSender: number;
  /** Disk space (SQLite) kept in reserve so that pickup and acknowledgements go on when the disk fills. */
  diskReserveBytes: number;
  /** DID documents kept in the resolver's cache, besides those of live accounts (held while live). */
  resolverCache: number;
}

export const DEFAULTS = {
  port: 8080,
  host: '0.0.0.0',
  data: 'data',
  access: 'open' as AccessPolicy,
  maxMessageBytes: 1024 * 1024,
  maxQueue: 10_000,
  retentionSeconds: 30 * 24 * 3600,
  rateLimit: 200,
  logLevel: 'info' as LogLevel,
  shutdownTimeoutMs: 10_000,
  maxForwardPayloads: 10,
  maxRecipients: 1000,
  maxConnectionsPerIp: 100,
  maxConnections: 20_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  wsAuthTimeoutMs: 30_000,
  wsMaxInFlight: 4,
  wsMaxBufferedBytes: 8 * 1024 * 1024,
  accountRateLimit: 100,
  trustProxy: [] as string[],
  maxMessageAgeSeconds: 600,
  replayIdsPerSender: 1000,
  diskReserveBytes: 8 * 1024 * 1024,
  resolverCache: 1000,
};

const FLAGS = ['port', 'host', 'data', 'public-url', 'store', 'pg-schema', 'passphrase-file', 'access', 'max-message-bytes', 'max-queue', 'retention-seconds', 'rate-limit', 'log-level', 'shutdown-timeout-ms', 'unwrap-workers', 'sqlite-writer',
  'max-forward-payloads', 'max-recipients', 'max-connections-per-ip', 'max-connections', 'headers-timeout-ms', 'request-timeout-ms',
  'ws-auth-timeout-ms', 'ws-max-in-flight', 'ws-max-buffered-bytes', 'account-rate-limit', 'trust-proxy', 'max-message-age-seconds',
  'replay-ids-per-sender', 'disk-reserve-bytes', 'compat', 'resolver-cache'] as const;
type Flag = (typeof FLAGS)[number];

export const USAGE = `didcomm-mediator [options]
  --port N                 listen port (PORT, default 8080)
  --host H                 listen address (HOST, default 0.0.0.0)
  --data DIR               data folder (DATA, default ./data)
  --public-url URL         URL clients reach us at (PUBLIC_URL, default http://HOST:PORT, localhost for 0.0.0.0)
  --store postgres://...   PostgreSQL instead of SQLite (STORE or DATABASE_URL)
  --pg-schema NAME         PostgreSQL schema (PG_SCHEMA, default didcomm_mediator)
  --passphrase-file PATH   passphrase for the keys (PASSPHRASE_FILE; or MEDIATOR_PASSPHRASE)
  --access open|allow-list who may request mediation (ACCESS, default open)
  --max-message-bytes N    (MAX_MESSAGE_BYTES, default 1048576)
  --max-queue N            messages per account (MAX_QUEUE, default 10000)
  --retention-seconds N    (RETENTION_SECONDS, default 30 days)
  --rate-limit N           messages/s per client address (RATE_LIMIT, default 200)
  --log-level L            debug|info|warn|error (LOG_LEVEL, default info)
  --unwrap-workers N       threads decrypting forwards, 0 = main thread (UNWRAP_WORKERS, default: cores - 1)
  --sqlite-writer MODE     auto|thread|inline: SQLite commits on a writer thread or the main one
                           (SQLITE_WRITER, default auto: a thread when the disk's fsync is slow)
  --compat NAME            also unwrap forwards in this peer's dialect: veramo (COMPAT, default none: strict)
 Limits (a public mediator's defaults; each refusal is counted in didcomm_mediator_refused_total):
  --max-forward-payloads N  messages one forward may carry (MAX_FORWARD_PAYLOADS, default 10)
  --max-recipients N        recipient DIDs per account (MAX_RECIPIENTS, default 1000)
  --max-connections-per-ip N  open connections per client address (MAX_CONNECTIONS_PER_IP, default 100)
  --max-connections N       open connections in all (MAX_CONNECTIONS, default 20000)
  --headers-timeout-ms N    deadline for a request's headers (HEADERS_TIMEOUT_MS, default 10000)
  --request-timeout-ms N    deadline for a whole request (REQUEST_TIMEOUT_MS, default 30000)
  --ws-auth-timeout-ms N    close a WebSocket of no granted account idle this long (WS_AUTH_TIMEOUT_MS, default 30000)
  --ws-max-in-flight N      frames handled at once per WebSocket (WS_MAX_IN_FLIGHT, default 4)
  --ws-max-buffered-bytes N unread bytes to a WebSocket peer before it is paused, then closed;
                            over HTTP, unread answers per address before its requests get 429
                            (WS_MAX_BUFFERED_BYTES, default 8388608)
  --account-rate-limit N    messages/s per account (ACCOUNT_RATE_LIMIT, default 100)
  --trust-proxy LIST        proxies whose X-Forwarded-For is believed: IPs, CIDRs or "loopback" (TRUST_PROXY, default none)
  --max-message-age-seconds N  refuse messages created longer ago (or further ahead) (MAX_MESSAGE_AGE_SECONDS, default 600)
  --replay-ids-per-sender N message ids remembered per sender (REPLAY_IDS_PER_SENDER, default 1000)
  --disk-reserve-bytes N    SQLite: space held back so pickup goes on when the disk fills (DISK_RESERVE_BYTES, default 8388608)
  --resolver-cache N        DID documents cached besides live accounts' (held while live) (RESOLVER_CACHE, default 1000)`;

const envName = (f: Flag) => f.toUpperCase().replace(/-/g, '_');

function int(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new TypeError(`${name} must be an integer >= ${min}, not ${JSON.stringify(v)}`);
  return n;
}

/** Read flags (`--name value` or `--name=value`) over environment variables over defaults. */
export function parseConfig(argv: readonly string[], env: Record<string, string | undefined> = process.env): MediatorConfig {
  const given = new Map<Flag, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') throw new UsageRequested();
    if (!a.startsWith('--')) throw new TypeError(`unexpected argument ${JSON.stringify(a)}\n${USAGE}`);
    const eq = a.indexOf('=');
    const name = (eq > 0 ? a.slice(2, eq) : a.slice(2)) as Flag;
    if (!FLAGS.includes(name)) throw new TypeError(`unknown option --${name}\n${USAGE}`);
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new TypeError(`--${name} needs a value`);
    given.set(name, value);
  }
  const get = (f: Flag): string | undefined => given.get(f) ?? (env[envName(f)] || undefined);
  type NumericKey = { [K in keyof typeof DEFAULTS]: (typeof DEFAULTS)[K] extends number ? K : never }[keyof typeof DEFAULTS];
  const camel = (f: Flag) => f.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as NumericKey;
  const num = (f: Flag, min: number): number => (get(f) !== undefined ? int(f, get(f)!, min) : DEFAULTS[camel(f)]);
  const port = get('port') !== undefined ? int('port', get('port')!, 0) : DEFAULTS.port;
  if (port > 65535) throw new TypeError('port must be at most 65535');
  const access = (get('access') ?? DEFAULTS.access) as AccessPolicy;
  if (access !== 'open' && access !== 'allow-list') throw new TypeError(`access must be open or allow-list, not ${JSON.stringify(access)}`);
  const logLevel = (get('log-level') ?? DEFAULTS.logLevel) as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new TypeError(`log-level must be debug, info, warn or error`);
  const publicUrl = get('public-url');
  if (publicUrl !== undefined) {
    const u = new URL(publicUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError('public-url must be http:// or https://');
  }
  const store = given.get('store') ?? (env.STORE || env.DATABASE_URL || undefined);
  const sqliteWriter = get('sqlite-writer') as SqliteWriter | undefined;
  if (sqliteWriter !== undefined && !['auto', 'thread', 'inline'].includes(sqliteWriter)) throw new TypeError(`sqlite-writer must be auto, thread or inline, not ${JSON.stringify(sqliteWriter)}`);
  const compat = get('compat');
  if (compat !== undefined && !(COMPATS as readonly string[]).includes(compat)) throw new TypeError(`compat must be ${COMPATS.join(' or ')}, not ${JSON.stringify(compat)}`);
  const passphraseFile = get('passphrase-file');
  const passphrase = passphraseFile !== undefined ? readFileSync(passphraseFile, 'utf8').trim() : env.MEDIATOR_PASSPHRASE || undefined;
  return {
    port,
    host: get('host') ?? DEFAULTS.host,
    data: get('data') ?? DEFAULTS.data,
    ...(publicUrl !== undefined ? { publicUrl } : {}),
    ...(store !== undefined ? { store } : {}),
    ...(get('pg-schema') !== undefined ? { pgSchema: get('pg-schema') } : {}),
    ...(passphrase !== undefined ? { passphrase } : {}),
    access,
    maxMessageBytes: get('max-message-bytes') !== undefined ? int('max-message-bytes', get('max-message-bytes')!, 1024) : DEFAULTS.maxMessageBytes,
    maxQueue: get('max-queue') !== undefined ? int('max-queue', get('max-queue')!, 1) : DEFAULTS.maxQueue,
    retentionSeconds: get('retention-seconds') !== undefined ? int('retention-seconds', get('retention-seconds')!, 1) : DEFAULTS.retentionSeconds,
    rateLimit: get('rate-limit') !== undefined ? int('rate-limit', get('rate-limit')!, 1) : DEFAULTS.rateLimit,
    logLevel,
    ...(sqliteWriter !== undefined ? { sqliteWriter } : {}),
    ...(get('unwrap-workers') !== undefined ? { unwrapWorkers: int('unwrap-workers', get('unwrap-workers')!, 0) } : {}),
    ...(compat !== undefined ? { compat: compat as Compat } : {}),
    shutdownTimeoutMs: get('shutdown-timeout-ms') !== undefined ? int('shutdown-timeout-ms', get('shutdown-timeout-ms')!, 0) : DEFAULTS.shutdownTimeoutMs,
    maxForwardPayloads: num('max-forward-payloads', 1),
    maxRecipients: num('max-recipients', 1),
    maxConnectionsPerIp: num('max-connections-per-ip', 1),
    maxConnections: num('max-connections', 1),
    headersTimeoutMs: num('headers-timeout-ms', 100),
    requestTimeoutMs: num('request-timeout-ms', 100),
    wsAuthTimeoutMs: num('ws-auth-timeout-ms', 100),
    wsMaxInFlight: num('ws-max-in-flight', 1),
    wsMaxBufferedBytes: num('ws-max-buffered-bytes', 64 * 1024),
    accountRateLimit: num('account-rate-limit', 1),
    trustProxy: parseTrustProxy(get('trust-proxy')),
    maxMessageAgeSeconds: num('max-message-age-seconds', 1),
    replayIdsPerSender: num('replay-ids-per-sender', 10),
    diskReserveBytes: num('disk-reserve-bytes', 0),
    resolverCache: num('resolver-cache', 0),
  };
}

/** `--trust-proxy`: a comma-separated list of IPs, CIDRs or the word `loopback`; checked here, matched in net.ts. */
export function parseTrustProxy(v: string | undefined): string[] {
  if (v === undefined || v.trim() === '' || v === 'false' || v === 'none') return [];
  const list = v.split(',').map((x) => x.trim()).filter(Boolean);
  for (const x of list) {
    if (x === 'loopback') continue;
    const [ip, bits, extra] = x.split('/');
    if (extra !== undefined || isIP(ip) === 0 || (bits !== undefined && !(Number.isInteger(Number(bits)) && Number(bits) >= 0 && Number(bits) <= (isIP(ip) === 4 ? 32 : 128)))) {
      throw new TypeError(`trust-proxy must list IP addresses, CIDRs or "loopback", not ${JSON.stringify(x)}`);
    }
  }
  return list;
}

export class UsageRequested extends Error {
  constructor() {
    super(USAGE);
    this.name = 'UsageRequested';
  }
}

/** Fill in defaults for a programmatic config. */
export function withDefaults(c: Partial<MediatorConfig>): MediatorConfig {
  return { ...DEFAULTS, ...Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) } as MediatorConfig;
}
