// A live client keeps one WebSocket open for hours and sends return-routed requests on it
// (status, delivery requests, pings): the agent watches that connection's close once per peer,
// not once per request, so an idle session's memory does not grow with what it sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, createDID, createResolver, InMemorySecrets, newId, packEncrypted } from '@didcomm-ts/core';

const PING = 'https://didcomm.org/trust-ping/2.0/ping';

test('return-routed requests on one connection register one close listener, and its close forgets the route', async () => {
  const resolver = createResolver();
  const a = await createDID('peer');
  const b = await createDID('peer');
  const agent = new Agent({ did: a.did, secrets: new InMemorySecrets(a.secrets), resolver });
  agent.on(PING, () => undefined);
  const listeners = [];
  const session = { id: 'ws:1', kind: 'ws', open: true, send: async () => undefined, onClose: (l) => void listeners.push(l) };
  const bSecrets = new InMemorySecrets(b.secrets);
  for (let i = 0; i < 20; i++) {
    const { packed } = await packEncrypted({ id: newId(), type: PING, from: b.did, to: [a.did], created_time: Math.floor(Date.now() / 1000), return_route: 'all', body: { response_requested: false } }, { to: a.did, from: b.did, resolver, secrets: bSecrets, forward: false });
    await agent.receive(packed, session);
  }
  assert.equal(agent.returnRouteCount, 1);
  assert.equal(listeners.length, 1, `${listeners.length} close listeners for one connection`);
  session.open = false;
  for (const l of listeners) l();
  assert.equal(agent.returnRouteCount, 0, 'the closed connection is no longer a route');
  await agent.stop();
});
