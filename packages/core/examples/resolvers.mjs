// Resolvers: pack and unpack look up DID documents through a DIDResolver. createResolver()
// handles did:peer, did:key, did:jwk and did:web with a cache; plug in any other method.
import { createDID, createResolver, packEncrypted, unpack, InMemorySecrets } from '@didcomm-ts/core';

// Self-contained methods resolve offline, from the DID alone.
const resolver = createResolver({ cache: { ttlMs: 60_000, maxEntries: 500 } });
const key = await createDID('key');
console.log((await resolver.resolve(key.did)).keyAgreement.length); // prints: 1

// did:web fetches https://<host>/.well-known/did.json. Pass a fetch to control how: here it
// answers from memory, as a test would (by default Node refuses private and local addresses).
const bob = await createDID('jwk', { curve: 'P-256' });
const webDocJson = JSON.stringify(bob.didDocument).replaceAll(bob.did, 'did:web:bob.example');
const web = createResolver({
  fetch: async (url) => (url === 'https://bob.example/.well-known/did.json' ? new Response(webDocJson) : new Response('', { status: 404 })),
});
console.log((await web.resolve('did:web:bob.example')).verificationMethod[0].publicKeyJwk.crv); // prints: P-256

// Any other method: a DIF did-resolver driver (e.g. `getResolver().ethr`) or a function of
// that shape; a did-resolver `Resolver` instance works as `methods` or `fallback` too.
const registry = new Map([['did:example:carol', { id: 'did:example:carol', verificationMethod: [] }]]);
const withExample = createResolver({
  methods: {
    example: async (did) => (registry.has(did) ? { didDocument: registry.get(did), didResolutionMetadata: {}, didDocumentMetadata: {} } : { didDocument: null, didResolutionMetadata: { error: 'notFound' }, didDocumentMetadata: {} }),
  },
});
console.log((await withExample.resolve('did:example:carol')).id, await withExample.resolve('did:example:nobody')); // prints: did:example:carol null

// Pinned documents (tests, vectors, peers you already know) resolve before any method.
const pinned = createResolver({ static: [JSON.parse(webDocJson)] });
const bobSecrets = new InMemorySecrets(bob.secrets.map((s) => ({ ...s, id: s.id.replace(bob.did, 'did:web:bob.example') })));
const { packed } = await packEncrypted({ id: '1', type: 'https://example.org/notes/1.0/note', body: {} }, { to: 'did:web:bob.example', resolver: pinned });
console.log((await unpack(packed, { secrets: bobSecrets, resolver: pinned })).metadata.encryptedToKids[0]); // prints: did:web:bob.example#0

// A document changed (key rotation): drop the cached copy.
resolver.invalidate(key.did);
