// A sender built directly on didcomm-node (sicpa-dlab/didcomm-rust in WASM) forwards through our
// mediator; our recipient picks the message up. didcomm-node reads an older document shape
// (absolute ids, no Multikey), so it gets a converted view of the same did:peer documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDID, createResolver, createMediatedDID, MediatorClient } from '@didcomm-ts/core';
import { theirPackEncrypted, theirResolver, theirSecrets } from '../../core/test/interop/didcomm-node-adapter.mjs';
import { BASIC, makeClient, testMediator } from './helpers.mjs';

test('a didcomm-node sender forwards through the mediator; our recipient picks it up', async () => {
  const m = await testMediator();
  const resolver = createResolver();
  const bob = await makeClient(resolver);
  try {
    const client = new MediatorClient(bob.agent, m.did);
    await client.request();
    const mediatorDoc = await resolver.resolve(m.did);
    const mediatorKey = mediatorDoc.keyAgreement.map((k) => (typeof k === 'string' ? k : k.id)).map((id) => (id.startsWith('#') ? `${m.did}${id}` : id))[0];
    const eve = await createDID('peer');
    const now = Math.floor(Date.now() / 1000);

    // Both ways a DID can route through the mediator: its DID as the endpoint, or its URL with routing keys.
    const shapes = [
      { name: 'routing DID as endpoint', did: await createMediatedDID({ routingDid: m.did }) },
      { name: 'uri and routingKeys', did: await createMediatedDID({ uri: m.publicUrl, routingKeys: [mediatorKey] }) },
    ];
    for (const [i, shape] of shapes.entries()) {
      bob.secrets.add(...shape.did.secrets);
      assert.equal((await client.addRecipient(shape.did.did))[0].result, 'success');
      const docs = await Promise.all([shape.did.did, m.did, eve.did].map((d) => resolver.resolve(d)));
      const plain = {
        id: `didcomm-node-${i}-${now}`,
        typ: 'application/didcomm-plain+json',
        type: BASIC,
        from: eve.did,
        to: [shape.did.did],
        created_time: now,
        expires_time: now + 3600,
        body: { content: `from didcomm-node, ${shape.name}` },
      };
      const { packed, metadata } = await theirPackEncrypted(plain, { to: shape.did.did, from: eve.did }, theirResolver(docs), theirSecrets(eve.secrets));
      assert.ok(metadata.messaging_service, `${shape.name}: didcomm-node found the mediator's endpoint`);
      assert.equal(metadata.messaging_service.service_endpoint, m.publicUrl);
      const res = await fetch(metadata.messaging_service.service_endpoint, { method: 'POST', headers: { 'content-type': 'application/didcomm-encrypted+json' }, body: packed });
      assert.equal(res.status, 202, `${shape.name}: ${await res.text()}`);
    }
    await client.pickupAll();
    assert.deepEqual(bob.inbox.map((x) => x.content).sort(), ['from didcomm-node, routing DID as endpoint', 'from didcomm-node, uri and routingKeys']);
    assert.ok(bob.inbox.every((x) => x.from === eve.did));
  } finally {
    await bob.agent.stop();
    await m.stop();
  }
});
