import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trustPing, ping, newId, ErrorCodes } from '../../../dist/index.js';
import { memoryAgent, newHub, newResolver, sleep } from './agents.mjs';

test('trust-ping: a round trip measures the RTT and threads the response', async () => {
  const hub = newHub(); const resolver = newResolver();
  const a = await memoryAgent(hub, resolver); const b = await memoryAgent(hub, resolver);
  const seen = [];
  trustPing.register(a.agent); trustPing.register(b.agent, { onPing: (ctx) => seen.push(ctx) });
  const r = await ping(a.agent, b.did);
  assert.equal(typeof r.rttMs, 'number');
  assert.ok(r.rttMs >= 0);
  assert.equal(r.response.type, trustPing.PING_RESPONSE);
  assert.equal(r.response.thid, r.ping.id);
  assert.equal(r.response.from, b.did);
  assert.equal(seen.length, 1);
  assert.equal(seen[0].sender, a.did, 'the ping was authenticated');
  assert.equal(seen[0].message.body.response_requested, true, 'response_requested defaults to true');
});

test('trust-ping: response_requested false gets no response', async () => {
  const hub = newHub(); const resolver = newResolver();
  const a = await memoryAgent(hub, resolver); const b = await memoryAgent(hub, resolver);
  let responses = 0; let pings = 0;
  a.agent.on(trustPing.PING_RESPONSE, () => { responses++; });
  trustPing.register(b.agent, { onPing: () => { pings++; } });
  const r = await ping(a.agent, b.did, { responseRequested: false });
  assert.equal(r.rttMs, undefined);
  await sleep(50);
  assert.equal(pings, 1);
  assert.equal(responses, 0);
});

test('trust-ping: a later minor version and the spec text spelling (trust_ping, ping_response) are answered', async () => {
  const hub = newHub(); const resolver = newResolver();
  const a = await memoryAgent(hub, resolver); const b = await memoryAgent(hub, resolver);
  trustPing.register(b.agent);
  for (const type of ['https://didcomm.org/trust-ping/2.3/ping', 'https://didcomm.org/trust_ping/2.0/ping']) {
    const { message } = await a.agent.request({ id: newId(), type, from: a.did, to: [b.did], body: {} });
    assert.equal(message.type, trustPing.PING_RESPONSE, type);
  }
});

test('trust-ping: a ping to an agent without the protocol gets a problem report', async () => {
  const hub = newHub(); const resolver = newResolver();
  const a = await memoryAgent(hub, resolver); const b = await memoryAgent(hub, resolver);
  await assert.rejects(ping(a.agent, b.did), (e) => e.code === ErrorCodes.PROBLEM_REPORT && e.cause.code === 'e.p.msg.unsupported');
});
