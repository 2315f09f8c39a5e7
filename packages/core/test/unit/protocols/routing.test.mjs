import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, InMemorySecrets, MemoryTransport, createDID, routing, basicMessage, sendBasicMessage, packEncrypted, wrapInForward, unpack, ErrorCodes, newId } from '../../../dist/index.js';
import { memoryAgent, newHub, newResolver, waiter } from './agents.mjs';

/** Bob: reachable through `mediatorDid` (first service) and directly (second). */
async function bobBehind(hub, resolver, mediatorDid) {
  const uri = `memory://bob-${newId()}`;
  const created = await createDID('peer', { services: [{ uri: mediatorDid }, { uri }] });
  const agent = new Agent({ did: created.did, secrets: new InMemorySecrets(created.secrets), resolver, transports: [new MemoryTransport(hub)], retry: { attempts: 1 } });
  hub.register(uri, agent);
  return { agent, did: created.did };
}

test('routing: a mediator unwraps a forward and relays it to next; the recipient sees the sender', async () => {
  const hub = newHub(); const resolver = newResolver();
  const m = await memoryAgent(hub, resolver);
  const alice = await memoryAgent(hub, resolver);
  const bob = await bobBehind(hub, resolver, m.did);
  const relayed = [];
  routing.register(m.agent, { accepts: (did) => did === bob.did, onRelayed: (f, via) => relayed.push({ next: f.nextDid, via }) });
  const got = waiter();
  basicMessage.register(bob.agent, { onMessage: (msg, ctx) => got.push({ msg, ctx }) });
  const [sent] = await alice.agent.send({ ...basicMessage.buildBasicMessage({ from: alice.did, to: bob.did, content: 'via the mediator' }) });
  assert.equal(sent.via, m.uri, 'alice delivered to the mediator');
  const { msg, ctx } = await got.promise;
  assert.equal(msg.content, 'via the mediator');
  assert.equal(msg.from, alice.did);
  assert.equal(ctx.metadata.authenticated, true);
  assert.deepEqual(relayed.map((r) => r.next), [bob.did]);
  assert.match(relayed[0].via, /^memory:\/\/bob-/, 'relayed to the direct endpoint, not back through itself');
});

test('routing: an agent that is not a mediator refuses forwards for an unknown next (ERR_ROUTING)', async () => {
  const hub = newHub(); const resolver = newResolver();
  const carol = await memoryAgent(hub, resolver);
  const alice = await memoryAgent(hub, resolver);
  const bob = await memoryAgent(hub, resolver);
  routing.register(carol.agent);
  const { packed } = await packEncrypted({ id: newId(), type: basicMessage.MESSAGE, from: alice.did, to: [bob.did], body: { content: 'x' } }, { to: bob.did, from: alice.did, resolver, secrets: alice.agent.secrets, forward: false });
  const fwd = await wrapInForward(JSON.parse(packed), bob.did, [carol.did], { resolver, encAlgAnon: 'A256CBC-HS512' });
  await assert.rejects(carol.agent.receive(JSON.stringify(fwd)), (e) => e.code === ErrorCodes.ROUTING && /not relaying/.test(e.message));
});

test('routing: the deliver hook lets a mediator store instead of relaying; the stored payload is the recipient\'s message', async () => {
  const hub = newHub(); const resolver = newResolver();
  const m = await memoryAgent(hub, resolver);
  const alice = await memoryAgent(hub, resolver);
  const bob = await bobBehind(hub, resolver, m.did);
  const queue = [];
  const stored = waiter();
  routing.register(m.agent, { accepts: () => true, deliver: (f) => { queue.push(f.payload); stored.push(f); return true; } });
  await sendBasicMessage(alice.agent, bob.did, 'queued');
  const f = await stored.promise;
  assert.equal(f.nextDid, bob.did);
  const { message, metadata } = await unpack(queue[0], { resolver, secrets: bob.agent.secrets });
  assert.equal(message.body.content, 'queued');
  assert.equal(metadata.encryptedFromKid.startsWith(alice.did), true);
});
