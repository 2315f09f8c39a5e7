// Two agents in one process over real HTTP and WebSocket: request/reply, problem reports,
// replays and bad input at the endpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, createDID, createResolver, InMemorySecrets, HttpTransport, newId, ErrorCodes, PROBLEM_REPORT, packEncrypted } from '../../../dist/index.js';
import { serve, NodeWsTransport } from '../../../dist/node.js';

async function makeAgent(resolver, scheme = 'http') {
  // The server must exist before the DID (its URL goes into the did:peer:2 service).
  let agent;
  const host = { receive: (p, s) => agent.receive(p, s) };
  const srv = await serve(host);
  const uri = scheme === 'http' ? srv.url : srv.wsUrl;
  const created = await createDID('peer', { services: [{ uri }] });
  agent = new Agent({ did: created.did, secrets: new InMemorySecrets(created.secrets), resolver, transports: [new HttpTransport(), new NodeWsTransport()] });
  return { agent, srv, did: created.did };
}

const ECHO = 'https://example.org/echo/1.0/request';
const ECHO_REPLY = 'https://example.org/echo/1.0/response';

test('request and reply over HTTP, then over WebSocket', async () => {
  const resolver = createResolver();
  for (const scheme of ['http', 'ws']) {
    const a = await makeAgent(resolver, scheme);
    const b = await makeAgent(resolver, scheme);
    try {
      b.agent.on(ECHO, (ctx) => {
        assert.equal(ctx.metadata.authenticated, true);
        assert.equal(ctx.sender, a.did);
        return ctx.reply({ type: ECHO_REPLY, body: { echo: ctx.message.body.text } });
      });
      const res = await a.agent.request({ id: newId(), type: ECHO, from: a.did, to: [b.did], body: { text: `hi over ${scheme}` } });
      assert.equal(res.message.type, ECHO_REPLY);
      assert.equal(res.message.body.echo, `hi over ${scheme}`);
      assert.equal(res.metadata.encryptedFromKid.startsWith(b.did), true);
    } finally {
      await a.agent.stop(); await b.agent.stop(); await a.srv.close(); await b.srv.close();
    }
  }
});

test('an unknown message type gets a problem report; a replay is refused with 409', async () => {
  const resolver = createResolver();
  const a = await makeAgent(resolver);
  const b = await makeAgent(resolver);
  try {
    await assert.rejects(
      a.agent.request({ id: newId(), type: 'https://example.org/nothing/1.0/here', from: a.did, to: [b.did], body: {} }, { timeoutMs: 5000 }),
      (e) => { assert.equal(e.code, ErrorCodes.PROBLEM_REPORT); assert.equal(e.cause.code, 'e.p.msg.unsupported'); return true; },
    );
    const msg = { id: newId(), type: 'https://didcomm.org/empty/1.0/empty', from: a.did, to: [b.did], body: {} };
    const { packed } = await packEncrypted(msg, { to: b.did, from: a.did, resolver, secrets: a.agent.secrets, forward: false });
    const post = () => fetch(b.srv.url, { method: 'POST', headers: { 'content-type': 'application/didcomm-encrypted+json' }, body: packed });
    assert.equal((await post()).status, 202);
    assert.equal((await post()).status, 409);
    const garbage = await fetch(b.srv.url, { method: 'POST', headers: { 'content-type': 'application/didcomm-encrypted+json' }, body: '{"ciphertext":1' });
    assert.equal(garbage.status, 400);
    assert.equal((await garbage.json()).error, ErrorCodes.MALFORMED);
    const wrongType = await fetch(b.srv.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: packed });
    assert.equal(wrongType.status, 415);
    const big = await fetch(b.srv.url, { method: 'POST', headers: { 'content-type': 'application/didcomm-encrypted+json' }, body: 'x'.repeat(2 * 1024 * 1024) });
    assert.equal(big.status, 413);
    // Still serving after all that.
    const { packed: again } = await packEncrypted({ ...msg, id: newId() }, { to: b.did, from: a.did, resolver, secrets: a.agent.secrets, forward: false });
    assert.equal((await fetch(b.srv.url, { method: 'POST', headers: { 'content-type': 'application/didcomm-encrypted+json' }, body: again })).status, 202);
  } finally {
    await a.agent.stop(); await b.agent.stop(); await a.srv.close(); await b.srv.close();
  }
});
