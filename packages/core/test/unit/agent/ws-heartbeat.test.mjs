// The WebSocket server's heartbeat: a peer that stops answering pings (it vanished: a phone off
// the network, a NAT that forgot the flow) is closed, so its session stops being open and
// live deliveries stop going into the void; a peer that answers stays connected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import WebSocket from 'ws';
import { attachWebSocketServer } from '../../../dist/node.js';

test('a connection that does not answer pings is closed; one that does stays open', async () => {
  const server = createServer();
  const sessions = [];
  const ws = attachWebSocketServer(server, { receive: async () => undefined }, { pingIntervalMs: 100, onConnection: (s) => sessions.push(s) });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `ws://127.0.0.1:${server.address().port}/ws`;
  const open = (o) =>
    new Promise((resolve, reject) => {
      const c = new WebSocket(url, o);
      c.once('open', () => resolve(c));
      c.once('error', reject);
    });
  const alive = await open({});
  const silent = await open({ autoPong: false });
  try {
    const closed = new Promise((r) => silent.once('close', (code) => r(code)));
    const code = await Promise.race([closed, new Promise((r) => setTimeout(() => r('still open'), 2000))]);
    assert.notEqual(code, 'still open', 'the silent peer was closed');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(alive.readyState, WebSocket.OPEN, 'the answering peer is still connected');
    assert.equal(sessions.length, 2);
    assert.deepEqual(sessions.map((s) => s.open), [true, false]);
  } finally {
    alive.close();
    silent.terminate();
    await ws.close();
    await new Promise((r) => server.close(r));
  }
});

test('pings are spread over the interval, a slice each tick, not sent to every connection at once', async () => {
  const server = createServer();
  const every = 1000;
  const ws = attachWebSocketServer(server, { receive: async () => undefined }, { pingIntervalMs: every });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `ws://127.0.0.1:${server.address().port}/ws`;
  const clients = await Promise.all(
    Array.from({ length: 40 }, () => new Promise((resolve, reject) => {
      const c = new WebSocket(url);
      c.once('open', () => resolve(c));
      c.once('error', reject);
    })),
  );
  try {
    // Each client's first ping after all are open, answered by ws itself.
    const firstPing = await Promise.all(clients.map((c) => new Promise((r) => c.once('ping', () => r(performance.now())))));
    const spread = Math.max(...firstPing) - Math.min(...firstPing);
    assert.ok(spread >= every / 2, `the first pings of 40 connections came within ${spread.toFixed(0)} ms of each other (one burst); expected them spread over the ${every} ms interval`);
    assert.ok(spread <= 2 * every, `spread ${spread.toFixed(0)} ms`);
    // Every connection keeps being pinged about once per interval, and stays open (it answers).
    const second = await Promise.all(clients.map((c) => new Promise((r) => c.once('ping', () => r(performance.now())))));
    for (const [k, t] of second.entries()) assert.ok(t - firstPing[k] > every / 2 && t - firstPing[k] < 2 * every, `connection ${k}: pings ${(t - firstPing[k]).toFixed(0)} ms apart`);
    assert.ok(clients.every((c) => c.readyState === WebSocket.OPEN));
  } finally {
    for (const c of clients) c.close();
    await ws.close();
    await new Promise((r) => server.close(r));
  }
});
