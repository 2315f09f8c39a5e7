// DIDComm v1 in the mediator, driven by real Credo 0.6.3 agents (issue 13): each takes the
// mediator's v1 invitation (GET /oob?version=1&format=url), connects with DID Exchange 1.1,
// is granted mediation (coordinate-mediation 1.0), then the two connect to each other through
// the mediator (DID Exchange in routing 1.0 forwards) and exchange basic messages: Alice picks
// up with pickup 2.0 polling over HTTP, Bob with pickup 2.0 live mode over WebSocket. A v2 agent
// of ours uses the same mediator instance meanwhile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DidCommBasicMessageEventTypes, DidCommMediatorPickupStrategy } from '@credo-ts/didcomm';
import { createResolver, sendBasicMessage } from '@didcomm-ts/core';
import { createCredoAgent } from './agent.mjs';
import { mediatedClient, testMediator } from '../helpers.mjs';

let med;
let alice;
let bob;
const agents = [];

/** Basic messages an agent receives, as they arrive. */
function inbox(agent) {
  const got = [];
  const waiters = [];
  agent.events.on(DidCommBasicMessageEventTypes.DidCommBasicMessageStateChanged, ({ payload }) => {
    if (payload.basicMessageRecord.role !== 'receiver') return;
    got.push(payload.message.content);
    for (const w of waiters.splice(0)) w();
  });
  return {
    got,
    waitFor(content, ms = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${content}" after ${ms} ms; got ${JSON.stringify(got)}`)), ms);
        const check = () => (got.includes(content) ? (clearTimeout(timer), resolve()) : waiters.push(check));
        check();
      });
    },
  };
}

async function credoWallet(label, invitationUrl, strategy) {
  const agent = await createCredoAgent({
    label,
    didcomm: { mediationRecipient: { mediatorInvitationUrl: invitationUrl, mediatorPickupStrategy: strategy, mediatorPollingInterval: 200 } },
  });
  agents.push(agent);
  return agent;
}

before(async () => {
  med = await testMediator();
});

after(async () => {
  for (const a of agents) await a.shutdown().catch(() => undefined);
  await med?.stop();
});

test('GET /oob?version=1: an out-of-band 1.1 invitation (JSON, and as a URL); /oob stays v2', async () => {
  const json = await (await fetch(`${med.url}oob?version=1`)).json();
  assert.equal(json['@type'], 'https://didcomm.org/out-of-band/1.1/invitation');
  assert.deepEqual(json.handshake_protocols, ['https://didcomm.org/didexchange/1.1', 'https://didcomm.org/connections/1.0']);
  assert.match(json.services[0].recipientKeys[0], /^did:key:z6Mk/);
  const url = await (await fetch(`${med.url}oob?version=1&format=url`)).text();
  assert.equal(url, med.v1InvitationUrl);
  assert.deepEqual(JSON.parse(Buffer.from(new URL(url).searchParams.get('oob'), 'base64url')), json);
  assert.equal((await (await fetch(`${med.url}oob`)).json()).type, 'https://didcomm.org/out-of-band/2.0/invitation');
});

test('two Credo agents take the v1 invitation and are granted mediation (polling and live mode)', async () => {
  alice = await credoWallet('alice', med.v1InvitationUrl, DidCommMediatorPickupStrategy.PickUpV2);
  bob = await credoWallet('bob', med.v1InvitationUrl, DidCommMediatorPickupStrategy.PickUpV2LiveMode);
  for (const a of [alice, bob]) {
    const [mediator] = await a.didcomm.mediationRecipient.getMediators();
    assert.equal(mediator.state, 'granted');
    assert.equal(mediator.endpoint, med.publicUrl);
  }
  const accounts = (await med.store.listAccounts()).map((a) => a.did);
  assert.equal(accounts.filter((d) => d.startsWith('did:key:z6Mk')).length, 2, 'both are v1 accounts, named by did:key');
  // Credo turns live mode on after its first pickup, in the background.
  const live = async () => /^didcomm_mediator_live_sessions (\d+)$/m.exec(await (await fetch(`${med.url}metrics`)).text())[1];
  for (let i = 0; i < 100 && (await live()) !== '1'; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(await live(), '1', 'Bob\'s live WebSocket counts among the live sessions');
});

test('Alice and Bob connect through the mediator and exchange basic messages both ways; a v2 agent shares the mediator', async () => {
  const aliceInbox = inbox(alice);
  const bobInbox = inbox(bob);
  // A v2 agent of ours, on the same mediator instance, at the same time.
  const resolver = createResolver();
  const [v2a, v2b] = await Promise.all([mediatedClient(med.did, resolver), mediatedClient(med.did, resolver)]);

  const aliceOob = await alice.didcomm.oob.createInvitation({ label: 'alice' });
  const { connectionRecord } = await bob.didcomm.oob.receiveInvitation(aliceOob.outOfBandInvitation, { label: 'bob' });
  const bobToAlice = await bob.didcomm.connections.returnWhenIsConnected(connectionRecord.id, { timeoutMs: 20_000 });
  const [aliceConn] = await alice.didcomm.connections.findAllByOutOfBandId(aliceOob.id);
  await alice.didcomm.connections.returnWhenIsConnected(aliceConn.id, { timeoutMs: 20_000 });

  await Promise.all([
    alice.didcomm.basicMessages.sendMessage(aliceConn.id, 'hello bob'),
    sendBasicMessage(v2a.agent, v2b.did, 'v2 alongside'),
  ]);
  await bobInbox.waitFor('hello bob');
  await bob.didcomm.basicMessages.sendMessage(bobToAlice.id, 'hello alice');
  await aliceInbox.waitFor('hello alice');
  // Bob's came live over his WebSocket, Alice's by polling over HTTP.
  assert.ok(med.mediator.metrics.get('didcomm_mediator_messages_delivered_total', { mode: 'live' }) >= 1);
  assert.ok(med.mediator.metrics.get('didcomm_mediator_messages_delivered_total', { mode: 'pickup' }) >= 1);
  await v2b.client.pickup();
  assert.deepEqual(v2b.inbox.map((m) => m.content), ['v2 alongside']);
});

test('a Credo agent on pickup 1.0 (batch-pickup) connects to Alice through the mediator and gets her message', async () => {
  const carol = await credoWallet('carol', med.v1InvitationUrl, DidCommMediatorPickupStrategy.PickUpV1);
  const carolInbox = inbox(carol);
  const oob = await alice.didcomm.oob.createInvitation({ label: 'alice' });
  const { connectionRecord } = await carol.didcomm.oob.receiveInvitation(oob.outOfBandInvitation, { label: 'carol' });
  await carol.didcomm.connections.returnWhenIsConnected(connectionRecord.id, { timeoutMs: 20_000 });
  const [aliceConn] = await alice.didcomm.connections.findAllByOutOfBandId(oob.id);
  await alice.didcomm.connections.returnWhenIsConnected(aliceConn.id, { timeoutMs: 20_000 });
  await alice.didcomm.basicMessages.sendMessage(aliceConn.id, 'hello carol');
  await carolInbox.waitFor('hello carol');
  // Batches leave the queue as they are handed over (1.0 has no acknowledgement); 2.0 ones on messages-received.
  const deadline = Date.now() + 5000;
  let left;
  while ((left = (await med.store.listAccounts()).filter((a) => a.did.startsWith('did:key:') && a.queued > 0)).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(left, [], 'nothing stays queued for the v1 accounts');
});

test('a Credo agent that takes the invitation with connections 1.0 (no DID Exchange offered) is granted mediation too', async () => {
  const json = await (await fetch(`${med.url}oob?version=1`)).json();
  const only = { ...json, handshake_protocols: ['https://didcomm.org/connections/1.0'] };
  const url = `${med.url}?oob=${Buffer.from(JSON.stringify(only)).toString('base64url')}`;
  const dave = await credoWallet('dave', url, DidCommMediatorPickupStrategy.PickUpV2);
  const [mediator] = await dave.didcomm.mediationRecipient.getMediators();
  assert.equal(mediator.state, 'granted');
  const connection = await dave.didcomm.connections.getById(mediator.connectionId);
  assert.match(connection.protocol, /^https:\/\/didcomm\.org\/connections\/1\./);
  assert.equal(connection.state, 'completed');
});
