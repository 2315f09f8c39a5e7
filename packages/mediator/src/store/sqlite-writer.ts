// The SQLite store's writer thread: its own connection to the same file (WAL, same
// synchronous setting) runs the enqueue transactions, so their commit (an fsync, and now and
// then a WAL checkpoint) blocks this thread, not the one serving HTTP. Batches arrive in
// order and are committed in order; each answer goes back after its commit.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface WriterBatch {
  seq: number;
  now: number;
  /** account, recipient DID, message, queue id, max queue: five entries per item. */
  items: Array<string | number>;
  /** Acknowledged messages leave the queue in the same transaction (one writer, one fsync). */
  acks: Array<{ account: string; ids: string[] }>;
}
/** Per item: 1 stored, 0 queue full; per ack how many went; or the error that rolled the batch back. */
export type WriterReply = { seq: number; stored: Uint8Array; acked: number[] } | { seq: number; error: string };

const { path, synchronous } = workerData as { path: string; synchronous: 'FULL' | 'NORMAL' };
const db = new Database(path);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${synchronous}`);
db.pragma('busy_timeout = 5000');
const bumpQueued = db.prepare('UPDATE accounts SET queued = queued + 1, queued_bytes = queued_bytes + ? WHERE did = ? AND queued < ?');
const insert = db.prepare('INSERT INTO queue (id, account, recipient_did, received_at, size, message) VALUES (?, ?, ?, ?, ?, ?)');
const ackId = db.prepare<[string, string], { size: number }>('DELETE FROM queue WHERE account = ? AND id = ? RETURNING size');
const dropQueued = db.prepare('UPDATE accounts SET queued = MAX(queued - ?, 0), queued_bytes = MAX(queued_bytes - ?, 0) WHERE did = ?');
const write = db.transaction((b: WriterBatch, stored: Uint8Array, acked: number[]) => {
  const it = b.items;
  for (let i = 0, k = 0; i < it.length; i += 5, k++) {
    const account = it[i] as string;
    const message = it[i + 2] as string;
    const size = Buffer.byteLength(message);
    if (bumpQueued.run(size, account, it[i + 4]).changes === 0) continue;
    insert.run(it[i + 3], account, it[i + 1], b.now, size, message);
    stored[k] = 1;
  }
  for (const a of b.acks) {
    let n = 0;
    let bytes = 0;
    for (const id of new Set(a.ids)) {
      const gone = ackId.get(a.account, id);
      if (gone) {
        n++;
        bytes += gone.size;
      }
    }
    if (n > 0) dropQueued.run(n, bytes, a.account);
    acked.push(n);
  }
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
    write(b, stored, acked);
    reply = { seq: b.seq, stored, acked };
  } catch (e) {
    reply = { seq: b.seq, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
});
