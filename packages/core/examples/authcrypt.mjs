// Authcrypt (ECDH-1PU): only Bob can read it, and Bob knows it is from Alice; unlike a
// signature, Bob cannot prove that to anyone else.
import { createDID, createMessage, packEncrypted, unpack, InMemorySecrets } from '@didcomm-ts/core';

const alice = await createDID('peer');
const bob = await createDID('peer');
const aliceSecrets = new InMemorySecrets(alice.secrets);
const bobSecrets = new InMemorySecrets(bob.secrets);

const message = createMessage({ type: 'https://example.org/notes/1.0/note', from: alice.did, to: [bob.did], body: { text: 'from Alice' } });
const { packed } = await packEncrypted(message, { to: bob.did, from: alice.did, secrets: aliceSecrets });

const { message: received, metadata } = await unpack(packed, { secrets: bobSecrets });
console.log(received.body.text, metadata.authenticated, metadata.anonymousSender); // prints: from Alice true false
console.log(metadata.encryptedFromKid.startsWith(alice.did)); // prints: true

// protectSender wraps it once more in anoncrypt, so mediators on the way cannot see Alice's
// key id; signBy adds a signature inside (non-repudiation as well).
const wrapped = await packEncrypted(message, { to: bob.did, from: alice.did, secrets: aliceSecrets, protectSender: true, signBy: alice.did });
const both = await unpack(wrapped.packed, { secrets: bobSecrets });
console.log(both.metadata.authenticated, both.metadata.anonymousSender, both.metadata.nonRepudiation); // prints: true false true
