// The WebSocket server's flow control: at most maxInFlight frames handled at once per
// connection (the rest wait, unread), and a peer that does not read what it is sent is dropped
// once more than maxBufferedBytes wait for it past drainTimeoutMs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import WebSocket from 'ws';
import { attachWebSocketServer } from '../../../dist/node.js';

async function listen(host, options) {
  const server = createServer();
  const errors = [];
  const sessions = [];
  const ws = attachWebSocketServer(server, host, { ...options, onError: (c) => errors.push(c), onConnection: (s) => sessions.push(s) });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `ws://127.0.0.1:${server.address().port}/ws`;
  const open = () =>
    new Promise((resolve, reject) => {
      const c = new WebSocket(url);
      c.once('open', () => resolve(c));
      c.once('error', reject);
    });
  return { errors, sessions, open, close: async () => (await ws.close(), await new Promise((r) => server.close(r))) };
}

test('frames beyond maxInFlight wait until one is handled; none is lost', async () => {
  let running = 0;
  let most = 0;
  const seen = [];
  const host = {
    receive: async (text) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 20));
      seen.push(text);
      running--;
    },
  };
  const s = await listen(host, { maxInFlight: 2 });
  const c = await s.open();
  try {
    for (let i = 0; i < 20; i++) c.send(`m${i}`);
    for (let i = 0; i < 200 && seen.length < 20; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(seen.length, 20);
    assert.equal(most, 2);
    assert.deepEqual(seen, Array.from({ length: 20 }, (_, i) => `m${i}`));
  } finally {
    c.terminate();
    await s.close();
  }
});

test('a peer that does not read is dropped once maxBufferedBytes wait past drainTimeoutMs; one that reads is not', async () => {
  const s = await listen({ receive: async () => undefined }, { maxBufferedBytes: 64 * 1024, drainTimeoutMs: 300 });
  const reader = await s.open();
  const stalled = await s.open();
  stalled.pause();
  try {
    const [forReader, forStalled] = s.sessions;
    const big = 'x'.repeat(1024 * 1024);
    // 16 MiB each: far past the kernel's socket buffers and the cap.
    const sends = (session) => Array.from({ length: 16 }, () => session.send(big).then(() => 'sent', () => 'failed'));
    const stalledResults = sends(forStalled);
    const readerResults = sends(forReader);
    assert.ok((await Promise.all(readerResults)).every((r) => r === 'sent'), 'the reading peer got everything');
    const results = await Promise.race([Promise.all(stalledResults), new Promise((r) => setTimeout(() => r('pending'), 5000))]);
    assert.notEqual(results, 'pending');
    assert.ok(results.includes('failed'));
    assert.ok(s.errors.includes('slow_consumer'));
    assert.equal(forStalled.open, false);
    assert.equal(forReader.open, true);
  } finally {
    reader.terminate();
    stalled.terminate();
    await s.close();
  }
});
