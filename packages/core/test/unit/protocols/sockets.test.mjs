// Two agents over real HTTP and over WebSocket on 127.0.0.1: the standard protocols end to
// end, and bad input at both endpoints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import {
  registerStandardProtocols, ping, discover, sendBasicMessage, outOfBand, invitationUrl, acceptInvitation, routing, trustPing,
  packEncrypted, wrapInForward, unpack, newId, createDID, ErrorCodes, PROBLEM_REPORT,
} from '../../../dist/index.js';
import { socketAgent, newResolver, waiter } from './agents.mjs';

for (const scheme of ['http', 'ws']) {
  test(`standard protocols between two agents over ${scheme}`, async () => {
    const resolver = newResolver();
    const a = await socketAgent(resolver, scheme); const b = await socketAgent(resolver, scheme);
    try {
      const atA = waiter(); const atB = waiter();
      registerStandardProtocols(a.agent, { onMessage: (m) => atA.push(m) });
      registerStandardProtocols(b.agent, { onMessage: (m) => atB.push(m) });
      assert.ok(a.uri.startsWith(`${scheme}://127.0.0.1:`));

      // trust-ping, both directions
      const r1 = await ping(a.agent, b.did);
      assert.equal(r1.response.thid, r1.ping.id);
      assert.ok(r1.rttMs < 5000);
      const r2 = await ping(b.agent, a.did);
      assert.equal(r2.response.from, a.did);

      // discover-features
      const d = await discover(a.agent, b.did, [{ 'feature-type': 'protocol', match: 'https://didcomm.org/basicmessage/*' }, { 'feature-type': 'protocol', match: 'https://didcomm.org/trust-ping/2.*' }]);
      assert.deepEqual(d.map((x) => x.id).sort(), ['https://didcomm.org/basicmessage/2.0', 'https://didcomm.org/trust-ping/2.0']);

      // basicmessage, both directions
      await sendBasicMessage(a.agent, b.did, `hello b over ${scheme}`, { lang: 'en' });
      const mb = await atB.promise;
      assert.deepEqual([mb.content, mb.lang, mb.from], [`hello b over ${scheme}`, 'en', a.did]);
      await sendBasicMessage(b.agent, a.did, `hello a over ${scheme}`);
      const ma = await atA.promise;
      assert.deepEqual([ma.content, ma.from], [`hello a over ${scheme}`, b.did]);

      // out-of-band: b invites, a accepts
      const accepted = waiter();
      const inviter = outOfBand.register(b.agent, { onAccept: (inv, ctx) => accepted.push(ctx) });
      const inv = inviter.invite({ goal_code: 'org.didcomm.connect', goal: 'test', accept: ['didcomm/v2'] });
      const acc = await acceptInvitation(a.agent, invitationUrl(inv, 'https://b.example/invite'));
      assert.equal(acc.reply.type, trustPing.PING_RESPONSE);
      assert.equal(acc.reply.pthid, inv.id);
      const ctx = await accepted.promise;
      assert.equal(ctx.message.pthid, inv.id);
      assert.equal(ctx.sender, a.did);

      // a problem report for an unknown message type
      await assert.rejects(
        a.agent.request({ id: newId(), type: 'https://example.org/unknown/1.0/thing', from: a.did, to: [b.did], body: {} }),
        (e) => e.code === ErrorCodes.PROBLEM_REPORT && e.cause.code === 'e.p.msg.unsupported' && e.cause.args[0] === 'https://example.org/unknown/1.0/thing',
      );
    } finally {
      await a.close(); await b.close();
    }
  });
}

const post = (url, body, type = 'application/didcomm-encrypted+json') => fetch(url, { method: 'POST', headers: { 'content-type': type }, body });

test('bad input at the HTTP endpoint gets a clear status; the server keeps serving', async () => {
  const resolver = newResolver();
  const a = await socketAgent(resolver); const b = await socketAgent(resolver);
  const carol = await createDID('peer', { services: [{ uri: 'http://127.0.0.1:9/' }] });
  try {
    registerStandardProtocols(b.agent);
    routing.register(b.agent);
    const expectError = async (res, status, code) => {
      assert.equal(res.status, status);
      if (code) assert.equal((await res.json()).error, code);
      else await res.body?.cancel();
    };
    await expectError(await post(b.srv.url, 'garbage{'), 400, ErrorCodes.MALFORMED);
    await expectError(await post(b.srv.url, JSON.stringify({ id: 1 }), 'application/didcomm-plain+json'), 400, ErrorCodes.MALFORMED);
    await expectError(await post(b.srv.url, 'x'.repeat(1024 * 1024 + 1)), 413, ErrorCodes.LIMIT_EXCEEDED);
    await expectError(await post(b.srv.url, '{}', 'application/json'), 415, 'unsupported_media_type');
    await expectError(await fetch(b.srv.url), 405, 'method_not_allowed');
    // Encrypted for someone else.
    const { packed: forCarol } = await packEncrypted({ id: newId(), type: trustPing.PING, from: a.did, to: [carol.did], body: {} }, { to: carol.did, from: a.did, resolver, secrets: a.agent.secrets, forward: false });
    await expectError(await post(b.srv.url, forCarol), 404, ErrorCodes.SECRET_NOT_FOUND);
    // Replayed id.
    const { packed } = await packEncrypted({ id: newId(), type: trustPing.PING, from: a.did, to: [b.did], body: { response_requested: false } }, { to: b.did, from: a.did, resolver, secrets: a.agent.secrets, forward: false });
    assert.equal((await post(b.srv.url, packed)).status, 202);
    await expectError(await post(b.srv.url, packed), 409, ErrorCodes.DUPLICATE);
    // A forward for a DID b does not mediate for.
    const fwd = await wrapInForward(JSON.parse(forCarol), carol.did, [b.did], { resolver, encAlgAnon: 'A256CBC-HS512' });
    await expectError(await post(b.srv.url, JSON.stringify(fwd)), 400, ErrorCodes.ROUTING);
    assert.deepEqual(b.errors.map((e) => e.status), [400, 400, 413, 415, 405, 404, 409, 400]);
    // Still serving.
    const r = await ping(a.agent, b.did);
    assert.equal(r.response.type, trustPing.PING_RESPONSE);
  } finally {
    await a.close(); await b.close();
  }
});

/** A raw WebSocket to `url` that collects frames. */
async function rawSocket(url) {
  const ws = new WebSocket(url);
  const frames = [];
  let notify;
  ws.on('message', (d) => { frames.push(d.toString()); notify?.(); });
  const closed = new Promise((r) => ws.on('close', (code) => r(code)));
  await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
  return {
    ws, frames, closed,
    next: (ms = 3000) => new Promise((r, j) => {
      if (frames.length) return r(frames.shift());
      const t = setTimeout(() => j(new Error('no frame')), ms);
      notify = () => { clearTimeout(t); notify = undefined; r(frames.shift()); };
    }),
  };
}

const until = async (cond, ms = 2000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

test('bad input at the WebSocket endpoint is refused (logged, or 1009 when oversized); problem reports come back on the socket; the server keeps serving', async () => {
  const resolver = newResolver();
  const a = await socketAgent(resolver, 'ws'); const b = await socketAgent(resolver, 'ws');
  const carol = await createDID('peer', { services: [{ uri: 'ws://127.0.0.1:9/' }] });
  try {
    registerStandardProtocols(b.agent);
    const s = await rawSocket(b.srv.wsUrl);
    const pack = (m, to = b.did) => packEncrypted(m, { to, from: a.did, resolver, secrets: a.agent.secrets, forward: false }).then((x) => x.packed);

    s.ws.send('garbage{');
    await until(() => b.errors.some((e) => e.code === ErrorCodes.MALFORMED));
    s.ws.send(await pack({ id: newId(), type: trustPing.PING, from: a.did, to: [carol.did], body: {} }, carol.did));
    await until(() => b.errors.some((e) => e.code === ErrorCodes.SECRET_NOT_FOUND));
    const once = await pack({ id: newId(), type: trustPing.PING, from: a.did, to: [b.did], body: { response_requested: false } });
    s.ws.send(once); s.ws.send(once);
    await until(() => b.errors.some((e) => e.code === ErrorCodes.DUPLICATE));

    // An unknown type with return_route: the problem report comes back on this socket.
    const unknownId = newId();
    s.ws.send(await pack({ id: unknownId, type: 'https://example.org/unknown/1.0/x', from: a.did, to: [b.did], body: {}, return_route: 'all' }));
    const report = await unpack(await s.next(), { resolver, secrets: a.agent.secrets });
    assert.equal(report.message.type, PROBLEM_REPORT);
    assert.equal(report.message.body.code, 'e.p.msg.unsupported');
    assert.equal(report.message.pthid, unknownId);
    assert.equal(report.metadata.authenticated, true);

    // The same connection still carries a ping and its response.
    const pingId = newId();
    s.ws.send(await pack({ id: pingId, type: trustPing.PING, from: a.did, to: [b.did], body: {}, return_route: 'all' }));
    const pong = await unpack(await s.next(), { resolver, secrets: a.agent.secrets });
    assert.equal(pong.message.type, trustPing.PING_RESPONSE);
    assert.equal(pong.message.thid, pingId);

    // Oversized: the connection is closed with 1009; others are unaffected.
    s.ws.send('x'.repeat(1024 * 1024 + 1));
    assert.equal(await s.closed, 1009);
    const r = await ping(a.agent, b.did);
    assert.equal(r.response.type, trustPing.PING_RESPONSE);
  } finally {
    await a.close(); await b.close();
  }
});
