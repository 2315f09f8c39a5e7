// Plain Node ESM in the stranger's project: import the installed packages, pack and unpack.
import { createDID, InMemorySecrets, packEncrypted, unpack } from '@didcomm-ts/core';
import { FileSecretsStore } from '@didcomm-ts/core/node';

const alice = await createDID('peer');
const bob = await createDID('key', { curve: 'X25519' });
const secrets = new InMemorySecrets([...alice.secrets, ...bob.secrets]);
const msg = { id: '1', type: 'https://didcomm.org/basicmessage/2.0/message', from: alice.did, to: [bob.did], body: { content: 'hello from node' } };
const { packed } = await packEncrypted(msg, { to: bob.did, from: alice.did, secrets });
const { message, metadata } = await unpack(packed, { secrets });
process.stdout.write(JSON.stringify({ content: message.body.content, authenticated: metadata.authenticated, encrypted: metadata.encrypted, fileStore: typeof FileSecretsStore }));
