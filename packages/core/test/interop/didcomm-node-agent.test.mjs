// An agent built on didcomm-node 0.4.1 (test code only) and ours, over real HTTP on
// 127.0.0.1: it pings us and gets our response; we ping it and get its response. It reads
// our did:peer documents through the adapter's converted view (its resolver reads older document shapes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createDID, createResolver, registerStandardProtocols, ping, trustPing, newId } from '../../dist/index.js';
import { socketAgent } from '../unit/protocols/agents.mjs';
import { theirPackEncrypted, theirResolver, theirSecrets, theirUnpack } from './didcomm-node-adapter.mjs';

const now = () => Math.floor(Date.now() / 1000);

/** A minimal didcomm-node agent: an HTTP endpoint that answers pings and records what it got. */
async function theirAgent() {
  const received = [];
  const waiting = [];
  const ctx = {};
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      res.writeHead(202).end();
      try {
        const { message, metadata } = await theirUnpack(Buffer.concat(chunks).toString('utf8'), ctx.resolver, ctx.secrets);
        received.push({ message, metadata });
        for (const w of waiting.splice(0)) w();
        if (message.type === trustPing.PING && message.body?.response_requested !== false) {
          const response = { id: newId(), typ: 'application/didcomm-plain+json', type: trustPing.PING_RESPONSE, from: ctx.did, to: [message.from], thid: message.id, created_time: now(), expires_time: now() + 300, body: {} };
          const { packed } = await theirPackEncrypted(response, { to: message.from, from: ctx.did, forward: false }, ctx.resolver, ctx.secrets);
          const r = await fetch(ctx.peerEndpoint, { method: 'POST', headers: { 'content-type': 'application/didcomm-encrypted+json' }, body: packed });
          await r.body?.cancel();
        }
      } catch (e) {
        received.push({ error: e });
        for (const w of waiting.splice(0)) w();
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const created = await createDID('peer', { services: [{ uri: url }] });
  Object.assign(ctx, { did: created.did });
  return {
    did: created.did, doc: created.didDocument, url, received, ctx,
    /** Wire up didcomm-node's view of both documents once our agent exists. */
    connect(peerDoc, peerEndpoint) {
      ctx.resolver = theirResolver([created.didDocument, peerDoc]);
      ctx.secrets = theirSecrets(created.secrets);
      ctx.peerEndpoint = peerEndpoint;
    },
    next: (pred, ms = 5000) => new Promise((resolve, reject) => {
      const check = () => {
        const hit = received.find(pred);
        if (hit) return resolve(hit);
        waiting.push(check);
      };
      setTimeout(() => reject(new Error('didcomm-node agent received nothing matching in time')), ms).unref();
      check();
    }),
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

test('didcomm-node pings our agent over HTTP and gets its response; our agent pings it back', async () => {
  const resolver = createResolver();
  const ours = await socketAgent(resolver, 'http');
  const theirs = await theirAgent();
  try {
    const pings = [];
    registerStandardProtocols(ours.agent, { trustPing: { onPing: (c) => pings.push(c) } });
    theirs.connect(ours.created.didDocument, ours.srv.url);

    // didcomm-node -> us
    const pingMsg = { id: newId(), typ: 'application/didcomm-plain+json', type: trustPing.PING, from: theirs.did, to: [ours.did], created_time: now(), expires_time: now() + 300, body: { response_requested: true } };
    const { packed } = await theirPackEncrypted(pingMsg, { to: ours.did, from: theirs.did, forward: false }, theirs.ctx.resolver, theirs.ctx.secrets);
    const res = await fetch(ours.srv.url, { method: 'POST', headers: { 'content-type': 'application/didcomm-encrypted+json' }, body: packed });
    assert.equal(res.status, 202);
    const got = await theirs.next((r) => r.message?.thid === pingMsg.id);
    assert.equal(got.message.type, trustPing.PING_RESPONSE);
    assert.equal(got.message.from, ours.did);
    assert.equal(got.metadata.authenticated, true, 'our response was authcrypted');
    assert.equal(got.metadata.encrypted, true);
    assert.equal(pings.length, 1);
    assert.equal(pings[0].sender, theirs.did, 'we authenticated didcomm-node as the sender');
    assert.equal(pings[0].metadata.encAlgAuth, 'ECDH-1PU+A256KW/A256CBC-HS512');

    // us -> didcomm-node
    const r = await ping(ours.agent, theirs.did, { timeoutMs: 5000 });
    assert.equal(r.response.type, trustPing.PING_RESPONSE);
    assert.equal(r.response.from, theirs.did);
    assert.equal(r.response.thid, r.ping.id);
    assert.ok(r.rttMs > 0 && r.rttMs < 5000);
    const atThem = await theirs.next((x) => x.message?.id === r.ping.id);
    assert.equal(atThem.metadata.authenticated, true);
    assert.equal(theirs.received.filter((x) => x.error).length, 0, String(theirs.received.find((x) => x.error)?.error));
  } finally {
    await ours.close();
    await theirs.close();
  }
});
