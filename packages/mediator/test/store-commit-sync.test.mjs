// Acknowledgement-only commits skip their own fsync (synchronous NORMAL, WAL mode) and leave
// the connection as configured for everything after them; commits that store keep theirs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { commitAs } from '../dist/store/sqlite-writes.js';
import { tempDir } from './helpers.mjs';

const level = (db) => db.pragma('synchronous', { simple: true }); // 1 NORMAL, 2 FULL

test('commitAs: NORMAL inside an acknowledgement-only transaction, FULL for stores and afterwards (also when it throws)', (t) => {
  const dir = tempDir('commit-sync-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = new Database(join(dir, 'x.db'));
  t.after(() => db.close());
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE q (id INTEGER PRIMARY KEY, m TEXT)');
  const commit = commitAs(db, 'FULL');
  const seen = [];
  commit(false, () => db.transaction(() => (seen.push(level(db)), db.prepare('INSERT INTO q (m) VALUES (?)').run('a')))());
  commit(true, () => db.transaction(() => (seen.push(level(db)), db.prepare('DELETE FROM q').run()))());
  assert.deepEqual(seen, [2, 1]);
  assert.equal(level(db), 2, 'restored after an acknowledgement-only commit');
  assert.throws(() => commit(true, () => db.transaction(() => { throw new Error('boom'); })()), /boom/);
  assert.equal(level(db), 2, 'restored after a failed one');
  // A connection configured NORMAL is left alone.
  db.pragma('synchronous = NORMAL');
  commitAs(db, 'NORMAL')(false, () => seen.push(level(db)));
  assert.equal(seen.at(-1), 1);
});
