// Requests to the mediator itself (authcrypt, anoncrypt around authcrypt) are unpacked by the
// unwrap workers, not the main thread, and their answers packed there; what the workers refuse
// gets the status and error code the main thread would have given it: the same requests
// against a mediator without workers answer the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDID, createResolver, InMemorySecrets, newId, packEncrypted, unpack } from '@didcomm-ts/core';
import { makeClient, mediatedClient, testMediator } from './helpers.mjs';

const STATUS_REQUEST = 'https://didcomm.org/messagepickup/3.0/status-request';
const STATUS = 'https://didcomm.org/messagepickup/3.0/status';
const PING = 'https://didcomm.org/trust-ping/2.0/ping';

const post = (url, body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/didcomm-encrypted+json' }, body });

/** A sender whose DID no resolver of the mediator knows (did:example), with keys of its own. */
async function unresolvableSender(mediatorResolver) {
  const created = await createDID('peer');
  const did = 'did:example:unwrap-requests';
  const doc = { ...created.didDocument, id: did };
  doc.verificationMethod = doc.verificationMethod.map((vm) => ({ ...vm, controller: did }));
  const secrets = new InMemorySecrets(created.secrets.map((s) => ({ ...s, id: s.id.replace(created.did, did) })));
  const resolver = { resolve: async (d) => (d.startsWith(did) ? doc : mediatorResolver.resolve(d)) };
  return { did, secrets, resolver };
}

/** Send a set of good and bad requests; what each was answered (status, error code, reply type). */
async function exchange(m) {
  const resolver = createResolver();
  const alice = await mediatedClient(m.did, resolver);
  const stranger = await makeClient(resolver);
  const nobody = await unresolvableSender(resolver);
  try {
    const msg = (from, extra = {}) => ({ id: newId(), type: STATUS_REQUEST, from, to: [m.did], created_time: Math.floor(Date.now() / 1000), return_route: 'all', body: {}, ...extra });
    const pack = async (message, o = {}) => (await packEncrypted(message, { to: m.did, from: message.from, resolver, secrets: alice.secrets, forward: false, ...o })).packed;
    const answer = async (packed) => {
      const res = await post(m.url, packed);
      const text = await res.text();
      if (!text) return { status: res.status };
      const json = JSON.parse(text);
      // A refusal in JSON, or an answer in DIDComm (a reply, or a problem report for a replay).
      if (typeof json.ciphertext !== 'string') return { status: res.status, error: json.error };
      const { message } = await unpack(text, { resolver, secrets: alice.secrets });
      return { status: res.status, reply: message.type, ...(message.body?.code ? { code: message.body.code } : {}) };
    };
    const good = await pack(msg(alice.accountDid));
    const flipped = JSON.parse(await pack(msg(alice.accountDid)));
    flipped.ciphertext = (flipped.ciphertext[0] === 'A' ? 'B' : 'A') + flipped.ciphertext.slice(1);
    const { packed: notForUs } = await packEncrypted(msg(alice.accountDid, { to: [stranger.did] }), { to: stranger.did, from: alice.accountDid, resolver, secrets: alice.secrets, forward: false });
    return {
      authcrypt: await answer(good),
      replay: await answer(good),
      'protect-sender': await answer(await pack(msg(alice.accountDid), { protectSender: true })),
      expired: await answer(await pack(msg(alice.accountDid, { created_time: Math.floor(Date.now() / 1000) - 3600 }))),
      'flipped byte': await answer(JSON.stringify(flipped)),
      'not for us': await answer(notForUs),
      'unresolvable sender': await answer(await pack({ ...msg(nobody.did), type: PING, body: { response_requested: true } }, { resolver: nobody.resolver, secrets: nobody.secrets })),
    };
  } finally {
    for (const c of [alice, stranger]) await c.agent.stop();
  }
}

const EXPECTED = {
  authcrypt: { status: 200, reply: STATUS },
  replay: { status: 409, reply: 'https://didcomm.org/report-problem/2.0/problem-report', code: 'e.p.msg.duplicate' },
  'protect-sender': { status: 200, reply: STATUS },
  expired: { status: 410, error: 'ERR_EXPIRED' },
  'flipped byte': { status: 400, error: 'ERR_DECRYPTION_FAILED' },
  'not for us': { status: 404, error: 'ERR_SECRET_NOT_FOUND' },
  // Resolving the sender's DID is the worker's too.
  'unresolvable sender': { status: 400, error: 'ERR_UNSUPPORTED' },
};

const unpackedBy = async (m, thread) => {
  const text = await (await fetch(`${m.url}metrics`)).text();
  return Number(new RegExp(`didcomm_mediator_unpacked_total\\{thread="${thread}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
};

test('authcrypted requests are unpacked by a worker; what it refuses is answered as the main thread would', async () => {
  const inline = await testMediator({ unwrapWorkers: 0 });
  let expected;
  try {
    expected = await exchange(inline);
    assert.equal(await unpackedBy(inline, 'worker'), 0);
  } finally {
    await inline.stop();
  }
  for (const [k, v] of Object.entries(EXPECTED)) assert.deepEqual(expected[k], v, k);

  const m = await testMediator({ unwrapWorkers: 1 });
  try {
    // Who decrypts: the pool's request entry points are called, the agent's own unpack never.
    const pool = m.mediator.unwrapper;
    const calls = { unpackRequest: 0, unwrapForwardOrRequest: 0, pack: 0, agentReceive: 0 };
    for (const name of ['unpackRequest', 'unwrapForwardOrRequest', 'pack']) {
      const inner = pool[name].bind(pool);
      pool[name] = (...a) => {
        calls[name]++;
        return inner(...a);
      };
    }
    const agent = m.mediator.agent;
    const receive = agent.receive.bind(agent);
    agent.receive = (...a) => {
      calls.agentReceive++;
      return receive(...a);
    };
    const mainBefore = await unpackedBy(m, 'main');
    const got = await exchange(m);
    assert.deepEqual(got, expected, 'every answer as without workers');
    assert.equal(calls.agentReceive, 0, 'nothing was unpacked by the agent on the main thread');
    assert.equal(await unpackedBy(m, 'main'), mainBefore, 'no request unpacked on the main thread');
    // exchange() sent 7 requests (protect-sender through unwrapForwardOrRequest), and mediation
    // (coordinate-mediation and keylist over HTTP) a few more.
    assert.equal(calls.unwrapForwardOrRequest >= 1, true);
    assert.equal(calls.unpackRequest >= 6, true, `unpackRequest called ${calls.unpackRequest} times`);
    assert.equal(await unpackedBy(m, 'worker') >= 7, true);
    // The answers (two statuses, a problem report, the mediation's) were packed there too.
    assert.equal(calls.pack >= 3, true, `pack called ${calls.pack} times`);
  } finally {
    await m.stop();
  }
});

test('live deliveries and pickup answers are packed by a worker whatever their size; workers hold live accounts\' documents', async () => {
  const m = await testMediator({ unwrapWorkers: 1 });
  const resolver = createResolver();
  const alice = await makeClient(resolver);
  const bob = await mediatedClient(m.did, resolver);
  const pool = m.mediator.unwrapper;
  const packed = [];
  const pins = [];
  const pack = pool.pack.bind(pool);
  pool.pack = (message, options) => {
    packed.push(message.type.split('/').pop());
    return pack(message, options);
  };
  for (const name of ['pin', 'unpin']) {
    const inner = pool[name].bind(pool);
    pool[name] = (did) => {
      pins.push(`${name} ${did}`);
      inner(did);
    };
  }
  const big = 'x'.repeat(100_000);
  try {
    // Polled over HTTP: a 100 kB answer is packed in the pool too (its bytes are reserved
    // against the unread-answers bound before it is built; attack-http-unread.test.mjs).
    await alice.agent.send({ id: newId(), type: 'https://didcomm.org/basicmessage/2.0/message', from: alice.did, to: [bob.did], created_time: Math.floor(Date.now() / 1000), body: { content: big } });
    packed.length = 0;
    assert.equal((await bob.client.pickup()).messages.length, 1);
    assert.equal(packed.includes('delivery'), true, `packed in the pool: ${packed}`);
    // Live over the WebSocket: the delivery of as big a message is packed in the pool.
    await bob.client.live(true);
    packed.length = 0;
    assert.deepEqual(pins, [`pin ${bob.accountDid}`]);
    await alice.agent.send({ id: newId(), type: 'https://didcomm.org/basicmessage/2.0/message', from: alice.did, to: [bob.did], created_time: Math.floor(Date.now() / 1000), body: { content: big } });
    await bob.waitFor(2, 5000);
    assert.equal(packed.includes('delivery'), true, `packed in the pool: ${packed}`);
    await bob.agent.stop();
    for (let i = 0; i < 100 && pins.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(pins, [`pin ${bob.accountDid}`, `unpin ${bob.accountDid}`], 'let go when the connection closes');
  } finally {
    await alice.agent.stop();
    await bob.agent.stop();
    await m.stop();
  }
});
