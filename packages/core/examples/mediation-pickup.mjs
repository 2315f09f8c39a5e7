// Mediation and pickup, as a client. A wallet that is often offline asks a mediator to hold
// its messages: the mediator grants mediation, the wallet makes a DID that routes through the
// mediator, and picks its messages up later (polling) or as they arrive (live, WebSocket).
// For the example a mediator runs in this process on 127.0.0.1 (see packages/mediator);
// in an app you would only have its URL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, createDID, createResolver, HttpTransport, InMemorySecrets, MediatorClient, parseInvitation, sendBasicMessage, silentLogger } from '@didcomm-ts/core';
import { NodeWsTransport } from '@didcomm-ts/core/node';
import { startMediator } from '@didcomm-ts/mediator';

const data = mkdtempSync(join(tmpdir(), 'didcomm-mediator-'));
const mediator = await startMediator({ host: '127.0.0.1', port: 0, data, passphrase: 'example', scryptN: 2 ** 10 }, { logger: silentLogger });

const resolver = createResolver();
/** A wallet: a DID, its secrets, and the transports to reach the mediator (HTTP, WebSocket). */
async function wallet() {
  const { did, secrets } = await createDID('peer');
  return new Agent({ did, secrets: new InMemorySecrets(secrets), resolver, transports: [new HttpTransport(), new NodeWsTransport()] });
}
const alice = await wallet();
const bob = await wallet();
const inbox = [];
bob.on('https://didcomm.org/basicmessage/2.0/message', (ctx) => void inbox.push(ctx.message.body.content));

try {
  // The mediator's out-of-band invitation (GET /oob?format=url) names its DID.
  const invitationUrl = await (await fetch(new URL('/oob?format=url', mediator.url))).text();
  const mediatorDid = parseInvitation(invitationUrl).from;

  // Coordinate-mediation 3.0 (or mediationVersion: 2) and message-pickup 4.0 (or pickupVersion: 3).
  const bobs = new MediatorClient(bob, mediatorDid);
  const { did: bobMediated } = await bobs.mediate({ makeDefault: true }); // a did:peer:2 routed via the mediator
  const alices = new MediatorClient(alice, mediatorDid);
  await alices.mediate({ makeDefault: true });

  // Bob is offline: Alice's message (wrapped in a forward for the mediator) waits in his queue.
  await sendBasicMessage(alice, bobMediated.did, 'while you were out');
  console.log((await bobs.status()).message_count); // prints: 1

  // Polling: one delivery-request; messages go through Bob's handlers, then are acknowledged.
  const { messages } = await bobs.pickup({ limit: 10 });
  console.log(messages.length, inbox.at(-1)); // prints: 1 while you were out

  // Live mode: the mediator pushes messages over the WebSocket as they arrive.
  let delivered;
  const arrived = new Promise((resolve) => (delivered = resolve));
  console.log((await bobs.live(true, { onDelivery: delivered })).live_delivery); // prints: true
  await sendBasicMessage(alice, bobMediated.did, 'live');
  await arrived;
  console.log(inbox.at(-1)); // prints: live
  await bobs.live(false);
} finally {
  await alice.stop();
  await bob.stop();
  await mediator.close();
  rmSync(data, { recursive: true, force: true });
}
