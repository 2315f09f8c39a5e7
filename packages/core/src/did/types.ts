import type { PublicJwk } from '../keys/jwk.js';

/** A verification method as W3C DID Core documents carry it. */
export interface VerificationMethod {
  id: string;
  type: string;
  controller?: string;
  publicKeyJwk?: PublicJwk | Record<string, unknown>;
  publicKeyMultibase?: string;
  publicKeyBase58?: string;
  [k: string]: unknown;
}

/** A DIDComm v2 service endpoint: where to send (`uri`, a URL or a mediator's DID), the profiles accepted, and the routing keys. */
export interface ServiceEndpointObject {
  uri: string;
  accept?: string[];
  routingKeys?: string[];
  /** The DIDComm v2.0 spelling; read, never written. */
  routing_keys?: string[];
  [k: string]: unknown;
}

/** A service of a DID document; DIDComm uses those of type DIDCommMessaging. */
export interface Service {
  id: string;
  type: string | string[];
  serviceEndpoint: string | ServiceEndpointObject | Array<string | ServiceEndpointObject> | Record<string, unknown>;
  /** Legacy (pre-v2.1, old did:peer:2) siblings of a string serviceEndpoint. */
  routingKeys?: string[];
  accept?: string[];
  [k: string]: unknown;
}

export type VerificationRelationship = string | VerificationMethod;

/** A W3C DID Core document, as resolvers return it. Unknown properties are kept. */
export interface DIDDocument {
  '@context'?: string | Array<string | Record<string, unknown>>;
  id: string;
  alsoKnownAs?: string[];
  controller?: string | string[];
  verificationMethod?: VerificationMethod[];
  authentication?: VerificationRelationship[];
  assertionMethod?: VerificationRelationship[];
  keyAgreement?: VerificationRelationship[];
  capabilityInvocation?: VerificationRelationship[];
  capabilityDelegation?: VerificationRelationship[];
  service?: Service[];
  [k: string]: unknown;
}

/** What pack and unpack need: resolve a DID to its document, or null when it does not exist. */
export interface DIDResolver {
  resolve(did: string): Promise<DIDDocument | null>;
}
