// The SQLite store's writer thread: its own connection to the same file (WAL, same
// synchronous setting) runs the enqueue transactions, so their commit (an fsync, and now and
// then a WAL checkpoint) blocks this thread, not the one serving HTTP. Batches arrive in
// order and are committed in order; each answer goes back after its commit.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { ackWriter, commitAs, configure, groupWriter, type GroupRow } from './sqlite-writes.js';

export interface WriterBatch {
  seq: number;
  now: number;
  /** account, recipient DID, message, queue id, max queue: five entries per item. */
  items: Array<string | number>;
  /** Items per enqueueMany, in order: each group is stored all or none. */
  groups: number[];
  /** Acknowledged messages leave the queue in the same transaction (one writer, one fsync). */
  acks: Array<{ account: string; ids: string[] }>;
}
/** Per item: 1 stored, 0 queue full; per ack how many went; or the error that rolled the batch back. */
export type WriterReply = { seq: number; stored: Uint8Array; acked: number[] } | { seq: number; error: string; code?: string };

const { path, synchronous } = workerData as { path: string; synchronous: 'FULL' | 'NORMAL' };
const db = new Database(path);
configure(db, synchronous);
const writeGroup = groupWriter(db);
const commit = commitAs(db, synchronous);
const ack = ackWriter(db);
const write = db.transaction((b: WriterBatch, stored: Uint8Array, acked: number[]) => {
  const it = b.items;
  let k = 0;
  for (const n of b.groups) {
    const first = k;
    const rows: GroupRow[] = [];
    for (; k < first + n; k++) rows.push({ account: it[5 * k] as string, recipientDid: it[5 * k + 1] as string, message: it[5 * k + 2] as string, id: it[5 * k + 3] as string });
    if (writeGroup(rows, it[5 * first + 4] as number, b.now)) stored.fill(1, first, k);
  }
  for (const a of b.acks) acked.push(ack(a.account, a.ids));
});

parentPort!.on('message', (b: WriterBatch | 'close') => {
  if (b === 'close') {
    db.close();
    parentPort!.postMessage('closed');
    return;
  }
  let reply: WriterReply;
  try {
    const stored = new Uint8Array(b.items.length / 5);
    const acked: number[] = [];
    commit(b.items.length === 0, () => write(b, stored, acked));
    reply = { seq: b.seq, stored, acked };
  } catch (e) {
    // The code (SQLITE_FULL, ...) tells the store which fault it was (faults.ts).
    const code = (e as { code?: unknown } | null)?.code;
    reply = { seq: b.seq, error: e instanceof Error ? e.message : String(e), ...(typeof code === 'string' ? { code } : {}) };
  }
  parentPort!.postMessage(reply);
});
