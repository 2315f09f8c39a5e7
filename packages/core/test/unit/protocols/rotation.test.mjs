import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rotation, registerStandardProtocols, trustPing, packEncrypted, newId, ErrorCodes, createDID, InMemorySecrets, Agent, MemoryTransport } from '../../../dist/index.js';
import { memoryAgent, newHub, newResolver } from './agents.mjs';

const pingFrom = (from, to) => ({ id: newId(), type: trustPing.PING, from, to: [to], created_time: Math.floor(Date.now() / 1000), body: { response_requested: false } });

test('rotation: the agent moves to a new did:peer; the peer verifies from_prior, switches, and ignores the prior DID', async () => {
  const hub = newHub(); const resolver = newResolver();
  const alice = await memoryAgent(hub, resolver); const bob = await memoryAgent(hub, resolver);
  const pingsAtBob = [];
  registerStandardProtocols(alice.agent);
  registerStandardProtocols(bob.agent, { trustPing: { onPing: (ctx) => pingsAtBob.push(ctx) } });
  await trustPing.ping(alice.agent, bob.did);

  const r = await rotation.rotate(alice.agent);
  assert.equal(r.priorDid, alice.did);
  assert.notEqual(r.did, alice.did);
  assert.match(r.did, /^did:peer:2\./);
  assert.equal(alice.agent.did, r.did);
  assert.ok(alice.agent.dids.includes(alice.did), 'the prior DID still decrypts messages in flight');

  // The first message after the rotation carries from_prior; bob verifies and switches.
  const res = await trustPing.ping(alice.agent, bob.did);
  assert.equal(res.response.to[0], r.did, 'bob answers the new DID');
  const first = pingsAtBob.at(-1);
  assert.equal(first.sender, r.did);
  assert.deepEqual({ iss: first.metadata.fromPrior.iss, sub: first.metadata.fromPrior.sub }, { iss: alice.did, sub: r.did });
  assert.equal(bob.agent.rotations.get(alice.did), r.did);
  assert.equal(rotation.currentDidOf(bob.agent, alice.did), r.did);

  // Bob has written to the new DID, so alice stops sending from_prior to him.
  await trustPing.ping(alice.agent, bob.did);
  assert.equal(pingsAtBob.at(-1).metadata.fromPrior, undefined);

  // A message from the prior DID is now ignored by bob...
  const { packed: fromOld } = await packEncrypted(pingFrom(alice.did, bob.did), { to: bob.did, from: alice.did, resolver, secrets: alice.agent.secrets, forward: false });
  await assert.rejects(bob.agent.receive(fromOld), (e) => e.code === ErrorCodes.LAYER_MISMATCH && /rotated/.test(e.message));
  // ...and one from bob to the prior DID is ignored by alice.
  const { packed: toOld } = await packEncrypted(pingFrom(bob.did, alice.did), { to: alice.did, from: bob.did, resolver, secrets: bob.agent.secrets, forward: false });
  await assert.rejects(alice.agent.receive(toOld), (e) => e.code === ErrorCodes.LAYER_MISMATCH && /prior DID/.test(e.message));
});

test('rotation: announceTo sends an empty message carrying from_prior', async () => {
  const hub = newHub(); const resolver = newResolver();
  const alice = await memoryAgent(hub, resolver); const bob = await memoryAgent(hub, resolver);
  const empties = [];
  registerStandardProtocols(bob.agent, { empty: { onEmpty: (ctx) => empties.push(ctx) } });
  const r = await rotation.rotate(alice.agent, { announceTo: [bob.did] });
  await new Promise((res) => setTimeout(res, 30));
  assert.equal(empties.length, 1);
  assert.equal(empties[0].metadata.fromPrior.sub, r.did);
  assert.equal(bob.agent.rotations.get(alice.did), r.did);
});

test('rotation: a from_prior replayed by someone else is refused and changes nothing', async () => {
  const hub = newHub(); const resolver = newResolver();
  const alice = await memoryAgent(hub, resolver); const bob = await memoryAgent(hub, resolver); const mallory = await memoryAgent(hub, resolver);
  registerStandardProtocols(bob.agent);
  const r = await rotation.rotate(alice.agent);
  const msg = { ...pingFrom(mallory.did, bob.did), from_prior: r.fromPrior };
  const { packed } = await packEncrypted(msg, { to: bob.did, from: mallory.did, resolver, secrets: mallory.agent.secrets, forward: false });
  await assert.rejects(bob.agent.receive(packed), (e) => e.code === ErrorCodes.FROM_PRIOR_INVALID);
  assert.equal(bob.agent.rotations.size, 0);
  // A tampered JWT does not verify either.
  const [h, p, s] = r.fromPrior.split('.');
  const forged = `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
  const { packed: p2 } = await packEncrypted({ ...pingFrom(r.did, bob.did), from_prior: forged }, { to: bob.did, from: r.did, resolver, secrets: alice.agent.secrets, forward: false });
  await assert.rejects(bob.agent.receive(p2), (e) => e.code === ErrorCodes.FROM_PRIOR_INVALID);
  assert.equal(bob.agent.rotations.size, 0);
});

test('rotation: secrets without add() need addSecrets', async () => {
  const resolver = newResolver();
  const created = await createDID('peer', { services: [{ uri: 'memory://x' }] });
  const inner = new InMemorySecrets(created.secrets);
  const secrets = { getSecret: (k) => inner.getSecret(k), findSecrets: (k) => inner.findSecrets(k) };
  const agent = new Agent({ did: created.did, secrets, resolver, transports: [new MemoryTransport(newHub())] });
  await assert.rejects(rotation.rotate(agent), TypeError);
  const r = await rotation.rotate(agent, { addSecrets: (s) => inner.add(...s) });
  assert.equal(agent.did, r.did);
});
