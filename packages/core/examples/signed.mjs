// Signed (JWS): anyone can verify who wrote it (non-repudiation); nothing is hidden.
import { createDID, createMessage, packSigned, unpack, InMemorySecrets } from '@didcomm-ts/core';

const alice = await createDID('peer'); // did:peer:2 with an Ed25519 signing key
const aliceSecrets = new InMemorySecrets(alice.secrets);

const message = createMessage({ type: 'https://example.org/notes/1.0/note', from: alice.did, body: { text: 'signed by me' } });
const { packed, metadata: sent } = await packSigned(message, { signBy: alice.did, secrets: aliceSecrets });
console.log(sent.signAlg); // prints: EdDSA

// The receiver needs no secrets: the signature is checked against Alice's DID document.
const { message: received, metadata } = await unpack(packed);
console.log(received.body.text, metadata.nonRepudiation, metadata.signFrom === sent.signByKid); // prints: signed by me true true
