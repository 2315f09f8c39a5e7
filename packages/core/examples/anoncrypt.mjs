// Anoncrypt (ECDH-ES): only Bob can read it, and nothing says who sent it.
import { createDID, createMessage, packEncrypted, unpack, InMemorySecrets } from '@didcomm-ts/core';

const bob = await createDID('peer');
const bobSecrets = new InMemorySecrets(bob.secrets); // only Bob holds these

const message = createMessage({ type: 'https://example.org/notes/1.0/note', to: [bob.did], body: { text: 'from nobody' } });
const { packed, metadata: sent } = await packEncrypted(message, { to: bob.did }); // no `from`: anoncrypt
console.log(sent.encAlgAnon); // prints: ECDH-ES+A256KW/A256CBC-HS512

const { message: received, metadata } = await unpack(packed, { secrets: bobSecrets });
console.log(received.body.text, metadata.anonymousSender, metadata.authenticated); // prints: from nobody true false

// Other content encryptions: 'A256GCM' or 'XC20P' (XChaCha20-Poly1305).
const gcm = await packEncrypted(message, { to: bob.did, encAlgAnon: 'A256GCM' });
console.log((await unpack(gcm.packed, { secrets: bobSecrets })).metadata.encAlgAnon); // prints: ECDH-ES+A256KW/A256GCM
