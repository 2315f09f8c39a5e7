// PostgreSQL, for several mediator instances sharing one database: the same accounts, queues
// and identity; an enqueue on one instance reaches the others through LISTEN/NOTIFY, so a
// recipient live on instance B gets what was forwarded through instance A.
import postgres from 'postgres';
import { randomUUID } from 'node:crypto';
import { didPart, newQueueId } from './ids.js';
import { QueueFullError, type AccessRule, type AccountInfo, type EnqueueItem, type EnqueueListener, type MediatorStore, type QueuedMessage, type QueueStatus, type UpdateResult } from './types.js';

export interface PostgresStoreOptions {
  /** Schema holding the tables (default "didcomm_mediator"); created when missing. */
  schema?: string;
  /** Connections in the pool (default 10). */
  max?: number;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

type Row = { id: string; recipient_did: string; received_at: string | number; message: string };
const toQueued = (r: Row): QueuedMessage => ({ id: r.id, recipientDid: r.recipient_did, receivedAt: Number(r.received_at), message: r.message });

export class PostgresStore implements MediatorStore {
  readonly kind = 'postgres' as const;
  readonly schema: string;
  readonly #sql: postgres.Sql;
  readonly #channel: string;
  readonly #instance = randomUUID();
  readonly #listeners = new Set<EnqueueListener>();
  #unlisten: (() => Promise<void>) | undefined;

  private constructor(sql: postgres.Sql, schema: string) {
    this.#sql = sql;
    this.schema = schema;
    this.#channel = `${schema}_enqueued`;
  }

  /** Connect, create the schema and tables when missing, and LISTEN for other instances' enqueues. */
  static async open(url: string, o: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const schema = o.schema ?? 'didcomm_mediator';
    if (!IDENT.test(schema)) throw new TypeError(`schema must be a lower-case SQL identifier, not ${JSON.stringify(schema)}`);
    const sql = postgres(url, { max: o.max ?? 10, onnotice: () => undefined, connection: { search_path: schema, application_name: 'didcomm-mediator' } });
    try {
      await sql.unsafe(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch((e) => {
        // Two instances creating the schema at once: the loser sees a unique violation.
        if ((e as { code?: string }).code !== '23505' && (e as { code?: string }).code !== '42P06') throw e;
      });
      await sql.begin(async (tx) => {
        await tx.unsafe(`SELECT pg_advisory_xact_lock(hashtext('${schema}.migrate'))`);
        await tx.unsafe(`
          CREATE TABLE IF NOT EXISTS ${schema}.accounts (did TEXT PRIMARY KEY, granted_at BIGINT NOT NULL, queued INTEGER NOT NULL DEFAULT 0);
          CREATE TABLE IF NOT EXISTS ${schema}.recipients (recipient_did TEXT PRIMARY KEY, account TEXT NOT NULL, added_at BIGINT NOT NULL);
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
      });
      const store = new PostgresStore(sql, schema);
      const { unlisten } = await sql.listen(store.#channel, (payload) => store.#onNotify(payload));
      store.#unlisten = unlisten;
      return store;
    } catch (e) {
      await sql.end({ timeout: 1 }).catch(() => undefined);
      throw e;
    }
  }

  #onNotify(payload: string) {
    let n: { o?: string; a?: string; i?: string[] };
    try {
      n = JSON.parse(payload);
    } catch {
      return;
    }
    // Our own enqueues were announced locally already.
    if (n.o === this.#instance || typeof n.a !== 'string' || !Array.isArray(n.i)) return;
    this.#emit(n.a, n.i);
  }

  #emit(account: string, ids: string[], messages?: QueuedMessage[]) {
    for (const l of this.#listeners) {
      try {
        l(account, ids, messages);
      } catch {
        /* a listener's failure is its own */
      }
    }
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
    return this.#sql.begin(async (tx) => {
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

  async updateRecipients(account: string, updates: Array<{ recipientDid: string; action: 'add' | 'remove' }>): Promise<UpdateResult[]> {
    return this.#sql.begin(async (tx) => {
      const out: UpdateResult[] = [];
      for (const { recipientDid, action } of updates) {
        if (action === 'add') {
          const ins = await tx`INSERT INTO recipients (recipient_did, account, added_at) VALUES (${recipientDid}, ${account}, ${Date.now()}) ON CONFLICT (recipient_did) DO NOTHING`;
          if (ins.count === 1) {
            out.push('success');
            continue;
          }
          const [owner] = await tx`SELECT account FROM recipients WHERE recipient_did = ${recipientDid}`;
          out.push(owner?.account === account ? 'no_change' : 'client_error');
        } else {
          const del = await tx`DELETE FROM recipients WHERE recipient_did = ${recipientDid} AND account = ${account}`;
          if (del.count === 1) {
            out.push('success');
            continue;
          }
          const [owner] = await tx`SELECT account FROM recipients WHERE recipient_did = ${recipientDid}`;
          out.push(owner ? 'client_error' : 'no_change');
        }
      }
      return out;
    });
  }
  async listRecipients(account: string, offset: number, limit: number) {
    const rows = await this.#t`SELECT recipient_did FROM recipients WHERE account = ${account} ORDER BY added_at, recipient_did LIMIT ${limit} OFFSET ${offset}`;
    const [c] = await this.#t`SELECT COUNT(*) AS n FROM recipients WHERE account = ${account}`;
    return { dids: rows.map((r) => r.recipient_did as string), total: Number(c.n) };
  }
  async findRecipient(recipientDid: string) {
    const candidates = [...new Set([recipientDid, didPart(recipientDid)])];
    const rows = await this.#t`SELECT recipient_did, account FROM recipients WHERE recipient_did IN ${this.#sql(candidates)}`;
    for (const c of candidates) {
      const r = rows.find((x) => x.recipient_did === c);
      if (r) return { account: r.account as string, recipientDid: c };
    }
    return null;
  }

  async enqueue(item: EnqueueItem, maxQueue: number): Promise<string> {
    const id = newQueueId();
    const receivedAt = Date.now();
    const size = Buffer.byteLength(item.message);
    await this.#sql.begin(async (tx) => {
      const bumped = await tx`UPDATE accounts SET queued = queued + 1, queued_bytes = queued_bytes + ${size} WHERE did = ${item.account} AND queued < ${maxQueue}`;
      if (bumped.count === 0) throw new QueueFullError(item.account);
      await tx`INSERT INTO queue (id, account, recipient_did, received_at, size, message) VALUES (${id}, ${item.account}, ${item.recipientDid}, ${receivedAt}, ${size}, ${item.message})`;
    });
    this.#emit(item.account, [id], [{ id, recipientDid: item.recipientDid, receivedAt, message: item.message }]);
    // Other instances learn of it through NOTIFY; a lost notification only delays delivery to the next pickup.
    this.#sql.notify(this.#channel, JSON.stringify({ o: this.#instance, a: item.account, i: [id] })).catch(() => undefined);
    return id;
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
    return this.#sql.begin(async (tx) => {
      const gone = await tx`DELETE FROM queue WHERE account = ${account} AND id IN ${this.#sql([...new Set(ids)])} RETURNING size`;
      const bytes = gone.reduce((a, g) => a + Number(g.size), 0);
      if (gone.length > 0) await tx`UPDATE accounts SET queued = GREATEST(queued - ${gone.length}, 0), queued_bytes = GREATEST(queued_bytes - ${bytes}, 0) WHERE did = ${account}`;
      return gone.length;
    });
  }
  async purge(beforeMs: number) {
    return this.#sql.begin(async (tx) => {
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

  /** Drop the schema with everything in it (tests). */
  async dropSchema(): Promise<void> {
    await this.#sql.unsafe(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
  }

  async close() {
    await this.#unlisten?.().catch(() => undefined);
    await this.#sql.end({ timeout: 5 });
  }
}
