// What a web page runs: the same API as in Node. Bundled with the `browser` condition (see
// browser-bundle.mjs), the library uses WebCrypto instead of node:crypto and reaches no Node
// built-in. In a page, an Agent talks to mediators with HttpTransport (fetch) and
// WsTransport (the browser's WebSocket); the file store is Node-only.
import { createDID, createMessage, packEncrypted, unpack, InMemorySecrets } from '@didcomm-ts/core';

const alice = await createDID('peer');
const bob = await createDID('peer');
const message = createMessage({ type: 'https://didcomm.org/basicmessage/2.0/message', from: alice.did, to: [bob.did], body: { content: 'from a browser' } });
const { packed } = await packEncrypted(message, { to: bob.did, from: alice.did, secrets: new InMemorySecrets(alice.secrets) });
const { message: received } = await unpack(packed, { secrets: new InMemorySecrets(bob.secrets) });

const text = `${received.body.content} (${packed.length} bytes packed)`;
if (globalThis.document) document.body.textContent = text;
console.log(received.body.content); // prints: from a browser
