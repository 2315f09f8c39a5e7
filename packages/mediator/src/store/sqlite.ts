// The embedded store: one SQLite file in WAL mode with synchronous=FULL (but for commits that
// only delete acknowledged messages: sqlite-writes.ts, commitAs). Enqueues that arrive
// together are written in one transaction (group commit), each resolved only after its commit.
// The transactions run on the calling thread, or (writerThread) on a writer thread with its own
// connection (sqlite-writer.ts), so that a slow disk's fsync does not stall the thread serving
// requests. On a disk whose fsync takes a fraction of a millisecond the hop to that thread and
// back costs more than the fsync (bench/mediator.mjs: lower CPU, shorter live-mode tail and more
// forwards/s inline), so the mediator picks by measuring the disk (store/open.ts).
import Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import { dirname } from 'node:path';
import { didPart, newQueueId } from './ids.js';
import { DiskReserve } from './disk-reserve.js';
import { asStoreFault, DiskFullError } from './faults.js';
import { ackWriter, commitAs, configure, groupWriter } from './sqlite-writes.js';
import { FILE_MODE, privateDir, privateFile, tighten } from '../files.js';
import type { WriterBatch, WriterReply } from './sqlite-writer.js';
import { QueueFullError, RecipientLimitError, type AccessRule, type AccountInfo, type EnqueueItem, type EnqueueListener, type MediatorStore, type QueuedMessage, type QueueStatus, type UpdateResult } from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS accounts (did TEXT PRIMARY KEY, granted_at INTEGER NOT NULL, queued INTEGER NOT NULL DEFAULT 0, queued_bytes INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS recipients (recipient_did TEXT PRIMARY KEY, account TEXT NOT NULL, added_at INTEGER NOT NULL, did TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS recipients_account ON recipients(account);
CREATE TABLE IF NOT EXISTS queue (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  account TEXT NOT NULL,
  recipient_did TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  size INTEGER NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS queue_account ON queue(account, seq);
CREATE INDEX IF NOT EXISTS queue_received ON queue(received_at);
CREATE TABLE IF NOT EXISTS access (did TEXT PRIMARY KEY, rule TEXT NOT NULL CHECK (rule IN ('allow', 'deny')), updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

interface PendingAck {
  account: string;
  ids: string[];
  /** Sent again once already: it rolled back with a batch that met a full disk. */
  retried?: boolean;
  resolve(n: number): void;
  reject(e: unknown): void;
}

/** One enqueueMany: its items are stored all or none. */
interface Pending {
  items: EnqueueItem[];
  maxQueue: number;
  resolve(ids: string[]): void;
  reject(e: unknown): void;
}

type Row = { id: string; recipient_did: string; received_at: number; message: string };
const toQueued = (r: Row): QueuedMessage => ({ id: r.id, recipientDid: r.recipient_did, receivedAt: r.received_at, message: r.message });

export interface SqliteStoreOptions {
  /** synchronous pragma (default FULL: a commit survives power loss, not only a crash). */
  synchronous?: 'FULL' | 'NORMAL';
  /** Commit enqueues on a writer thread (default false; never for ':memory:'). */
  writerThread?: boolean;
  /**
   * Bytes kept free in the data folder (a file, disk-reserve.ts) and given back when the disk
   * fills, so that acknowledgements, which drain the disk, still commit (default 0: none).
   */
  diskReserveBytes?: number;
}

export class SqliteStore implements MediatorStore {
  readonly kind = 'sqlite' as const;
  readonly path: string;
  /** Where commits run: 'thread' (the writer thread) or 'inline'. */
  get commits(): 'thread' | 'inline' {
    return this.#writer ? 'thread' : 'inline';
  }
  readonly #db: Database.Database;
  readonly #listeners = new Set<EnqueueListener>();
  #pending: Pending[] = [];
  #flushScheduled = false;
  #closed = false;
  #writer: Worker | undefined;
  #seq = 0;
  readonly #inFlight = new Map<number, { batch: Pending[]; ids: string[]; acks: PendingAck[]; now: number }>();
  #pendingAcks: PendingAck[] = [];
  #drained: (() => void) | undefined;
  readonly #disk: DiskReserve | undefined;
  #vacuumedAt = -Infinity;
  readonly #st: ReturnType<SqliteStore['prepare']>;
  readonly #writeGroup: ReturnType<typeof groupWriter>;
  readonly #commit: ReturnType<typeof commitAs>;
  readonly #ackRows: ReturnType<typeof ackWriter>;

  constructor(path: string, o: SqliteStoreOptions = {}) {
    this.path = path;
    if (path !== ':memory:') {
      // Accounts, queued messages, the identity record: for this user only. SQLite gives the
      // -wal and -shm files the database file's mode.
      privateDir(dirname(path));
      privateFile(path);
      for (const f of [`${path}-wal`, `${path}-shm`]) tighten(f, FILE_MODE);
    }
    this.#db = new Database(path);
    configure(this.#db, o.synchronous ?? 'FULL');
    this.#db.exec(SCHEMA);
    migrate(this.#db);
    const reserve = path === ':memory:' ? 0 : (o.diskReserveBytes ?? 0);
    this.#disk = reserve > 0 ? new DiskReserve({ dir: dirname(path), bytes: reserve, compact: () => this.#compact() }) : undefined;
    this.#st = this.prepare();
    this.#writeGroup = groupWriter(this.#db);
    this.#commit = commitAs(this.#db, o.synchronous ?? 'FULL');
    this.#ackRows = ackWriter(this.#db);
    if (o.writerThread === true && path !== ':memory:') this.#startWriter(o.synchronous ?? 'FULL');
  }

  #startWriter(synchronous: string): void {
    const writer = new Worker(new URL('./sqlite-writer.js', import.meta.url), { workerData: { path: this.path, synchronous } });
    writer.unref();
    writer.on('message', (r: WriterReply | 'closed') => {
      if (r === 'closed') return;
      const job = this.#inFlight.get(r.seq);
      if (!job) return;
      this.#inFlight.delete(r.seq);
      if (this.#inFlight.size === 0) {
        writer.unref();
        this.#drained?.();
      }
      if ('error' in r) {
        const e = this.#fault(Object.assign(new Error(r.error), { code: r.code }));
        for (const p of job.batch) p.reject(e);
        // The acknowledgements rolled back with the batch: once more, alone, in the space the reserve gave back.
        const again = e instanceof DiskFullError && this.#disk ? job.acks.filter((a) => !a.retried) : [];
        for (const a of job.acks) if (!again.includes(a)) a.reject(e);
        if (again.length > 0) {
          for (const a of again) a.retried = true;
          this.#pendingAcks.push(...again);
          this.#schedule();
        }
        return;
      }
      job.acks.forEach((a, i) => a.resolve(r.acked[i]));
      if (job.acks.length > 0) this.#afterAck();
      this.#settle(job.batch, job.ids.map((id, i) => (r.stored[i] === 1 ? id : undefined)), job.now);
    });
    // Should the thread die, what it held fails and later batches are committed here.
    const stop = (e: unknown) => {
      if (this.#writer !== writer) return;
      this.#writer = undefined;
      const err = e instanceof Error ? e : new Error(`the SQLite writer thread stopped (${String(e)})`);
      for (const job of this.#inFlight.values()) for (const p of [...job.batch, ...job.acks]) p.reject(err);
      this.#inFlight.clear();
      this.#drained?.();
    };
    writer.once('error', stop);
    writer.once('exit', stop);
    this.#writer = writer;
  }

  private prepare() {
    const db = this.#db;
    return {
      getAccount: db.prepare<[string], { did: string; granted_at: number }>('SELECT did, granted_at FROM accounts WHERE did = ?'),
      grant: db.prepare('INSERT INTO accounts (did, granted_at) VALUES (?, ?) ON CONFLICT(did) DO NOTHING'),
      delAccount: db.prepare('DELETE FROM accounts WHERE did = ?'),
      delRecipients: db.prepare('DELETE FROM recipients WHERE account = ?'),
      delQueue: db.prepare('DELETE FROM queue WHERE account = ?'),
      listAccounts: db.prepare<[], { did: string; granted_at: number; recipients: number; queued: number; bytes: number }>(
        `SELECT a.did, a.granted_at, (SELECT COUNT(*) FROM recipients r WHERE r.account = a.did) AS recipients, a.queued, a.queued_bytes AS bytes
         FROM accounts a ORDER BY a.granted_at`,
      ),
      getAccess: db.prepare<[string], { rule: AccessRule }>('SELECT rule FROM access WHERE did = ?'),
      setAccess: db.prepare('INSERT INTO access (did, rule, updated_at) VALUES (?, ?, ?) ON CONFLICT(did) DO UPDATE SET rule = excluded.rule, updated_at = excluded.updated_at'),
      delAccess: db.prepare('DELETE FROM access WHERE did = ?'),
      listAccess: db.prepare<[], { did: string; rule: AccessRule }>('SELECT did, rule FROM access ORDER BY did'),
      recipientOwner: db.prepare<[string], { account: string }>('SELECT account FROM recipients WHERE recipient_did = ?'),
      // Another account's registration of this DID or of any of its key ids.
      otherOwner: db.prepare<[string, string], { account: string }>('SELECT account FROM recipients WHERE did = ? AND account != ? LIMIT 1'),
      takeOver: db.prepare('DELETE FROM recipients WHERE did = ? AND account != ?'),
      addRecipient: db.prepare('INSERT INTO recipients (recipient_did, account, added_at, did) VALUES (?, ?, ?, ?)'),
      delRecipient: db.prepare('DELETE FROM recipients WHERE recipient_did = ? AND account = ?'),
      listRecipients: db.prepare<[string, number, number], { recipient_did: string }>('SELECT recipient_did FROM recipients WHERE account = ? ORDER BY added_at, recipient_did LIMIT ? OFFSET ?'),
      countRecipients: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM recipients WHERE account = ?'),
      // The whole queue's status from the account's counters and its first and last rows (rows
      // are received in seq order): O(log n) however long the queue, as each acknowledgement
      // is answered with a status.
      counters: db.prepare<[string], { n: number; bytes: number }>('SELECT queued AS n, queued_bytes AS bytes FROM accounts WHERE did = ?'),
      oldest: db.prepare<[string], { t: number }>('SELECT received_at AS t FROM queue WHERE account = ? ORDER BY seq LIMIT 1'),
      newest: db.prepare<[string], { t: number }>('SELECT received_at AS t FROM queue WHERE account = ? ORDER BY seq DESC LIMIT 1'),
      statusOne: db.prepare<[string, string], { n: number; bytes: number; oldest: number | null; newest: number | null }>(
        'SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes, MIN(received_at) AS oldest, MAX(received_at) AS newest FROM queue WHERE account = ? AND recipient_did = ?',
      ),
      fetchAll: db.prepare<[string, number], Row>('SELECT id, recipient_did, received_at, message FROM queue WHERE account = ? ORDER BY seq LIMIT ?'),
      fetchOne: db.prepare<[string, string, number], Row>('SELECT id, recipient_did, received_at, message FROM queue WHERE account = ? AND recipient_did = ? ORDER BY seq LIMIT ?'),
      fetchId: db.prepare<[string, string], Row>('SELECT id, recipient_did, received_at, message FROM queue WHERE account = ? AND id = ?'),
      dropQueued: db.prepare('UPDATE accounts SET queued = MAX(queued - ?, 0), queued_bytes = MAX(queued_bytes - ?, 0) WHERE did = ?'),
      // INDEXED BY: for the GROUP BY, SQLite's planner would otherwise walk queue_account, i.e.
      // every queued row, each purge (measured: 54 ms for 30,000 rows, on the main thread).
      expired: db.prepare<[number], { account: string; n: number; bytes: number }>('SELECT account, COUNT(*) AS n, SUM(size) AS bytes FROM queue INDEXED BY queue_received WHERE received_at < ? GROUP BY account'),
      purge: db.prepare('DELETE FROM queue INDEXED BY queue_received WHERE received_at < ?'),
      // From the counters (O(accounts)): /metrics may be scraped often, the queue may be long.
      totals: db.prepare<[], { messages: number; bytes: number; accounts: number }>('SELECT COALESCE(SUM(queued), 0) AS messages, COALESCE(SUM(queued_bytes), 0) AS bytes, COUNT(*) AS accounts FROM accounts'),
      getSetting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
      setSettingIfAbsent: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING'),
      setSetting: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    };
  }

  async getAccount(did: string) {
    const r = this.#st.getAccount.get(did);
    return r ? { did: r.did, grantedAt: r.granted_at } : null;
  }
  async grant(did: string) {
    return this.#st.grant.run(did, Date.now()).changes === 1;
  }
  async revoke(did: string) {
    return this.#db.transaction(() => {
      this.#st.delRecipients.run(did);
      this.#st.delQueue.run(did);
      return this.#st.delAccount.run(did).changes === 1;
    })();
  }
  async listAccounts(): Promise<AccountInfo[]> {
    return this.#st.listAccounts.all().map((r) => ({ did: r.did, grantedAt: r.granted_at, recipients: r.recipients, queued: r.queued, queuedBytes: r.bytes }));
  }

  async getAccess(did: string) {
    return this.#st.getAccess.get(did)?.rule ?? null;
  }
  async setAccess(did: string, rule: AccessRule | null) {
    if (rule === null) this.#st.delAccess.run(did);
    else this.#st.setAccess.run(did, rule, Date.now());
  }
  async listAccess() {
    return this.#st.listAccess.all();
  }

  async updateRecipients(account: string, updates: Array<{ recipientDid: string; action: 'add' | 'remove' }>, maxRecipients = Infinity): Promise<UpdateResult[]> {
    // IMMEDIATE: the checks and the writes see one state, whatever other connections (the
    // operator's tools) do meanwhile.
    return this.#db.transaction(() => {
      const before = this.#st.countRecipients.get(account)?.n ?? 0;
      let count = before;
      const results = updates.map(({ recipientDid, action }): UpdateResult => {
        const owner = this.#st.recipientOwner.get(recipientDid)?.account;
        if (action === 'add') {
          if (owner === account) return 'no_change';
          const did = didPart(recipientDid);
          if (this.#st.otherOwner.get(did, account) !== undefined) {
            // Only the DID itself may take it back from whoever registered it or its key ids:
            // its authcrypt proved it holds the DID's keys.
            if (did !== didPart(account)) return 'client_error';
            this.#st.takeOver.run(did, account);
          }
          this.#st.addRecipient.run(recipientDid, account, Date.now(), did);
          count++;
          return 'success';
        }
        if (owner === undefined) return 'no_change';
        if (owner !== account) return 'client_error';
        this.#st.delRecipient.run(recipientDid, account);
        count--;
        return 'success';
      });
      // Thrown inside the transaction: nothing of this update stays.
      if (count > maxRecipients && count > before) throw new RecipientLimitError(account, maxRecipients);
      return results;
    }).immediate();
  }
  async listRecipients(account: string, offset: number, limit: number) {
    const dids = this.#st.listRecipients.all(account, limit, offset).map((r) => r.recipient_did);
    return { dids, total: this.#st.countRecipients.get(account)?.n ?? 0 };
  }
  async findRecipient(recipientDid: string) {
    const did = didPart(recipientDid);
    const exact = this.#st.recipientOwner.get(recipientDid)?.account;
    const bare = did === recipientDid ? exact : this.#st.recipientOwner.get(did)?.account;
    // The registrant of the bare DID owns its key ids too (a database from before that rule
    // may hold another account's key id of it: never routed to).
    if (bare !== undefined) return { account: bare, recipientDid: exact === bare ? recipientDid : did };
    return exact !== undefined ? { account: exact, recipientDid } : null;
  }

  enqueue(item: EnqueueItem, maxQueue: number): Promise<string> {
    return this.enqueueMany([item], maxQueue).then((ids) => ids[0]);
  }
  enqueueMany(items: EnqueueItem[], maxQueue: number): Promise<string[]> {
    if (this.#closed) return Promise.reject(new Error('the store is closed'));
    if (items.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.#pending.push({ items, maxQueue, resolve, reject });
      this.#schedule();
    });
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    const acks = this.#pendingAcks;
    this.#pendingAcks = [];
    if (batch.length === 0 && acks.length === 0) return;
    // While the disk is full only acknowledgements are written: they are what frees it.
    if (this.#disk?.full && batch.length > 0) {
      for (const p of batch.splice(0)) p.reject(new DiskFullError());
      if (acks.length === 0) return;
    }
    const writer = this.#writer;
    if (!writer) return this.#flushHere(batch, acks);
    const items: Array<string | number> = [];
    const ids: string[] = [];
    for (const p of batch) {
      for (const item of p.items) {
        const id = newQueueId();
        ids.push(id);
        items.push(item.account, item.recipientDid, item.message, id, p.maxQueue);
      }
    }
    const seq = ++this.#seq;
    const now = Date.now();
    this.#inFlight.set(seq, { batch, ids, acks, now });
    writer.ref();
    writer.postMessage({ seq, now, items, groups: batch.map((p) => p.items.length), acks: acks.map((a) => ({ account: a.account, ids: a.ids })) } satisfies WriterBatch);
  }

  #schedule(): void {
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  /**
   * Commit on this thread (':memory:', or without the writer thread): the flush's enqueues and
   * acknowledgements in one transaction, one fsync, as the writer thread does (an fsync per
   * acknowledgement was 40% of the main thread with 1,000 live wallets acknowledging).
   */
  #flushHere(batch: Pending[], acks: PendingAck[] = []): void {
    const ids: Array<string | undefined> = [];
    const acked: number[] = [];
    const now = Date.now();
    try {
      this.#commit(batch.length === 0, () =>
        this.#db.transaction(() => {
          for (const p of batch) {
            const rows = p.items.map((item) => ({ ...item, id: newQueueId() }));
            const stored = this.#writeGroup(rows, p.maxQueue, now);
            for (const r of rows) ids.push(stored ? r.id : undefined);
          }
          for (const a of acks) acked.push(this.#ackRows(a.account, a.ids));
        })(),
      );
    } catch (e) {
      const f = this.#fault(e);
      for (const p of batch) p.reject(f);
      // The acknowledgements rolled back with the batch: each again alone (on a full disk, in
      // the space the reserve gave back), so that they still drain the disk.
      for (const a of acks) {
        try {
          a.resolve(this.#ackHere(a.account, a.ids));
        } catch (e2) {
          a.reject(e2);
        }
      }
      return;
    }
    acks.forEach((a, i) => a.resolve(acked[i]));
    if (acks.length > 0) this.#afterAck();
    this.#settle(batch, ids, now);
  }

  /**
   * Resolve each enqueueMany with its ids (one per item, in order; undefined: the queue was
   * full and none of its items was stored), then tell the listeners.
   */
  #settle(batch: Pending[], ids: Array<string | undefined>, receivedAt: number): void {
    const byAccount = new Map<string, QueuedMessage[]>();
    let k = 0;
    for (const p of batch) {
      const mine = ids.slice(k, (k += p.items.length));
      if (mine.some((id) => id === undefined)) {
        p.reject(new QueueFullError(p.items[0].account));
        continue;
      }
      p.resolve(mine as string[]);
      p.items.forEach((item, i) => {
        const list = byAccount.get(item.account) ?? [];
        list.push({ id: mine[i]!, recipientDid: item.recipientDid, receivedAt, message: item.message });
        byAccount.set(item.account, list);
      });
    }
    for (const [account, messages] of byAccount) {
      for (const l of this.#listeners) l(account, messages.map((m) => m.id), messages);
    }
  }

  async status(account: string, recipientDid?: string): Promise<QueueStatus> {
    const r =
      recipientDid === undefined
        ? { ...(this.#st.counters.get(account) ?? { n: 0, bytes: 0 }), oldest: this.#st.oldest.get(account)?.t ?? null, newest: this.#st.newest.get(account)?.t ?? null }
        : this.#st.statusOne.get(account, recipientDid);
    return {
      messageCount: r?.n ?? 0,
      totalBytes: r?.bytes ?? 0,
      ...(r?.oldest != null ? { oldestReceivedAt: r.oldest } : {}),
      ...(r?.newest != null ? { newestReceivedAt: r.newest } : {}),
    };
  }
  async fetch(account: string, limit: number, recipientDid?: string) {
    const rows = recipientDid === undefined ? this.#st.fetchAll.all(account, limit) : this.#st.fetchOne.all(account, recipientDid, limit);
    return rows.map(toQueued);
  }
  async fetchByIds(account: string, ids: string[]) {
    return ids.map((id) => this.#st.fetchId.get(account, id)).filter((r): r is Row => r !== undefined).map(toQueued);
  }
  async ack(account: string, ids: string[]): Promise<number> {
    if (this.#closed) return this.#ackHere(account, ids);
    // In the next group commit (on the writer thread's connection when there is one: one
    // writer, no lock waits).
    return new Promise((resolve, reject) => {
      this.#pendingAcks.push({ account, ids, resolve, reject });
      this.#schedule();
    });
  }

  /** A failed write as the store's typed fault (faults.ts); a full disk spends the reserve. */
  #fault(e: unknown): unknown {
    const f = asStoreFault(e);
    if (f instanceof DiskFullError) this.#disk?.exhausted();
    return f;
  }

  #ackHere(account: string, ids: string[], retried = false): number {
    try {
      const n = this.#ackTx(account, ids);
      this.#afterAck();
      return n;
    } catch (e) {
      const f = this.#fault(e);
      // The reserve was just given back for this: acknowledgements are what drains the disk.
      if (f instanceof DiskFullError && this.#disk && !retried) return this.#ackHere(account, ids, true);
      throw f;
    }
  }

  /**
   * While the disk is full each acknowledgement is followed by a WAL checkpoint, so the WAL
   * does not grow into the reserve's space, and a look for space (disk-reserve.ts).
   */
  #afterAck(): void {
    if (this.#disk?.full) this.#disk.check();
  }

  /**
   * On a full disk, give back what the file system can use again: the WAL (it keeps its
   * largest size, 4 MB with the default checkpoints), and once most pages are free (the queue
   * was drained) the free pages too. Acknowledged rows only go to SQLite's free list; VACUUM
   * needs room for what remains, which is then little. At most every 5 s: it rewrites the file.
   */
  #compact(): void {
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
    const pages = this.#db.pragma('page_count', { simple: true }) as number;
    const free = this.#db.pragma('freelist_count', { simple: true }) as number;
    if (free * 2 <= pages || performance.now() - this.#vacuumedAt < 5000) return;
    this.#vacuumedAt = performance.now();
    this.#db.exec('VACUUM');
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
  }

  #ackTx(account: string, ids: string[]): number {
    return this.#db.transaction(() => this.#ackRows(account, ids))();
  }

  async purge(beforeMs: number) {
    return this.#db.transaction(() => {
      for (const { account, n, bytes } of this.#st.expired.all(beforeMs)) this.#st.dropQueued.run(n, bytes, account);
      return this.#st.purge.run(beforeMs).changes;
    })();
  }
  async totals() {
    const t = this.#st.totals.get()!;
    return { messages: t.messages, bytes: t.bytes, accounts: t.accounts };
  }

  async getSetting(key: string) {
    return this.#st.getSetting.get(key)?.value ?? null;
  }
  async setSettingIfAbsent(key: string, value: string) {
    this.#st.setSettingIfAbsent.run(key, value);
    return this.#st.getSetting.get(key)!.value;
  }
  async setSetting(key: string, value: string) {
    this.#st.setSetting.run(key, value);
  }

  onEnqueued(listener: EnqueueListener) {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  async close() {
    if (this.#closed) return;
    this.#flush();
    this.#closed = true;
    this.#disk?.close();
    const writer = this.#writer;
    if (writer) {
      if (this.#inFlight.size > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
      this.#writer = undefined;
      writer.ref();
      await new Promise<void>((resolve) => {
        writer.once('exit', () => resolve());
        writer.postMessage('close');
        writer.once('message', () => void writer.terminate());
      });
    }
    this.#db.close();
  }
}

/**
 * Bring a database written by an earlier version up to this schema: the per-account byte
 * counter came later; it (and the message counter) is recounted once from the queue. So did
 * the recipients' bare DID (see migrateRecipientDids).
 */
function migrate(db: Database.Database): void {
  migrateRecipientDids(db);
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(accounts)').all().map((c) => c.name);
  if (columns.includes('queued_bytes')) return;
  db.transaction(() => {
    db.exec('ALTER TABLE accounts ADD COLUMN queued_bytes INTEGER NOT NULL DEFAULT 0');
    db.exec(`UPDATE accounts SET
      queued = (SELECT COUNT(*) FROM queue q WHERE q.account = accounts.did),
      queued_bytes = (SELECT COALESCE(SUM(size), 0) FROM queue q WHERE q.account = accounts.did)`);
  })();
}

/**
 * Each recipient row names its bare DID, the unit of ownership. Earlier versions let another
 * account register a key id of a DID someone else held: those registrations are dropped,
 * keeping the bare DID's registrant, else the first to register any of its DID URLs.
 */
function migrateRecipientDids(db: Database.Database): void {
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(recipients)').all().map((c) => c.name);
  if (!columns.includes('did')) {
    db.function('did_part', { deterministic: true }, (s: unknown) => didPart(String(s)));
    db.transaction(() => {
      db.exec(`ALTER TABLE recipients ADD COLUMN did TEXT NOT NULL DEFAULT ''`);
      db.exec('UPDATE recipients SET did = did_part(recipient_did)');
      // The index first: the repair below looks up each row's DID.
      db.exec('CREATE INDEX IF NOT EXISTS recipients_did ON recipients(did)');
      db.exec(`DELETE FROM recipients WHERE account != (
        SELECT o.account FROM recipients o WHERE o.did = recipients.did ORDER BY o.recipient_did = o.did DESC, o.added_at, o.recipient_did LIMIT 1)`);
    })();
  }
  db.exec('CREATE INDEX IF NOT EXISTS recipients_did ON recipients(did)');
}
