// Connections and slow clients (issue 11, item 9): connection caps per address and in all,
// header and body deadlines, 413 while an oversized body is still arriving, rate limits per
// address (not per connection) and per account, and X-Forwarded-For believed only from a
// trusted proxy. The attacker is 127.0.0.2 (and .4), the honest client 127.0.0.3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResolver, ErrorCodes } from '@didcomm-ts/core';
import { mediatedClient, testMediator } from './helpers.mjs';
import { healthzMs, httpFrom, postFrom, refused, sleep, tcpFrom, wsFrom } from './attack-helpers.mjs';

const ATTACKER = '127.0.0.2';
const HONEST = '127.0.0.3';
const OTHER = '127.0.0.4';

test('connections over the cap of their address, or of the server, are closed as they arrive', async () => {
  const m = await testMediator({ maxConnectionsPerIp: 20, maxConnections: 45 });
  const open = [];
  try {
    // 20 idle TCP connections and WebSockets from one address fill its share.
    for (let i = 0; i < 15; i++) open.push(await tcpFrom(ATTACKER, m.url));
    for (let i = 0; i < 5; i++) open.push(await wsFrom(ATTACKER, m.wsUrl));
    const extra = [];
    for (let i = 0; i < 5; i++) extra.push(await tcpFrom(ATTACKER, m.url).catch(() => null));
    const closedAt = await Promise.all(extra.map((c) => (c ? Promise.race([c.closed, sleep(1000).then(() => 'open')]) : 'refused')));
    assert.ok(closedAt.every((x) => x !== 'open'), 'the 21st to 25th connections were closed at once');
    await assert.rejects(wsFrom(ATTACKER, m.wsUrl), 'a WebSocket over the cap does not open');
    assert.equal(await refused(m.url, 'connections_per_ip'), 6);
    // Another address is served as usual.
    assert.equal((await httpFrom(HONEST, `${m.url}healthz`)).status, 200);
    // The total: another 20 from a second address leave room for 45 - 40 = 5 more in all.
    for (let i = 0; i < 20; i++) open.push(await tcpFrom(OTHER, m.url));
    for (let i = 0; i < 4; i++) open.push(await tcpFrom(HONEST, m.url));
    const last = await tcpFrom(HONEST, m.url).catch(() => null);
    if (last) assert.notEqual(await Promise.race([last.closed, sleep(1000).then(() => 'open')]), 'open');
    assert.equal(await refused(m.url, 'connections'), 1);
    // Closed connections give their places back.
    for (const c of open.splice(0)) c.socket ? c.socket.destroy() : c.ws.terminate();
    await sleep(200);
    assert.equal((await httpFrom(ATTACKER, `${m.url}healthz`)).status, 200);
  } finally {
    for (const c of open) c.socket ? c.socket.destroy() : c.ws.terminate();
    await m.stop();
  }
});

test('slow headers and slow bodies are cut off at their deadlines while /healthz stays fast', async () => {
  const m = await testMediator({ headersTimeoutMs: 1000, requestTimeoutMs: 2000 });
  const sockets = [];
  const timers = [];
  try {
    const started = Date.now();
    // 50 connections trickle header lines, 50 trickle a body, a few bytes every 200 ms.
    for (let i = 0; i < 50; i++) {
      const c = await tcpFrom(ATTACKER, m.url);
      c.socket.write('POST / HTTP/1.1\r\nHost: x\r\n');
      timers.push(setInterval(() => c.socket.writable && c.socket.write(`x-slow-${i}: ${Date.now()}\r\n`), 200));
      sockets.push(c);
    }
    for (let i = 0; i < 50; i++) {
      const c = await tcpFrom(OTHER, m.url);
      c.socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/didcomm-encrypted+json\r\nContent-Length: 100000\r\n\r\n');
      timers.push(setInterval(() => c.socket.writable && c.socket.write('{"a":1}'), 200));
      sockets.push(c);
    }
    const latencies = [];
    while (Date.now() - started < 3500) {
      latencies.push(await healthzMs(m.url));
      await sleep(100);
    }
    const closed = await Promise.all(sockets.map((c) => Promise.race([c.closed, sleep(2500).then(() => null)])));
    const open = closed.filter((t) => t === null).length;
    assert.equal(open, 0, `${open} of 100 slow connections are still open after ${Date.now() - started} ms`);
    const slowest = Math.max(...closed) - started;
    assert.ok(slowest < 5000, `the last slow connection was closed after ${slowest} ms`);
    assert.ok(sockets.slice(0, 50).every((c) => c.received().startsWith('HTTP/1.1 408')), 'slow headers get 408');
    assert.equal(await refused(m.url, 'request_timeout'), 100);
    assert.ok(Math.max(...latencies) < 1000, `/healthz took up to ${Math.max(...latencies).toFixed(0)} ms`);
  } finally {
    for (const t of timers) clearInterval(t);
    for (const c of sockets) c.socket.destroy();
    await m.stop();
  }
});

test('a chunked body over the limit gets its 413 while it is still being sent, and is not read further', async () => {
  const m = await testMediator({ maxMessageBytes: 64 * 1024 });
  let c;
  try {
    c = await tcpFrom(ATTACKER, m.url);
    c.socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/didcomm-encrypted+json\r\nTransfer-Encoding: chunked\r\n\r\n');
    const chunk = `${(64 * 1024).toString(16)}\r\n${'a'.repeat(64 * 1024)}\r\n`;
    const total = 200 * 1024 * 1024;
    let sent = 0;
    let ended = false;
    c.closed.then(() => (ended = true));
    while (!ended && sent < total && !c.received()) {
      if (!c.socket.write(chunk)) await Promise.race([new Promise((r) => c.socket.once('drain', r)), c.closed, sleep(2000)]);
      sent += 64 * 1024;
    }
    await Promise.race([c.closed, sleep(3000)]);
    assert.match(c.received(), /^HTTP\/1\.1 413 /);
    assert.match(c.received(), /connection: close/i);
    assert.ok(sent < 32 * 1024 * 1024, `${(sent / 1048576).toFixed(0)} MB were sent before the mediator stopped reading (the whole body is 200 MB)`);
    assert.ok(ended, 'the connection is closed');
    // The service goes on.
    assert.equal(await postFrom(HONEST, m.url), 400);
  } finally {
    c?.socket.destroy();
    await m.stop();
  }
});

test('the rate limit is per client address: more connections do not buy more requests', async () => {
  const m = await testMediator({ rateLimit: 10 });
  try {
    // Each request on a new connection (connection: close): a per-connection bucket would never empty.
    const statuses = [];
    for (let i = 0; i < 40; i++) statuses.push(await postFrom(ATTACKER, m.url));
    const limited = statuses.filter((s) => s === 429).length;
    assert.ok(limited >= 15, `${limited} of 40 were refused with 429`);
    const r = await httpFrom(ATTACKER, m.url, { method: 'POST', headers: { 'content-type': 'application/didcomm-encrypted+json' }, body: '{}' });
    assert.equal(r.status, 429);
    assert.equal(r.headers['retry-after'], '1');
    assert.equal(await postFrom(HONEST, m.url), 400, 'another address has its own budget');
    assert.ok((await refused(m.url, 'rate_limited')) >= 16);
  } finally {
    await m.stop();
  }
});

test('X-Forwarded-For names the client only when the connection comes from a trusted proxy', async () => {
  const m = await testMediator({ rateLimit: 5, trustProxy: [`${ATTACKER}/32`] });
  const via = (xff) => postFrom(ATTACKER, m.url, '{}', { 'x-forwarded-for': xff });
  try {
    // Behind the proxy, 10.0.0.1 spends its own budget (burst 10)...
    const first = [];
    for (let i = 0; i < 15; i++) first.push(await via('10.0.0.1'));
    assert.ok(first.includes(429));
    // ...and another client behind the same proxy still has its own; a spoofed left-most entry changes nothing.
    assert.equal(await via('10.0.0.2'), 400);
    assert.equal(await via('10.9.9.9, 10.0.0.1'), 429);
    // From an address that is no trusted proxy, the header is ignored: rotating it does not help.
    const direct = [];
    for (let i = 0; i < 15; i++) direct.push(await postFrom(OTHER, m.url, '{}', { 'x-forwarded-for': `10.1.0.${i}` }));
    assert.ok(direct.filter((s) => s === 429).length >= 4, `from ${OTHER}: ${direct.join(' ')}`);
  } finally {
    await m.stop();
  }
});

test('behind a trusted proxy the WebSocket cap applies to the forwarded client', async () => {
  const m = await testMediator({ maxConnectionsPerIp: 3, trustProxy: [`${ATTACKER}/32`] });
  const open = [];
  const through = (client) => wsFrom(ATTACKER, m.wsUrl, { headers: { 'x-forwarded-for': client } });
  try {
    // The proxy's own connections are not capped per address: it carries many clients.
    for (let i = 0; i < 3; i++) open.push(await through('10.0.0.1'));
    await assert.rejects(through('10.0.0.1'), 'a fourth WebSocket of the same client is refused');
    for (let i = 0; i < 3; i++) open.push(await through('10.0.0.2'));
    assert.equal(await refused(m.url, 'connections_per_ip'), 1);
    // A closed one gives its place back.
    open.shift().ws.terminate();
    await sleep(200);
    open.push(await through('10.0.0.1'));
  } finally {
    for (const c of open) c.ws.terminate();
    await m.stop();
  }
});

test('the rate limit per account holds whatever address or connection the account uses', async () => {
  const m = await testMediator({ accountRateLimit: 5 });
  const resolver = createResolver();
  const bob = await mediatedClient(m.did, resolver);
  const carol = await mediatedClient(m.did, resolver);
  try {
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => bob.client.status()));
    const limited = results.filter((r) => r.status === 'rejected' && r.reason.code === ErrorCodes.PROBLEM_REPORT && r.reason.cause?.code === 'e.p.req.rate-limited');
    assert.ok(limited.length >= 15, `${limited.length} of 30 status requests were refused`);
    assert.equal(limited.length + results.filter((r) => r.status === 'fulfilled').length, 30, 'no other failure');
    assert.equal(await refused(m.url, 'account_rate_limited'), limited.length);
    assert.equal((await carol.client.status()).message_count, 0, 'another account is not affected');
  } finally {
    await bob.agent.stop();
    await carol.agent.stop();
    await m.stop();
  }
});
