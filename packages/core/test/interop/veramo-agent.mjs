// The least Veramo 7 agent that drives @veramo/did-comm's pack, unpack and send: in-memory key
// and DID stores, the local KMS, and a DID resolver. Its identities are made by us and imported
// (no Veramo DID provider), and it resolves through our resolver seen as a did-resolver
// `Resolvable`, so both sides read the same did:peer documents.
import { createAgent } from '@veramo/core';
import { AbstractDIDCommTransport, DIDComm, DIDCommHttpTransport } from '@veramo/did-comm';
import { DIDManager, MemoryDIDStore } from '@veramo/did-manager';
import { DIDResolverPlugin } from '@veramo/did-resolver';
import { KeyManager, MemoryKeyStore, MemoryPrivateKeyStore } from '@veramo/key-manager';
import { KeyManagementSystem } from '@veramo/kms-local';

/**
 * Veramo's DID-comm code converts the identifier's Ed25519 keys to X25519 in place
 * (convertIdentifierEncryptionKeys), and MemoryDIDStore hands out its own object, so after one
 * unpack the agent can no longer sign. A database store returns a fresh copy each time; so
 * does this one.
 */
class CopyingDIDStore extends MemoryDIDStore {
  async getDID(args) {
    return structuredClone(await super.getDID(args));
  }
}

/** Our DIDResolver as a did-resolver Resolvable (documents copied: Veramo may annotate them). */
export function asResolvable(resolver) {
  return {
    async resolve(didUrl) {
      const did = didUrl.split(/[#?]/)[0];
      try {
        const doc = await resolver.resolve(did);
        return doc
          ? { didDocument: structuredClone(doc), didResolutionMetadata: { contentType: 'application/did+ld+json' }, didDocumentMetadata: {} }
          : { didDocument: null, didResolutionMetadata: { error: 'notFound' }, didDocumentMetadata: {} };
      } catch (e) {
        return { didDocument: null, didResolutionMetadata: { error: 'invalidDid', message: String(e?.message ?? e) }, didDocumentMetadata: {} };
      }
    },
  };
}

/** A transport that keeps what Veramo sends instead of sending it. */
export class CapturingTransport extends AbstractDIDCommTransport {
  sent = [];
  isServiceSupported() {
    return true;
  }
  async send(service, message) {
    this.sent.push({ service, message });
    return { result: 'captured' };
  }
}

/** A Veramo agent resolving through `resolver`; HTTP transport unless `transports` is given. */
export function veramoAgent(resolver, { transports = [new DIDCommHttpTransport()] } = {}) {
  return createAgent({
    plugins: [
      new KeyManager({ store: new MemoryKeyStore(), kms: { local: new KeyManagementSystem(new MemoryPrivateKeyStore()) } }),
      new DIDManager({ store: new CopyingDIDStore(), defaultProvider: 'imported', providers: {} }),
      new DIDResolverPlugin({ resolver: asResolvable(resolver) }),
      new DIDComm({ transports }),
    ],
  });
}

/** Give the agent a DID we created (createDID's result): its keys go to the local KMS. */
export async function importIdentity(agent, created) {
  const keys = created.secrets.map((s) => {
    const jwk = s.privateKeyJwk;
    if (!jwk || (jwk.crv !== 'X25519' && jwk.crv !== 'Ed25519')) throw new Error(`Veramo interop: unsupported secret ${s.id}`);
    return { kid: s.id, kms: 'local', type: jwk.crv, privateKeyHex: Buffer.from(jwk.d, 'base64url').toString('hex') };
  });
  return agent.didManagerImport({ did: created.did, provider: 'imported', keys, services: [] });
}
