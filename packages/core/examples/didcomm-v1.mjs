// DIDComm v1 (Aries RFC 0019), what Credo and ACA-Py wallets speak: Ed25519 keys named by base58
// verkeys (or did:key), Authcrypt when there is a sender, Anoncrypt otherwise.
import { v1 } from '@didcomm-ts/core';

const { key: alice } = await v1.generateV1Key();
const { key: bob, seed } = await v1.generateV1Key(); // keep the seed to store the key: v1.v1KeyFromSeed(seed)

const message = { '@type': 'https://didcomm.org/basicmessage/1.0/message', '@id': '4f1d', content: 'hello v1' };
const envelope = await v1.packV1(message, { to: [bob.verkey], from: alice });
console.log(Object.keys(envelope).join(' ')); // prints: protected iv ciphertext tag

const opened = await v1.unpackV1(JSON.stringify(envelope), { keys: (kid) => (kid === bob.verkey ? bob : undefined) });
console.log(opened.message.content, opened.alg, opened.senderKey === alice.verkey); // prints: hello v1 Authcrypt true

// Through a mediator: a routing 1.0 forward, Anoncrypt to its routing key (as in its mediate-grant).
const { key: mediator } = await v1.generateV1Key();
const wrapped = await v1.wrapV1Forward(envelope, bob.verkey, [v1.verkeyToDidKey(mediator.verkey)]);
const outer = await v1.unpackV1(wrapped, { keys: (kid) => (kid === mediator.verkey ? mediator : undefined) });
console.log(outer.alg, v1.parseV1Forward(v1.parseV1Message(outer.message)).to === bob.verkey, seed.length); // prints: Anoncrypt true 32
