// A Veramo 7 agent (@veramo/did-comm 7.0.1) sends to a DID mediated by our mediator: Veramo
// resolves the DID, wraps its authcrypt in a forward (anoncrypt without apv) and POSTs it; our
// client picks the message up. The mediator reads such forwards only when started with
// --compat veramo (COMPAT); strict, it refuses them as it always did. Issue 13.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, createDID, createMediatedDID, createResolver, HttpTransport, InMemorySecrets, MediatorClient } from '@didcomm-ts/core';
import { CapturingTransport, importIdentity, veramoAgent } from '../../core/test/interop/veramo-agent.mjs';
import { parseConfig } from '../dist/index.js';
import { BASIC, testMediator } from './helpers.mjs';

/** Our client, reading Veramo's dialect too (the inner message is Veramo's draft-3 authcrypt). */
async function client(resolver) {
  const created = await createDID('peer');
  const secrets = new InMemorySecrets(created.secrets);
  const agent = new Agent({ did: created.did, secrets, resolver, transports: [new HttpTransport({ timeoutMs: 10_000 })], retry: { attempts: 1 }, requestTimeoutMs: 10_000, unpackPolicy: { compat: 'veramo' } });
  const inbox = [];
  agent.on(BASIC, (ctx) => inbox.push({ content: ctx.message.body.content, from: ctx.sender }));
  return { agent, secrets, inbox };
}

const firstKeyAgreement = (did, doc) => doc.keyAgreement.map((k) => (typeof k === 'string' ? k : k.id)).map((id) => (id.startsWith('#') ? `${did}${id}` : id))[0];

/** Veramo sends one basic message to `to`, authcrypt from `from` (a DID it holds). */
async function veramoSends(veramo, from, to, content) {
  const now = Math.floor(Date.now() / 1000);
  const message = { id: crypto.randomUUID(), type: BASIC, from, to: [to], created_time: now, expires_time: now + 3600, body: { content } };
  const packed = await veramo.packDIDCommMessage({ message, packing: 'authcrypt' });
  return veramo.sendDIDCommMessage({ packedMessage: packed, recipientDidUrl: to, messageId: message.id });
}

for (const workers of [0, 1]) {
  test(`--compat veramo (${workers ? 'worker pool' : 'main thread'}): Veramo forwards through the mediator both ways a DID can route; our client picks the messages up`, async () => {
    const m = await testMediator({ compat: 'veramo', unwrapWorkers: workers });
    const resolver = createResolver();
    const bob = await client(resolver);
    try {
      const mc = new MediatorClient(bob.agent, m.did);
      await mc.request();
      const mediatorKey = firstKeyAgreement(m.did, await resolver.resolve(m.did));
      const shapes = [
        { name: 'routing DID as endpoint', did: await createMediatedDID({ routingDid: m.did }) },
        { name: 'uri and routingKeys', did: await createMediatedDID({ uri: m.publicUrl, routingKeys: [mediatorKey] }) },
      ];
      const eve = await createDID('peer');
      const veramo = veramoAgent(resolver);
      await importIdentity(veramo, eve);
      for (const shape of shapes) {
        bob.secrets.add(...shape.did.secrets);
        assert.equal((await mc.addRecipient(shape.did.did))[0].result, 'success');
        const sent = await veramoSends(veramo, eve.did, shape.did.did, `from Veramo, ${shape.name}`);
        assert.ok(sent.transportId, `${shape.name}: Veramo's HTTP transport delivered it`);
      }
      await mc.pickupAll();
      assert.deepEqual(bob.inbox.map((x) => x.content).sort(), ['from Veramo, routing DID as endpoint', 'from Veramo, uri and routingKeys']);
      assert.ok(bob.inbox.every((x) => x.from === eve.did));
      assert.doesNotMatch(await (await fetch(new URL('/metrics', m.publicUrl))).text(), /didcomm_mediator_refused_total\{reason="ERR_MALFORMED"\}/);
    } finally {
      await bob.agent.stop();
      await m.stop();
    }
  });
}

test('strict (no --compat): Veramo\'s forward is refused as before, nothing is queued', async () => {
  const m = await testMediator({ unwrapWorkers: 0 });
  const resolver = createResolver();
  const bob = await client(resolver);
  try {
    const mc = new MediatorClient(bob.agent, m.did);
    await mc.request();
    const routed = await createMediatedDID({ routingDid: m.did });
    bob.secrets.add(...routed.secrets);
    await mc.addRecipient(routed.did);
    const eve = await createDID('peer');
    const veramo = veramoAgent(resolver);
    await importIdentity(veramo, eve);
    await assert.rejects(veramoSends(veramo, eve.did, routed.did, 'refused'), /Could not send DIDComm message/);
    // What it answered Veramo: the forward, caught on its way and posted again.
    const capture = new CapturingTransport();
    const catcher = veramoAgent(resolver, { transports: [capture] });
    await importIdentity(catcher, eve);
    await veramoSends(catcher, eve.did, routed.did, 'refused');
    const forward = capture.sent.find((s) => s.service.serviceEndpoint.uri === m.publicUrl).message;
    const res = await fetch(m.publicUrl, { method: 'POST', headers: { 'content-type': 'application/didcomm-encrypted+json' }, body: forward });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: 'ERR_MALFORMED', message: 'JWE has no apv' });
    assert.match(await (await fetch(new URL('/metrics', m.publicUrl))).text(), /didcomm_mediator_refused_total\{reason="ERR_MALFORMED"\} 2/);
    assert.equal(await mc.pickupAll(), 0);
    assert.equal(bob.inbox.length, 0);
  } finally {
    await bob.agent.stop();
    await m.stop();
  }
});

test('config: --compat veramo and COMPAT=veramo; an unknown dialect is refused at start', () => {
  assert.equal(parseConfig(['--compat', 'veramo'], {}).compat, 'veramo');
  assert.equal(parseConfig([], { COMPAT: 'veramo' }).compat, 'veramo');
  assert.equal(parseConfig([], {}).compat, undefined);
  assert.throws(() => parseConfig(['--compat', 'didcomm-rust'], {}), /compat must be veramo/);
});
