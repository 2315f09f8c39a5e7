// SQLite group commit: what arrives in one turn of the event loop (forwards to store,
// acknowledgements to delete) is committed in one transaction, so one fsync, on the main
// thread as on the writer thread. Counted from the WAL file itself: each commit ends with a
// frame whose header carries the database size (the other frames carry zero).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore } from '../dist/index.js';
import { tempDir } from './helpers.mjs';

/** Commit frames in the WAL since its last reset (frames of an older salt are left out). */
function walCommits(path) {
  let wal;
  try {
    wal = readFileSync(`${path}-wal`);
  } catch {
    return 0;
  }
  if (wal.length < 32) return 0;
  const pageSize = wal.readUInt32BE(8);
  const [salt1, salt2] = [wal.readUInt32BE(16), wal.readUInt32BE(20)];
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break;
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
  }
  return commits;
}

for (const writerThread of [false, true]) {
  test(`SQLite (${writerThread ? 'writer thread' : 'main thread'}): enqueues and acknowledgements of one turn are one commit, and each gets its own answer`, async (t) => {
    const dir = tempDir('group-commit-');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'mediator.db');
    const store = new SqliteStore(path, { writerThread });
    t.after(() => store.close());
    const accounts = Array.from({ length: 10 }, (_, i) => `did:example:wallet${i}`);
    for (const a of accounts) await store.grant(a);
    const first = await Promise.all(accounts.flatMap((a) => [1, 2].map((n) => store.enqueue({ account: a, recipientDid: `${a}#key`, message: `first ${n} of ${a}` }, 100))));
    const before = walCommits(path);

    // One turn: every account acknowledges its two (one id twice, one id of another account:
    // neither counts), and gets a new message.
    const acks = accounts.map((a, i) => store.ack(a, [first[2 * i], first[2 * i + 1], first[2 * i], first[(2 * i + 2) % first.length]]));
    const more = accounts.map((a) => store.enqueue({ account: a, recipientDid: `${a}#key`, message: `second of ${a}` }, 100));
    const [acked, ids] = await Promise.all([Promise.all(acks), Promise.all(more)]);

    assert.deepEqual(acked, accounts.map(() => 2), 'each acknowledgement removed its account\'s two rows only');
    assert.equal(new Set(ids).size, accounts.length);
    assert.equal(walCommits(path) - before, 1, 'ten acknowledgements and ten enqueues in one commit');
    for (const [i, a] of accounts.entries()) {
      const left = await store.fetch(a, 10);
      assert.deepEqual(left.map((q) => [q.id, q.message]), [[ids[i], `second of ${a}`]], `${a}'s queue`);
      assert.equal((await store.status(a)).messageCount, 1);
    }
  });
}
