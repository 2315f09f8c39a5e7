import { createDID, packEncrypted, unpack, InMemorySecrets } from '@didcomm-ts/core';
const alice = await createDID('peer'), bob = await createDID('peer');
const secrets = new InMemorySecrets([...alice.secrets, ...bob.secrets]);
const { packed } = await packEncrypted({ id: '1', type: 'https://didcomm.org/basicmessage/2.0/message', from: alice.did, to: [bob.did], body: { content: 'hi' } }, { to: bob.did, from: alice.did, secrets });
const { message, metadata } = await unpack(packed, { secrets });
console.log(message.body.content, metadata.authenticated); // prints: hi true
