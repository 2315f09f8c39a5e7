// PostgreSQL, for several mediator instances sharing one database: the same accounts, queues
// and identity; an enqueue on one instance reaches the others through LISTEN/NOTIFY, so a
// recipient live on instance B gets what was forwarded through instance A.
import postgres from 'postgres';
import { randomUUID } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { didPart, newQueueId } from './ids.js';
import { asStoreFault } from './faults.js';
import { QueueFullError, RecipientLimitError, type AccessRule, type AccountInfo, type EnqueueItem, type EnqueueListener, type MediatorStore, type QueuedMessage, type QueueStatus, type UpdateResult } from './types.js';

export interface PostgresStoreOptions {
  /** Schema holding the tables (default "didcomm_mediator"); created when missing. */
  schema?: string;
  /** Connections in the pool (default 10). */
  max?: number;
  /**
   * How often (ms) the store checks that its LISTEN still hears: it NOTIFYs itself, and when
   * the previous check's echo never came it listens again and tells onResync listeners
   * (default 5000; 0: never).
   */
  listenCheckMs?: number;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

// The connection is gone (SQLSTATE class 08, the server shutting down, or the socket closed).
const LOST = /^(08...|57P0[123]|CONNECTION_(CLOSED|ENDED|DESTROYED)|ECONNRESET|EPIPE)$/;

/**
 * sql.begin, with failures as the store's typed faults (faults.ts), and minus a crash: when
 * the connection dies inside a transaction, postgres.js 3.4.9 writes its ROLLBACK to the
 * closed socket from a setImmediate, an uncaught TypeError that ends the process (measured
 * here with pg_terminate_backend; porsager/postgres#1154, #1208). A transaction whose
 * connection was lost is left unsettled instead: begin() rejects when the connection closes,
 * and the server has rolled it back.
 */
function begin<T>(sql: postgres.Sql, fn: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
  return sql
    .begin(async (tx) => {
      try {
        return await fn(tx);
      } catch (e) {
        if (LOST.test(String((e as { code?: unknown } | null)?.code))) return new Promise<T>(() => undefined);
        throw e;
      }
    })
    .catch((e) => {
      throw asStoreFault(e);
    }) as Promise<T>;
}

/**
 * The sockets of the LISTEN client, for its store to close: postgres.js's end() during a
 * reconnect's wait left the new connection open and idle, keeping the process alive (measured
 * with LISTEN connections killed every few ms). Once closed, no new one opens.
 */
class OwnedSockets {
  readonly #open = new Set<Socket>();
  #closed = false;
  /** The next of the URL's hosts, in turn as postgres.js tries them (a standby taking over). */
  #host = 0;

  open(c: { host: string[]; port: number[]; path?: string | false }): Socket {
    if (this.#closed) throw new Error('the store is closed');
    const i = this.#host++ % c.host.length;
    const socket = c.path ? netConnect(c.path) : netConnect(c.port[i] ?? c.port[0], c.host[i]);
    this.#open.add(socket);
    socket.once('close', () => this.#open.delete(socket));
    return socket;
  }

  closeAll(): void {
    this.#closed = true;
    for (const socket of this.#open) socket.destroy();
  }
}

/** Call every listener; a listener's failure is its own. */
function callEach<A extends unknown[]>(listeners: Iterable<(...args: A) => void>, ...args: A): void {
  for (const l of listeners) {
    try {
      l(...args);
    } catch {
      /* its own */
    }
  }
}

/** The listen check's last self-notification: whether it went out, and whether it came back. */
interface Probe {
  seq: number;
  echoed: boolean;
  state: 'sending' | 'sent' | 'failed';
}

type Row = { id: string; recipient_did: string; received_at: string | number; message: string };
const toQueued = (r: Row): QueuedMessage => ({ id: r.id, recipientDid: r.recipient_did, receivedAt: Number(r.received_at), message: r.message });

export class PostgresStore implements MediatorStore {
  readonly kind = 'postgres' as const;
  readonly schema: string;
  readonly #sql: postgres.Sql;
  readonly #channel: string;
  readonly #instance = randomUUID();
  readonly #listeners = new Set<EnqueueListener>();
  readonly #resyncListeners = new Set<() => void>();
  /** A client of its own for LISTEN, replaced when it stops hearing (see #checkListen). */
  #listener: postgres.Sql | undefined;
  readonly #connectListener: () => postgres.Sql;
  readonly #listenerSockets: OwnedSockets;
  /** The listen check's last self-notification, and whether it came back. */
  #probe: Probe = { seq: 0, echoed: true, state: 'sent' };
  #probeTimer: ReturnType<typeof setInterval> | undefined;
  #relistening: Promise<void> | undefined;
  #closed = false;

  private constructor(sql: postgres.Sql, schema: string, connect: () => postgres.Sql, listenerSockets: OwnedSockets) {
    this.#listenerSockets = listenerSockets;
    this.#sql = sql;
    this.schema = schema;
    this.#channel = `${schema}_enqueued`;
    this.#connectListener = connect;
  }

  /**
   * LISTEN on the channel. postgres.js listens again on a new connection when its listening
   * one drops, and calls onlisten each time; what was NOTIFYed meanwhile is gone, so each of
   * those calls after the first tells the resync listeners (after LISTEN holds: whatever commits
   * later is announced, whatever committed before is in what they read).
   */
  async #listen(): Promise<void> {
    const sql = (this.#listener = this.#connectListener());
    let announced = false;
    await sql.listen(this.#channel, (payload) => this.#onNotify(payload), () => {
      if (announced) this.#resync();
      announced = true;
    });
    if (this.#closed) await sql.end({ timeout: 0 }).catch(() => undefined);
  }

  /**
   * postgres.js gives up on a channel whose new LISTEN fails (its connection killed again, the
   * server still down): the failed LISTEN stays as the channel's state, every later listen on
   * that client fails with it, and live deliveries from other instances stopped for good
   * (measured, with LISTEN connections killed every few ms). So the store NOTIFYs itself now
   * and then, and when the last one found no listener it drops that client for a new one.
   */
  #checkListen(): void {
    if (this.#closed || this.#relistening) return;
    // A NOTIFY still waiting for a pool connection (a busy database) proves nothing yet: a
    // needless new LISTEN would read every live account's queue just when the database is busiest.
    if (this.#probe.state === 'sending') return;
    if (!this.#probe.echoed) {
      this.#relistening = (async () => {
        try {
          await this.#listener?.end({ timeout: 0 }).catch(() => undefined);
          if (this.#closed) return;
          await this.#listen();
          this.#probe = { seq: this.#probe.seq, echoed: true, state: 'sent' };
          this.#resync();
        } catch {
          /* the store is unreachable: the next check tries again */
        } finally {
          this.#relistening = undefined;
        }
      })();
      return;
    }
    const probe: Probe = (this.#probe = { seq: this.#probe.seq + 1, echoed: false, state: 'sending' });
    this.#sql.notify(this.#channel, JSON.stringify({ o: this.#instance, p: probe.seq })).then(
      () => void (probe.state = 'sent'),
      // Unsent (the database unreachable): the next check listens anew, and again until it can.
      () => void (probe.state = 'failed'),
    );
  }

  /** Connect, create the schema and tables when missing, and LISTEN for other instances' enqueues. */
  static async open(url: string, o: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const schema = o.schema ?? 'didcomm_mediator';
    if (!IDENT.test(schema)) throw new TypeError(`schema must be a lower-case SQL identifier, not ${JSON.stringify(schema)}`);
    // fetch_types off: postgres.js 3.4.9 reads the array types on each new connection from a
    // promise nobody awaits, so a connection killed meanwhile (pg_terminate_backend, a restart)
    // was an unhandled rejection that ended the process (measured). Without the types arrays
    // cannot be bound: lists go as JSON (jsonb_array_elements_text) or IN ${sql(list)}.
    // backoff: postgres.js waits up to 20 s before reconnecting, growing with failures counted
    // across the pool, so after a two-second restart forwards waited 10 s and more (measured);
    // at most a second between attempts here, a few per second per pool while it is down.
    const connect = (max: number, socket?: (o: { host: string[]; port: number[]; path?: string | false }) => Socket) =>
      postgres(url, {
        max,
        ...(socket ? { socket } : {}),
        fetch_types: false,
        backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
        onnotice: () => undefined,
        connection: { search_path: schema, application_name: 'didcomm-mediator' },
      });
    const sql = connect(o.max ?? 10);
    try {
      await sql.unsafe(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch((e) => {
        // Two instances creating the schema at once: the loser sees a unique violation.
        if ((e as { code?: string }).code !== '23505' && (e as { code?: string }).code !== '42P06') throw e;
      });
      await sql.begin(async (tx) => {
        await tx.unsafe(`SELECT pg_advisory_xact_lock(hashtext('${schema}.migrate'))`);
        await tx.unsafe(`
          CREATE TABLE IF NOT EXISTS ${schema}.accounts (did TEXT PRIMARY KEY, granted_at BIGINT NOT NULL, queued INTEGER NOT NULL DEFAULT 0);
          CREATE TABLE IF NOT EXISTS ${schema}.recipients (recipient_did TEXT PRIMARY KEY, account TEXT NOT NULL, added_at BIGINT NOT NULL, did TEXT NOT NULL);
          CREATE INDEX IF NOT EXISTS recipients_account ON ${schema}.recipients(account);
          CREATE TABLE IF NOT EXISTS ${schema}.queue (
            seq BIGSERIAL PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            account TEXT NOT NULL,
            recipient_did TEXT NOT NULL,
            received_at BIGINT NOT NULL,
            size INTEGER NOT NULL,
            message TEXT NOT NULL
          );
          CREATE INDEX IF NOT EXISTS queue_account ON ${schema}.queue(account, seq);
          CREATE INDEX IF NOT EXISTS queue_received ON ${schema}.queue(received_at);
          -- status's oldest and newest: exact MIN/MAX per account without reading its rows.
          CREATE INDEX IF NOT EXISTS queue_account_received ON ${schema}.queue(account, received_at);
          CREATE TABLE IF NOT EXISTS ${schema}.access (did TEXT PRIMARY KEY, rule TEXT NOT NULL CHECK (rule IN ('allow', 'deny')), updated_at BIGINT NOT NULL);
          CREATE TABLE IF NOT EXISTS ${schema}.settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        `);
        // The per-account byte counter came later: add it and recount both counters once.
        const [hasBytes] = await tx`SELECT 1 FROM information_schema.columns WHERE table_schema = ${schema} AND table_name = 'accounts' AND column_name = 'queued_bytes'`;
        if (!hasBytes) {
          await tx.unsafe(`
            ALTER TABLE ${schema}.accounts ADD COLUMN queued_bytes BIGINT NOT NULL DEFAULT 0;
            UPDATE ${schema}.accounts a SET
              queued = (SELECT COUNT(*) FROM ${schema}.queue q WHERE q.account = a.did),
              queued_bytes = (SELECT COALESCE(SUM(size), 0) FROM ${schema}.queue q WHERE q.account = a.did);
          `);
        }
        // Each recipient row names its bare DID, the unit of ownership. Earlier versions let
        // another account register a key id of a DID someone else held: those registrations
        // go, keeping the bare DID's registrant, else the first to register any of its DID URLs.
        const [hasDid] = await tx`SELECT 1 FROM information_schema.columns WHERE table_schema = ${schema} AND table_name = 'recipients' AND column_name = 'did'`;
        if (!hasDid) {
          await tx.unsafe(`
            ALTER TABLE ${schema}.recipients ADD COLUMN did TEXT NOT NULL DEFAULT '';
            UPDATE ${schema}.recipients SET did = substring(recipient_did from '^[^#?/]*');
            CREATE INDEX IF NOT EXISTS recipients_did ON ${schema}.recipients(did);
            DELETE FROM ${schema}.recipients r WHERE r.account <> (
              SELECT o.account FROM ${schema}.recipients o WHERE o.did = r.did ORDER BY o.recipient_did = o.did DESC, o.added_at, o.recipient_did LIMIT 1);
          `);
        }
        await tx.unsafe(`CREATE INDEX IF NOT EXISTS recipients_did ON ${schema}.recipients(did)`);
      });
      const listenerSockets = new OwnedSockets();
      const store = new PostgresStore(sql, schema, () => connect(1, (c) => listenerSockets.open(c)), listenerSockets);
      await store.#listen().catch(async (e) => {
        await store.#listener?.end({ timeout: 1 }).catch(() => undefined);
        throw e;
      });
      const every = o.listenCheckMs ?? 5000;
      if (every > 0) {
        store.#probeTimer = setInterval(() => store.#checkListen(), every);
        store.#probeTimer.unref();
      }
      return store;
    } catch (e) {
      await sql.end({ timeout: 1 }).catch(() => undefined);
      throw e;
    }
  }

  #onNotify(payload: string) {
    let n: { o?: string; a?: string; i?: string[]; p?: number };
    try {
      n = JSON.parse(payload);
    } catch {
      return;
    }
    if (n.o === this.#instance && n.p === this.#probe.seq) this.#probe.echoed = true;
    // Our own enqueues were announced locally already.
    if (n.o === this.#instance || typeof n.a !== 'string' || !Array.isArray(n.i)) return;
    this.#emit(n.a, n.i);
  }

  #emit(account: string, ids: string[], messages?: QueuedMessage[]) {
    callEach(this.#listeners, account, ids, messages);
  }

  get #t() {
    return this.#sql;
  }

  async getAccount(did: string) {
    const [r] = await this.#t`SELECT did, granted_at FROM accounts WHERE did = ${did}`;
    return r ? { did: r.did as string, grantedAt: Number(r.granted_at) } : null;
  }
  async grant(did: string) {
    const r = await this.#t`INSERT INTO accounts (did, granted_at) VALUES (${did}, ${Date.now()}) ON CONFLICT (did) DO NOTHING`;
    return r.count === 1;
  }
  async revoke(did: string) {
    return begin(this.#sql, async (tx) => {
      await tx`DELETE FROM recipients WHERE account = ${did}`;
      await tx`DELETE FROM queue WHERE account = ${did}`;
      const r = await tx`DELETE FROM accounts WHERE did = ${did}`;
      return r.count === 1;
    });
  }
  async listAccounts(): Promise<AccountInfo[]> {
    const rows = await this.#t`
      SELECT a.did, a.granted_at, (SELECT COUNT(*) FROM recipients r WHERE r.account = a.did) AS recipients, a.queued, a.queued_bytes AS bytes
      FROM accounts a ORDER BY a.granted_at`;
    return rows.map((r) => ({ did: r.did, grantedAt: Number(r.granted_at), recipients: Number(r.recipients), queued: Number(r.queued), queuedBytes: Number(r.bytes) }));
  }

  async getAccess(did: string) {
    const [r] = await this.#t`SELECT rule FROM access WHERE did = ${did}`;
    return (r?.rule as AccessRule | undefined) ?? null;
  }
  async setAccess(did: string, rule: AccessRule | null) {
    if (rule === null) await this.#t`DELETE FROM access WHERE did = ${did}`;
    else await this.#t`INSERT INTO access (did, rule, updated_at) VALUES (${did}, ${rule}, ${Date.now()}) ON CONFLICT (did) DO UPDATE SET rule = excluded.rule, updated_at = excluded.updated_at`;
  }
  async listAccess() {
    const rows = await this.#t`SELECT did, rule FROM access ORDER BY did`;
    return rows.map((r) => ({ did: r.did as string, rule: r.rule as AccessRule }));
  }

  async updateRecipients(account: string, updates: Array<{ recipientDid: string; action: 'add' | 'remove' }>, maxRecipients = Infinity): Promise<UpdateResult[]> {
    return begin(this.#sql, async (tx) => {
      // Instances update concurrently: the account's row lock keeps its count exact, and a lock
      // per bare DID (taken in one order, so two updates never wait on each other in a cycle)
      // keeps a DID and its key ids with one account.
      await tx`SELECT 1 FROM accounts WHERE did = ${account} FOR UPDATE`;
      const dids = [...new Set(updates.map((u) => didPart(u.recipientDid)))];
      await tx`SELECT pg_advisory_xact_lock(hashtext(${`${this.schema}.did`}), h) FROM (SELECT DISTINCT hashtext(d) AS h FROM jsonb_array_elements_text(${JSON.stringify(dids)}::text::jsonb) AS d ORDER BY h) s`;
      const [c] = await tx`SELECT COUNT(*) AS n FROM recipients WHERE account = ${account}`;
      const before = Number(c.n);
      let count = before;
      const out: UpdateResult[] = [];
      for (const { recipientDid, action } of updates) {
        if (action === 'add') {
          const did = didPart(recipientDid);
          const [owner] = await tx`SELECT account FROM recipients WHERE recipient_did = ${recipientDid}`;
          if (owner?.account === account) {
            out.push('no_change');
            continue;
          }
          const [other] = await tx`SELECT 1 FROM recipients WHERE did = ${did} AND account <> ${account} LIMIT 1`;
          if (other) {
            // Only the DID itself may take it back from whoever registered it or its key ids:
            // its authcrypt proved it holds the DID's keys.
            if (did !== didPart(account)) {
              out.push('client_error');
              continue;
            }
            await tx`DELETE FROM recipients WHERE did = ${did} AND account <> ${account}`;
          }
          await tx`INSERT INTO recipients (recipient_did, account, added_at, did) VALUES (${recipientDid}, ${account}, ${Date.now()}, ${did})`;
          count++;
          out.push('success');
        } else {
          const del = await tx`DELETE FROM recipients WHERE recipient_did = ${recipientDid} AND account = ${account}`;
          if (del.count === 1) {
            count--;
            out.push('success');
            continue;
          }
          const [owner] = await tx`SELECT account FROM recipients WHERE recipient_did = ${recipientDid}`;
          out.push(owner ? 'client_error' : 'no_change');
        }
      }
      // Thrown inside the transaction: nothing of this update stays.
      if (count > maxRecipients && count > before) throw new RecipientLimitError(account, maxRecipients);
      return out;
    });
  }
  async listRecipients(account: string, offset: number, limit: number) {
    const rows = await this.#t`SELECT recipient_did FROM recipients WHERE account = ${account} ORDER BY added_at, recipient_did LIMIT ${limit} OFFSET ${offset}`;
    const [c] = await this.#t`SELECT COUNT(*) AS n FROM recipients WHERE account = ${account}`;
    return { dids: rows.map((r) => r.recipient_did as string), total: Number(c.n) };
  }
  async findRecipient(recipientDid: string) {
    const did = didPart(recipientDid);
    const rows = await this.#t`SELECT recipient_did, account FROM recipients WHERE recipient_did IN ${this.#sql([...new Set([recipientDid, did])])}`;
    const exact = rows.find((r) => r.recipient_did === recipientDid)?.account as string | undefined;
    const bare = rows.find((r) => r.recipient_did === did)?.account as string | undefined;
    // The registrant of the bare DID owns its key ids too (a database from before that rule
    // may hold another account's key id of it: never routed to).
    if (bare !== undefined) return { account: bare, recipientDid: exact === bare ? recipientDid : did };
    return exact !== undefined ? { account: exact, recipientDid } : null;
  }

  async enqueue(item: EnqueueItem, maxQueue: number): Promise<string> {
    return (await this.enqueueMany([item], maxQueue))[0];
  }
  async enqueueMany(items: EnqueueItem[], maxQueue: number): Promise<string[]> {
    if (items.length === 0) return [];
    const receivedAt = Date.now();
    const rows = items.map((it) => ({ id: newQueueId(), account: it.account, recipient_did: it.recipientDid, received_at: receivedAt, size: Buffer.byteLength(it.message), message: it.message }));
    const per = new Map<string, { n: number; bytes: number; messages: QueuedMessage[] }>();
    for (const r of rows) {
      const c = per.get(r.account) ?? { n: 0, bytes: 0, messages: [] };
      c.n++;
      c.bytes += r.size;
      c.messages.push({ id: r.id, recipientDid: r.recipient_did, receivedAt, message: r.message });
      per.set(r.account, c);
    }
    await begin(this.#sql, async (tx) => {
      for (const [account, { n, bytes }] of per) {
        const bumped = await tx`UPDATE accounts SET queued = queued + ${n}, queued_bytes = queued_bytes + ${bytes} WHERE did = ${account} AND queued + ${n} <= ${maxQueue}`;
        if (bumped.count === 0) throw new QueueFullError(account);
      }
      await tx`INSERT INTO queue ${this.#sql(rows, 'id', 'account', 'recipient_did', 'received_at', 'size', 'message')}`;
    });
    for (const [account, { messages }] of per) {
      const ids = messages.map((m) => m.id);
      this.#emit(account, ids, messages);
      // Other instances learn of it through NOTIFY (payloads are limited to 8000 bytes, hence
      // the chunks); a lost notification only delays delivery to the next pickup.
      for (let i = 0; i < ids.length; i += 200) {
        this.#sql.notify(this.#channel, JSON.stringify({ o: this.#instance, a: account, i: ids.slice(i, i + 200) })).catch(() => undefined);
      }
    }
    return rows.map((r) => r.id);
  }
  async status(account: string, recipientDid?: string): Promise<QueueStatus> {
    // The whole queue: the account's counters, and MIN/MAX from the (account, received_at)
    // index (instances enqueue concurrently, so arrival order is not time order here): O(log n)
    // however long the queue, and a status answers every acknowledgement.
    const [r] = recipientDid === undefined
      ? await this.#t`SELECT COALESCE((SELECT queued FROM accounts WHERE did = ${account}), 0) AS n, COALESCE((SELECT queued_bytes FROM accounts WHERE did = ${account}), 0) AS bytes,
          (SELECT MIN(received_at) FROM queue WHERE account = ${account}) AS oldest, (SELECT MAX(received_at) FROM queue WHERE account = ${account}) AS newest`
      : await this.#t`SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes, MIN(received_at) AS oldest, MAX(received_at) AS newest FROM queue WHERE account = ${account} AND recipient_did = ${recipientDid}`;
    return {
      messageCount: Number(r.n),
      totalBytes: Number(r.bytes),
      ...(r.oldest != null ? { oldestReceivedAt: Number(r.oldest) } : {}),
      ...(r.newest != null ? { newestReceivedAt: Number(r.newest) } : {}),
    };
  }
  async fetch(account: string, limit: number, recipientDid?: string) {
    const rows = recipientDid === undefined
      ? await this.#t<Row[]>`SELECT id, recipient_did, received_at, message FROM queue WHERE account = ${account} ORDER BY seq LIMIT ${limit}`
      : await this.#t<Row[]>`SELECT id, recipient_did, received_at, message FROM queue WHERE account = ${account} AND recipient_did = ${recipientDid} ORDER BY seq LIMIT ${limit}`;
    return rows.map(toQueued);
  }
  async fetchByIds(account: string, ids: string[]) {
    if (ids.length === 0) return [];
    const rows = await this.#t<Row[]>`SELECT id, recipient_did, received_at, message FROM queue WHERE account = ${account} AND id IN ${this.#sql(ids)} ORDER BY seq`;
    return rows.map(toQueued);
  }
  async ack(account: string, ids: string[]) {
    if (ids.length === 0) return 0;
    return begin(this.#sql, async (tx) => {
      const gone = await tx`DELETE FROM queue WHERE account = ${account} AND id IN ${this.#sql([...new Set(ids)])} RETURNING size`;
      const bytes = gone.reduce((a, g) => a + Number(g.size), 0);
      if (gone.length > 0) await tx`UPDATE accounts SET queued = GREATEST(queued - ${gone.length}, 0), queued_bytes = GREATEST(queued_bytes - ${bytes}, 0) WHERE did = ${account}`;
      return gone.length;
    });
  }
  async purge(beforeMs: number) {
    return begin(this.#sql, async (tx) => {
      const rows = await tx`DELETE FROM queue WHERE received_at < ${beforeMs} RETURNING account, size`;
      const per = new Map<string, { n: number; bytes: number }>();
      for (const r of rows) {
        const c = per.get(r.account) ?? { n: 0, bytes: 0 };
        c.n++;
        c.bytes += Number(r.size);
        per.set(r.account, c);
      }
      for (const [account, { n, bytes }] of per) await tx`UPDATE accounts SET queued = GREATEST(queued - ${n}, 0), queued_bytes = GREATEST(queued_bytes - ${bytes}, 0) WHERE did = ${account}`;
      return rows.length;
    });
  }
  async totals() {
    // From the counters (O(accounts)): /metrics may be scraped often, the queue may be long.
    const [t] = await this.#t`SELECT COALESCE(SUM(queued), 0) AS messages, COALESCE(SUM(queued_bytes), 0) AS bytes, COUNT(*) AS accounts FROM accounts`;
    return { messages: Number(t.messages), bytes: Number(t.bytes), accounts: Number(t.accounts) };
  }

  async getSetting(key: string) {
    const [r] = await this.#t`SELECT value FROM settings WHERE key = ${key}`;
    return (r?.value as string | undefined) ?? null;
  }
  async setSettingIfAbsent(key: string, value: string) {
    await this.#t`INSERT INTO settings (key, value) VALUES (${key}, ${value}) ON CONFLICT (key) DO NOTHING`;
    return (await this.getSetting(key))!;
  }
  async setSetting(key: string, value: string) {
    await this.#t`INSERT INTO settings (key, value) VALUES (${key}, ${value}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`;
  }

  onEnqueued(listener: EnqueueListener) {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  onResync(listener: () => void) {
    this.#resyncListeners.add(listener);
    return () => void this.#resyncListeners.delete(listener);
  }

  #resync() {
    callEach(this.#resyncListeners);
  }

  /** Drop the schema with everything in it (tests). */
  async dropSchema(): Promise<void> {
    await this.#sql.unsafe(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
  }

  async close() {
    this.#closed = true;
    clearInterval(this.#probeTimer);
    // Sockets first: a new LISTEN waiting on a server that is down would otherwise hold the
    // close for as long as postgres.js keeps reconnecting; without a socket it fails at once.
    this.#listenerSockets.closeAll();
    await this.#listener?.end({ timeout: 1 }).catch(() => undefined);
    await this.#relistening;
    await this.#sql.end({ timeout: 5 });
  }
}
