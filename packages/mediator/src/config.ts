// Configuration from flags and environment variables (flags win). Each flag --some-name has
// the environment variable SOME_NAME; the store is also read from DATABASE_URL.
import { readFileSync } from 'node:fs';
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
};

const FLAGS = ['port', 'host', 'data', 'public-url', 'store', 'pg-schema', 'passphrase-file', 'access', 'max-message-bytes', 'max-queue', 'retention-seconds', 'rate-limit', 'log-level', 'shutdown-timeout-ms', 'unwrap-workers', 'sqlite-writer'] as const;
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
  --rate-limit N           messages/s per connection (RATE_LIMIT, default 200)
  --log-level L            debug|info|warn|error (LOG_LEVEL, default info)
  --unwrap-workers N       threads decrypting forwards, 0 = main thread (UNWRAP_WORKERS, default: cores - 1)
  --sqlite-writer MODE     auto|thread|inline: SQLite commits on a writer thread or the main one
                           (SQLITE_WRITER, default auto: a thread when the disk's fsync is slow)`;

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
    shutdownTimeoutMs: get('shutdown-timeout-ms') !== undefined ? int('shutdown-timeout-ms', get('shutdown-timeout-ms')!, 0) : DEFAULTS.shutdownTimeoutMs,
  };
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
