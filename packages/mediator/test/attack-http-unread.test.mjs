// An HTTP client that asks for deliveries and never reads the answers: once the answers
// waiting for its address pass the cap, its further requests are refused without building
// another delivery, and an honest client elsewhere is served as usual.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { createResolver, newId, packEncrypted, PICKUP } from '@didcomm-ts/core';
import { basic, makeClient, mediatedClient, testMediator } from './helpers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const metric = (text, re) => Number(re.exec(text)?.[1] ?? 0);

test('deliveries nobody reads stop being built past the unread-bytes cap of the address', async () => {
  const m = await testMediator({ wsMaxBufferedBytes: 2 * 1024 * 1024, rateLimit: 1000 });
  const resolver = createResolver();
  const alice = await makeClient(resolver);
  const bob = await mediatedClient(m.did, resolver);
  const sockets = [];
  try {
    // ~3 MB waiting for Bob: each delivery answers with all of it.
    for (let i = 0; i < 6; i++) await alice.agent.send(basic(alice.did, bob.did, `${i}-${'x'.repeat(500_000)}`));
    const port = new URL(m.url).port;
    // Pipelined requests on connections that are never read: their answers queue up in the
    // mediator (Node holds a pipelined answer until the ones before it are written).
    for (let c = 0; c < 3; c++) {
      const s = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
      await new Promise((resolve, reject) => s.once('connect', resolve).once('error', reject));
      s.pause(); // never read what comes back
      sockets.push(s);
      for (let i = 0; i < 8; i++) {
        const request = { id: newId(), type: PICKUP[4].deliveryRequest, from: bob.accountDid, to: [m.did], created_time: Math.floor(Date.now() / 1000), return_route: 'all', body: { limit: 100 } };
        const { packed } = await packEncrypted(request, { to: m.did, from: bob.accountDid, resolver, secrets: bob.secrets, forward: false });
        s.write(`POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/didcomm-encrypted+json\r\ncontent-length: ${Buffer.byteLength(packed)}\r\n\r\n${packed}`);
      }
      await sleep(300);
    }
    await sleep(500);
    const text = await (await fetch(`${m.url}metrics`)).text();
    const refused = metric(text, /didcomm_mediator_refused_total\{reason="responses_unread"\} (\d+)/);
    const delivered = metric(text, /didcomm_mediator_messages_delivered_total\{mode="pickup"\} (\d+)/);
    assert.ok(refused >= 1, `refused ${refused}`);
    // 24 requests; without the bound each builds a delivery (1-2 of the 500 kB messages).
    assert.ok(delivered <= 2 * 12, `${delivered} messages were packed into deliveries for a reader that reads nothing`);
    // Bob, from his own address, still gets his messages.
    let got = 0;
    for (let i = 0; i < 10 && got < 6; i++) got += (await bob.client.pickup({ limit: 100 })).messages.length;
    assert.equal(got, 6);
  } finally {
    for (const s of sockets) s.destroy();
    await alice.agent.stop();
    await bob.agent.stop();
    await m.stop();
  }
});
