// WebSocket flow control (issue 11, item 1): a client that never reads, that asks again and
// again for the same delivery, that never authenticates, or that sends faster than its address
// may. The mediator's memory and /healthz stay bounded, and honest clients are served.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResolver, PICKUP, unpack } from '@didcomm-ts/core';
import { basic, makeClient, mediatedClient, testMediator } from './helpers.mjs';
import { childMediator, healthzMs, packedRequest, postFrom, refused, sleep, wsFrom } from './attack-helpers.mjs';

const ATTACKER = '127.0.0.2';
const HONEST = '127.0.0.3';
const V4 = PICKUP[4];

/** Queue `n` messages of about `bytes` each for `to`. */
async function fill(from, to, n, bytes) {
  for (let i = 0; i < n; i++) await from.agent.send(basic(from.did, to.did, `${i} ${'x'.repeat(bytes)}`));
}

test('a WebSocket client that never reads: 30 delivery-requests for ~3.8 MB keep RSS and /healthz bounded', async () => {
  const m = await childMediator();
  const resolver = createResolver();
  const alice = await makeClient(resolver);
  const bob = await mediatedClient(m.did, resolver);
  let attacker;
  try {
    await fill(alice, bob, 46, 60_000);
    const status = await bob.client.status();
    assert.equal(status.message_count, 46);
    assert.ok(status.total_bytes > 3.5e6, `the account holds ${status.total_bytes} bytes`);

    let base = 0;
    for (let i = 0; i < 5; i++, await sleep(100)) base = Math.max(base, m.rssMB());
    const requests = [];
    for (let i = 0; i < 30; i++) requests.push(await packedRequest(bob, m.did, V4.deliveryRequest, { limit: 100 }));
    attacker = await wsFrom(ATTACKER, m.wsUrl);
    // It stops reading: what the mediator sends it piles up on the mediator's side.
    attacker.ws.pause();
    for (const r of requests) attacker.ws.send(r);

    let peak = base;
    const latencies = [];
    const until = Date.now() + 8000;
    const sampler = (async () => {
      while (Date.now() < until) {
        peak = Math.max(peak, m.rssMB());
        await sleep(100);
      }
    })();
    while (Date.now() < until) {
      latencies.push(await healthzMs(m.url));
      await sleep(200);
    }
    await sampler;
    latencies.sort((a, b) => a - b);
    const worst = latencies.at(-1);
    console.log(`RSS ${base.toFixed(0)} -> peak ${peak.toFixed(0)} MB; /healthz p50 ${latencies[latencies.length >> 1].toFixed(1)} ms, max ${worst.toFixed(1)} ms`);
    assert.ok(peak - base < 150, `RSS grew by ${(peak - base).toFixed(0)} MB (556 MB without flow control)`);
    // Without flow control: 7 s at the median (a loaded 2-core machine gives the spikes here).
    assert.ok(latencies[latencies.length >> 1] < 250, `/healthz took ${latencies[latencies.length >> 1].toFixed(0)} ms at the median`);
    assert.ok(worst < 2500, `/healthz took up to ${worst.toFixed(0)} ms`);

    // Nothing was lost: the account's own honest connection picks everything up.
    assert.equal(await bob.client.pickupAll({ batch: 50 }), 46);
    assert.equal((await bob.client.status()).message_count, 0);
  } finally {
    attacker?.ws.terminate();
    await alice.agent.stop();
    await bob.agent.stop();
    await m.stop();
  }
});

test('a live-mode client that stops reading is cut off once its unread bytes pass the cap; its messages stay queued', async () => {
  const m = await testMediator({ wsMaxBufferedBytes: 256 * 1024 });
  const resolver = createResolver();
  const alice = await makeClient(resolver);
  const bob = await mediatedClient(m.did, resolver);
  let attacker;
  try {
    attacker = await wsFrom(ATTACKER, m.wsUrl);
    const replies = [];
    attacker.ws.on('message', (d) => replies.push(d.toString()));
    attacker.ws.send(await packedRequest(bob, m.did, V4.liveDeliveryChange, { live_delivery: true }));
    for (let i = 0; i < 100 && replies.length === 0; i++) await sleep(20);
    assert.equal(replies.length, 1, 'live mode is on');
    attacker.ws.pause();
    const started = Date.now();
    // 40 messages of ~330 KB after encryption: far more than the kernel's socket buffers hold.
    await fill(alice, bob, 40, 240_000);
    // It does not read, so it cannot see the close: the mediator's count says it happened.
    while ((await refused(m.url, 'ws_slow_consumer')) === 0 && Date.now() - started < 15_000) await sleep(100);
    assert.equal(await refused(m.url, 'ws_slow_consumer'), 1, 'the mediator dropped the peer that does not read');
    console.log(`slow consumer dropped ${Date.now() - started} ms after the messages began`);
    // Once it reads again it finds the connection gone, with fewer bytes than were sent its way.
    attacker.ws.resume();
    const { code } = await Promise.race([attacker.closed, sleep(5000).then(() => ({ code: 'still open' }))]);
    assert.equal(code, 1006);
    // Live deliveries are not acknowledgements: everything is still queued for Bob.
    assert.equal((await bob.client.status()).message_count, 40);
    assert.equal(await bob.client.pickupAll({ batch: 10 }), 40);
  } finally {
    attacker?.ws.terminate();
    await alice.agent.stop();
    await bob.agent.stop();
    await m.stop();
  }
});

test('a delivery still unacknowledged on a connection is not sent again on it; another connection gets it again', async () => {
  const m = await testMediator();
  const resolver = createResolver();
  const alice = await makeClient(resolver);
  const bob = await mediatedClient(m.did, resolver);
  const sockets = [];
  try {
    await fill(alice, bob, 5, 100);
    // Read what comes back on a connection, decrypted as Bob.
    const connection = async () => {
      const c = await wsFrom(HONEST, m.wsUrl);
      sockets.push(c);
      const inbox = [];
      c.ws.on('message', async (d) => inbox.push((await unpack(d.toString(), { resolver, secrets: bob.secrets })).message));
      const next = async (n) => {
        for (let i = 0; i < 250 && inbox.length < n; i++) await sleep(20);
        assert.ok(inbox.length >= n, `got ${inbox.length} of ${n} replies`);
        return inbox.slice(0, n);
      };
      return { ...c, inbox, next };
    };
    const one = await connection();
    // Three requests at once on one connection: one delivery of the five, then empty ones.
    for (let i = 0; i < 3; i++) one.ws.send(await packedRequest(bob, m.did, V4.deliveryRequest, { limit: 10 }));
    const counts = (await one.next(3)).map((r) => (r.type === V4.delivery ? r.attachments?.length ?? 0 : -1)).sort();
    assert.deepEqual(counts, [0, 0, 5]);
    // Something new arrives: only that comes on this connection.
    await fill(alice, bob, 1, 100);
    one.ws.send(await packedRequest(bob, m.did, V4.deliveryRequest, { limit: 10 }));
    const newer = (await one.next(4)).filter((r) => r.type === V4.delivery && r.attachments?.length > 0);
    assert.deepEqual(newer.map((r) => r.attachments.length), [5, 1]);
    // A second connection (a reconnect) is sent them all again: at-least-once.
    const two = await connection();
    two.ws.send(await packedRequest(bob, m.did, V4.deliveryRequest, { limit: 10 }));
    const [again] = await two.next(1);
    assert.equal(again.attachments.length, 6);
    // Acknowledged on the first connection: gone.
    one.ws.send(await packedRequest(bob, m.did, V4.messagesReceived, { message_id_list: again.attachments.map((a) => a.id) }));
    const status = (await one.next(5)).find((r) => r.type === V4.status);
    assert.equal(status.body.message_count, 0);
    // New mail is delivered on the first connection as usual.
    await fill(alice, bob, 1, 100);
    one.ws.send(await packedRequest(bob, m.did, V4.deliveryRequest, { limit: 10 }));
    const fresh = (await one.next(6)).filter((r) => r.type === V4.delivery && r.attachments?.length > 0);
    assert.deepEqual(fresh.map((r) => r.attachments.length), [5, 1, 1]);
  } finally {
    for (const s of sockets) s.ws.terminate();
    await alice.agent.stop();
    await bob.agent.stop();
    await m.stop();
  }
});

test('a WebSocket that never authenticates is closed after wsAuthTimeoutMs; an authenticated one stays', async () => {
  const m = await testMediator({ wsAuthTimeoutMs: 500 });
  const resolver = createResolver();
  const bob = await mediatedClient(m.did, resolver);
  let idle;
  let noisy;
  let authed;
  let timer;
  try {
    idle = await wsFrom(ATTACKER, m.wsUrl);
    // Frames that are refused do not count as activity.
    noisy = await wsFrom(ATTACKER, m.wsUrl);
    timer = setInterval(() => noisy.ws.readyState === 1 && noisy.ws.send('{"not":"didcomm"}'), 100);
    authed = await wsFrom(HONEST, m.wsUrl);
    const replies = [];
    authed.ws.on('message', (d) => replies.push(d));
    authed.ws.send(await packedRequest(bob, m.did, V4.statusRequest, {}));
    const started = Date.now();
    const { code, at } = await Promise.race([idle.closed, sleep(3000).then(() => ({ code: 'still open' }))]);
    assert.equal(code, 1008);
    assert.ok(at - started < 2500);
    assert.equal((await Promise.race([noisy.closed, sleep(1000).then(() => ({ code: 'still open' }))])).code, 1008);
    await sleep(700);
    assert.equal(replies.length, 1, 'the status came back');
    assert.equal(authed.ws.readyState, 1, 'the authenticated connection is still open');
    assert.equal(await refused(m.url, 'ws_auth_timeout'), 2);
  } finally {
    clearInterval(timer);
    idle?.ws.terminate();
    noisy?.ws.terminate();
    authed?.ws.terminate();
    await bob.agent.stop();
    await m.stop();
  }
});

test('the rate limit is per address, WebSocket and HTTP together; a socket that keeps exceeding it is closed', async () => {
  const m = await testMediator({ rateLimit: 20 });
  let attacker;
  try {
    attacker = await wsFrom(ATTACKER, m.wsUrl);
    const started = Date.now();
    let sent = 0;
    // 500 frames a second, 25 times the rate, until the mediator closes the socket.
    const flood = (async () => {
      while (attacker.ws.readyState === 1 && Date.now() - started < 8000) {
        for (let i = 0; i < 10 && attacker.ws.readyState === 1; i++, sent++) attacker.ws.send('{"not":"didcomm"}');
        await sleep(20);
      }
    })();
    // While it floods, the address's budget is spent for HTTP too; another address keeps its own.
    while ((await refused(m.url, 'ws_rate_limited')) === 0 && Date.now() - started < 3000) await sleep(20);
    // (A token that comes back between two frames may go to a request: most do not get one.)
    const attackerStatuses = [];
    const honestStatuses = [];
    for (let i = 0; i < 10; i++) {
      attackerStatuses.push(await postFrom(ATTACKER, m.url));
      honestStatuses.push(await postFrom(HONEST, m.url));
    }
    assert.ok(attackerStatuses.filter((s) => s === 429).length >= 6, `the attacker's address over HTTP: ${attackerStatuses.join(' ')}`);
    assert.deepEqual(honestStatuses, Array(10).fill(400));
    await flood;
    const { code } = await Promise.race([attacker.closed, sleep(2000).then(() => ({ code: 'still open' }))]);
    assert.equal(code, 1008, `closed after ${Date.now() - started} ms and ${sent} frames`);
    assert.ok((await refused(m.url, 'ws_rate_limited')) > 0);
    assert.equal(await refused(m.url, 'ws_rate_limited_closed'), 1);
  } finally {
    attacker?.ws.terminate();
    await m.stop();
  }
});
