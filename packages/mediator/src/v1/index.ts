// DIDComm v1 (Aries) in the mediator; see mediator.ts.
export { V1Mediator, isV1Packed } from './mediator.js';
export { deriveV1Key, v1Identity, type V1Identity, type V1IdentityOptions } from './identity.js';
export { V1_PROTOCOLS } from './types.js';
