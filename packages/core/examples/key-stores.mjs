// Key stores: pack and unpack ask a SecretsResolver for private keys by key id (the DID URL of
// a verification method). Keep them in memory, in an encrypted file (Node), or in your own
// store (a wallet's keychain, an HSM) behind the same two methods.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDID, createMessage, packEncrypted, unpack, InMemorySecrets, isDIDCommError } from '@didcomm-ts/core';
import { FileSecretsStore } from '@didcomm-ts/core/node';

const bob = await createDID('peer');
const message = createMessage({ type: 'https://example.org/notes/1.0/note', to: [bob.did], body: { text: 'for Bob' } });
const { packed } = await packEncrypted(message, { to: bob.did });

// 1. In memory: secret ids are the DID document's key ids, as createDID returns them.
const memory = new InMemorySecrets(bob.secrets);
console.log((await unpack(packed, { secrets: memory })).message.body.text); // prints: for Bob

// 2. An encrypted file (scrypt + AES-256-GCM, written atomically, safe to share between
//    processes). From @didcomm-ts/core/node, since browsers have no file system.
const dir = mkdtempSync(join(tmpdir(), 'didcomm-keys-'));
try {
  const path = join(dir, 'secrets.json');
  const scrypt = { N: 2 ** 14 }; // the default (2^17) is slower and stronger; lowered for the example
  const file = await FileSecretsStore.open(path, 'correct horse battery staple', { scrypt });
  await file.add(...bob.secrets); // written to disk before it returns
  const reopened = await FileSecretsStore.open(path, 'correct horse battery staple', { scrypt });
  console.log((await unpack(packed, { secrets: reopened })).message.body.text); // prints: for Bob
  await FileSecretsStore.open(path, 'wrong passphrase').catch((e) => console.log(isDIDCommError(e, 'ERR_STORE'))); // prints: true
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// 3. Your own store: getSecret(kid) and findSecrets(kids) are all pack and unpack need.
const keychain = new Map(bob.secrets.map((s) => [s.id, s]));
const custom = {
  getSecret: async (kid) => keychain.get(kid) ?? null,
  findSecrets: async (kids) => kids.filter((kid) => keychain.has(kid)),
};
console.log((await unpack(packed, { secrets: custom })).message.body.text); // prints: for Bob
