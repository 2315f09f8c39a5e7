import { DIDCommError, ErrorCodes } from '../errors.js';
import { backend } from '../crypto/index.js';
import type { PublicKey } from '../crypto/types.js';
import { findVerificationMethod, isAuthorized, methodCache, methodsFor, verificationMethodPublicKey, type Relationship } from '../did/document.js';
import type { DIDDocument, DIDResolver, VerificationMethod } from '../did/types.js';
import { parseDidUrl } from '../did/url.js';
import type { SecretsResolver } from '../secrets/types.js';
import { createResolver } from '../did/resolver.js';

export interface KeyContext {
  resolver: DIDResolver;
  secrets?: SecretsResolver;
}

let sharedDefault: DIDResolver | undefined;
/** The resolver given, or one shared createResolver() (peer, key, jwk, web; cached), made on first use. */
export function resolverOrDefault(resolver: DIDResolver | undefined): DIDResolver {
  if (resolver) return resolver;
  return (sharedDefault ??= createResolver());
}

/** Resolve a DID or fail with a typed error; resolver exceptions become RESOLUTION_FAILED. */
export async function resolveDocument(resolver: DIDResolver, did: string): Promise<DIDDocument> {
  let doc: DIDDocument | null;
  try {
    doc = await resolver.resolve(did);
  } catch (e) {
    if (e instanceof DIDCommError) throw e;
    throw new DIDCommError(ErrorCodes.RESOLUTION_FAILED, `resolving ${did} failed`, { cause: e });
  }
  if (!doc) throw new DIDCommError(ErrorCodes.DID_NOT_FOUND, `DID ${did} could not be resolved`);
  if (typeof doc !== 'object' || typeof doc.id !== 'string') throw new DIDCommError(ErrorCodes.RESOLUTION_FAILED, `resolver returned no valid document for ${did}`);
  return doc;
}

/** The validated public key of a verification method, imported once per method object. */
export function methodKey(vm: VerificationMethod): Promise<PublicKey> {
  const c = methodCache(vm);
  return (c.key ??= (async () => {
    const { curve, raw } = verificationMethodPublicKey(vm);
    return backend.importPublicKey(curve, raw);
  })());
}

export interface ResolvedKey {
  kid: string;
  key: PublicKey;
}

/**
 * Keys of a DID or DID URL under a relationship: a DID URL must name a method listed there
 * (KEY_NOT_AUTHORIZED otherwise); a DID gives every method listed there.
 */
export async function keysFor(resolver: DIDResolver, didOrKid: string, rel: Relationship): Promise<{ doc: DIDDocument; keys: ResolvedKey[] }> {
  const { did, fragment } = parseDidUrl(didOrKid);
  const doc = await resolveDocument(resolver, did);
  if (fragment !== undefined) {
    const vm = findVerificationMethod(doc, didOrKid);
    if (!vm) throw new DIDCommError(ErrorCodes.DID_URL_NOT_FOUND, `key ${didOrKid} is not in its DID document`);
    if (!isAuthorized(doc, rel, didOrKid)) throw new DIDCommError(ErrorCodes.KEY_NOT_AUTHORIZED, `key ${didOrKid} is not listed under ${rel}`);
    return { doc, keys: [{ kid: vm.id, key: await methodKey(vm) }] };
  }
  const keys: ResolvedKey[] = [];
  for (const vm of methodsFor(doc, rel)) {
    try {
      keys.push({ kid: vm.id, key: await methodKey(vm) });
    } catch (e) {
      // A key type we cannot use is skipped; a malformed one of a type we know is not.
      if (!(e instanceof DIDCommError && e.code === ErrorCodes.UNSUPPORTED)) throw e;
    }
  }
  return { doc, keys };
}
