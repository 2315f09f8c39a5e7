// After a gap in the store's announcements the live accounts' queues are read again
// (live-resync.ts): bounded reads at a time, failures counted, never two resyncs at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oneAtATime, resyncLive } from '../dist/live-resync.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('resyncLive reads each account once, at most `concurrency` at a time, and hands over what it found', async () => {
  let open = 0;
  let most = 0;
  const queues = { a: ['a1', 'a2'], b: [], c: ['c1'], broken: null };
  const accounts = [...Object.keys(queues), ...Array.from({ length: 20 }, (_, i) => `empty-${i}`)];
  const store = {
    async fetch(account, limit) {
      open++;
      most = Math.max(most, open);
      await sleep(2);
      open--;
      if (queues[account] === null) throw new Error('store down');
      return (queues[account] ?? []).slice(0, limit).map((id) => ({ id, recipientDid: account, receivedAt: 0, message: `{"id":"${id}"}` }));
    },
  };
  const handed = [];
  const r = await resyncLive(store, accounts, 1, (account, ids, messages) => handed.push({ account, ids, n: messages.length }), 3);
  assert.deepEqual(r, { accounts: accounts.length - 1, messages: 2, failed: 1 });
  assert.deepEqual(handed.sort((x, y) => x.account.localeCompare(y.account)), [{ account: 'a', ids: ['a1'], n: 1 }, { account: 'c', ids: ['c1'], n: 1 }], 'the oldest `limit` of each queue');
  assert.equal(most, 3, 'three reads at a time, not more');
  // A delivery that fails leaves the rest going.
  const r2 = await resyncLive(store, ['a', 'c'], 10, (account) => {
    if (account === 'a') throw new Error('socket gone');
  });
  assert.deepEqual(r2, { accounts: 2, messages: 3, failed: 0 });
});

test('oneAtATime: calls during a run make one more run after it, never two at once', async () => {
  let runs = 0;
  let running = 0;
  let overlapped = false;
  const go = oneAtATime(async () => {
    runs++;
    running++;
    if (running > 1) overlapped = true;
    await sleep(20);
    running--;
  });
  go();
  for (let i = 0; i < 5; i++) go();
  await sleep(100);
  assert.equal(runs, 2, 'the first run, then one for the five calls made during it');
  assert.equal(overlapped, false);
  go();
  await sleep(50);
  assert.equal(runs, 3);
  // A run that throws does not stop the next.
  const failing = oneAtATime(async () => {
    runs++;
    throw new Error('boom');
  });
  failing();
  await sleep(5);
  failing();
  await sleep(5);
  assert.equal(runs, 5);
});
