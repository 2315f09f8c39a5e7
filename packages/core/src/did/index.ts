// Public API of the DID layer.
export type { DIDDocument, VerificationMethod, Service, ServiceEndpointObject, DIDResolver } from './types.js';
export { parseDidUrl, isDid, absoluteId, didOf, type ParsedDidUrl } from './url.js';
export {
  allVerificationMethods,
  relationshipIds,
  findVerificationMethod,
  methodsFor,
  isAuthorized,
  verificationMethodPublicKey,
  didcommEndpoints,
  type Relationship,
  type DIDCommEndpoint,
} from './document.js';
export { createResolver, type ResolverOptions, type CompositeResolver } from './resolver.js';
export { CachingResolver, type CacheOptions } from './cache.js';
export {
  fromResolvable,
  fromMethodDriver,
  fromResolutionResult,
  toResolvable,
  type ResolvableLike,
  type DIDMethodDriverLike,
  type DIDResolutionResultLike,
  type ParsedDIDLike,
} from './did-resolver.js';
export { createDID, type CreateDIDOptions, type CreatedDID, type ServiceInput } from './create.js';
export { rotateDID, type RotateDIDOptions, type RotationClaims } from './rotate.js';
export { resolveDidKey, didKeyFromPublicKey, type DidKeyOptions } from './methods/key.js';
export { resolveDidJwk, didJwkFromJwk } from './methods/jwk.js';
export { resolveDidWeb, didWebToUrl, type DidWebOptions, type FetchLike } from './methods/web.js';
export { resolvePeerDid, PeerDidStore, type PeerResolveOptions, type PeerDocFormat } from './methods/peer/index.js';
export { createPeer2, type PeerKeyInput, type PeerPurpose } from './methods/peer/numalgo2.js';
export { createPeer0 } from './methods/peer/numalgo0.js';
export { createPeer4 } from './methods/peer/numalgo4.js';
export { peer3FromPeer2 } from './methods/peer/numalgo3.js';
export { peer1FromGenesis, registerPeer1Genesis } from './methods/peer/numalgo1.js';
export { resolveOrThrow } from './require.js';
