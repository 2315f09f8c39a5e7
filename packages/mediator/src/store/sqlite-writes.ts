// The SQLite store's writes, the same on the calling thread and on the writer thread
// (sqlite-writer.ts), each with its own connection: one enqueueMany's rows (a forward's
// payloads) all or none, acknowledged rows deleted, and the synchronous setting per commit.
import type Database from 'better-sqlite3';

/**
 * SQLite's page cache per connection, in KiB as a negative number (SQLite's default is 2 MiB).
 * With 10,000 accounts live the pages every forward and acknowledgement touch (accounts,
 * recipients, the queue's indexes) outgrew 2 MiB: each miss a pread, and the main thread's
 * store reads took twice as long as with 1,000. 32 MiB is an upper bound, filled only as used.
 */
const CACHE_SIZE = -32 * 1024;

/** A connection set up as every one of the store's is: WAL, `synchronous`, a busy timeout, the page cache. */
export function configure(db: Database.Database, synchronous: 'FULL' | 'NORMAL'): void {
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
  db.pragma(`cache_size = ${CACHE_SIZE}`);
}

export interface GroupRow {
  id: string;
  account: string;
  recipientDid: string;
  message: string;
}

/**
 * A function that stores one group inside the caller's transaction and answers false,
 * storing nothing of it, when an account's queue cannot take all of the group's rows within
 * `maxQueue`. It must be called inside a transaction (the batch's group commit).
 */
export function groupWriter(db: Database.Database): (rows: GroupRow[], maxQueue: number, now: number) => boolean {
  const bump = db.prepare('UPDATE accounts SET queued = queued + ?, queued_bytes = queued_bytes + ? WHERE did = ? AND queued + ? <= ?');
  const insert = db.prepare('INSERT INTO queue (id, account, recipient_did, received_at, size, message) VALUES (?, ?, ?, ?, ?, ?)');
  const full = new Error('queue full');
  const write = (rows: GroupRow[], sizes: number[], per: Map<string, { n: number; bytes: number }>, maxQueue: number, now: number) => {
    for (const [account, { n, bytes }] of per) if (bump.run(n, bytes, account, n, maxQueue).changes === 0) throw full;
    rows.forEach((r, i) => insert.run(r.id, r.account, r.recipientDid, now, sizes[i], r.message));
  };
  // Only a group for several accounts can be refused after a write (a later account's queue
  // full): it alone pays for a savepoint.
  const writeInSavepoint = db.transaction(write);
  return (rows, maxQueue, now) => {
    const sizes = rows.map((r) => Buffer.byteLength(r.message));
    const per = new Map<string, { n: number; bytes: number }>();
    rows.forEach((r, i) => {
      const c = per.get(r.account) ?? { n: 0, bytes: 0 };
      c.n++;
      c.bytes += sizes[i];
      per.set(r.account, c);
    });
    try {
      (per.size > 1 ? writeInSavepoint : write)(rows, sizes, per, maxQueue, now);
      return true;
    } catch (e) {
      if (e === full) return false;
      throw e;
    }
  };
}

/**
 * A function that deletes an account's acknowledged messages and lowers its counters, inside
 * the caller's transaction, on the calling thread and on the writer thread alike: -> how many
 * went (an id repeated counts once; ids of another account's queue delete nothing).
 */
export function ackWriter(db: Database.Database): (account: string, ids: string[]) => number {
  const ackId = db.prepare<[string, string], { size: number }>('DELETE FROM queue WHERE account = ? AND id = ? RETURNING size');
  const dropQueued = db.prepare('UPDATE accounts SET queued = MAX(queued - ?, 0), queued_bytes = MAX(queued_bytes - ?, 0) WHERE did = ?');
  return (account, ids) => {
    let n = 0;
    let bytes = 0;
    for (const id of new Set(ids)) {
      const gone = ackId.get(account, id);
      if (gone) {
        n++;
        bytes += gone.size;
      }
    }
    if (n > 0) dropQueued.run(n, bytes, account);
    return n;
  };
}

/**
 * Runs a transaction at the connection's own synchronous setting, or (`onlyAcks`: it only
 * deletes acknowledged messages) without an fsync of its own, the setting restored after it.
 * In WAL mode a NORMAL commit is written but not flushed: a power loss may undo it, and those
 * messages are delivered again (delivery is at-least-once; clients drop what they have seen),
 * while the next FULL commit flushes the WAL with it. A stored message's commit is always the
 * configured one. An fsync per acknowledgement cost a live message about as much CPU as the
 * rest of its storing on this machine's disk (more when the disk was idle between them).
 */
export function commitAs(db: Database.Database, synchronous: 'FULL' | 'NORMAL'): <T>(onlyAcks: boolean, run: () => T) => T {
  // db.pragma each time, not a prepared statement run again: SQLite applies this pragma when
  // the statement is compiled, so a prepared one changes nothing when it runs.
  return (onlyAcks, run) => {
    if (!onlyAcks || synchronous === 'NORMAL') return run();
    db.pragma('synchronous = NORMAL');
    try {
      return run();
    } finally {
      db.pragma(`synchronous = ${synchronous}`);
    }
  };
}
