// Reading DID documents: verification methods by id and relationship, keys in every
// encoding the vectors and peers use, and DIDCommMessaging services in every spelling.
import { DIDCommError, ErrorCodes } from '../errors.js';
import { ed25519PublicToX25519 } from '../crypto/curves.js';
import type { Curve, PublicKey } from '../crypto/types.js';
import { jwkToPublicRaw } from '../keys/jwk.js';
import { base58Decode, multikeyToPublicRaw } from '../keys/multikey.js';
import { absoluteId } from './url.js';
import type { DIDDocument, Service, ServiceEndpointObject, VerificationMethod } from './types.js';

/** The verification relationships of DID Core: what a DID authorizes a key to do. */
export type Relationship = 'authentication' | 'keyAgreement' | 'assertionMethod' | 'capabilityInvocation' | 'capabilityDelegation';

const RELATIONSHIPS = ['authentication', 'keyAgreement', 'assertionMethod', 'capabilityInvocation', 'capabilityDelegation'] as const;

/** What the lookups below need of a document, computed once. */
interface DocIndex {
  methods: VerificationMethod[];
  byId: Map<string, VerificationMethod>;
  relationships: Map<Relationship, string[]>;
}

// Documents from the resolver cache are deep-frozen and shared, so their index is kept with
// them; it also keeps each method object stable, so the key caches keyed by method hit (a
// did:peer document's relative ids would otherwise give a fresh copy per lookup).
const indexes = new WeakMap<DIDDocument, DocIndex>();
/** The slot of a method copy made by a frozen document's index (indexOf): a method with relative id, as did:peer's. */
const CACHE = Symbol('method cache');

function indexOf(doc: DIDDocument): DocIndex {
  const frozen = Object.isFrozen(doc);
  const hit = frozen ? indexes.get(doc) : undefined;
  if (hit) return hit;
  const methods: VerificationMethod[] = [];
  const byId = new Map<string, VerificationMethod>();
  const add = (vm: VerificationMethod) => {
    const id = absoluteId(doc.id, vm.id);
    if (byId.has(id)) return;
    const absolute = vm.id === id ? vm : { ...vm, id };
    // A copy made here carries its own (unfrozen) cache slot, set before it is frozen: no
    // WeakMap entry for it (methodCache).
    if (absolute !== vm && frozen) Object.defineProperty(absolute, CACHE, { value: {} });
    if (frozen) Object.freeze(absolute);
    methods.push(absolute);
    byId.set(id, absolute);
  };
  for (const vm of doc.verificationMethod ?? []) if (vm && typeof vm === 'object') add(vm);
  for (const rel of RELATIONSHIPS) {
    for (const entry of doc[rel] ?? []) if (entry && typeof entry === 'object') add(entry);
  }
  const relationships = new Map<Relationship, string[]>();
  for (const rel of RELATIONSHIPS) {
    const entries = doc[rel];
    const ids = Array.isArray(entries) ? entries.map((e) => absoluteId(doc.id, typeof e === 'string' ? e : e?.id)).filter((x): x is string => typeof x === 'string') : [];
    relationships.set(rel, ids);
  }
  const ix = { methods, byId, relationships };
  if (frozen) indexes.set(doc, ix);
  return ix;
}

/** Every verification method a document defines or embeds, with absolute ids. */
export function allVerificationMethods(doc: DIDDocument): VerificationMethod[] {
  return [...indexOf(doc).methods];
}

/** Absolute ids of the methods listed under a relationship (embedded or referenced). */
export function relationshipIds(doc: DIDDocument, rel: Relationship): string[] {
  return [...(indexOf(doc).relationships.get(rel) ?? [])];
}

/** The verification method with this (absolute or relative) id, or undefined. */
export function findVerificationMethod(doc: DIDDocument, id: string): VerificationMethod | undefined {
  const abs = absoluteId(doc.id, id);
  if (Object.isFrozen(doc)) return indexOf(doc).byId.get(abs);
  // A document that is not frozen gets no kept index, and building one per lookup cost more
  // than the lookup (unpack makes two per signer): scan in the index's order, first one wins.
  const match = (vm: unknown): vm is VerificationMethod => !!vm && typeof vm === 'object' && absoluteId(doc.id, (vm as VerificationMethod).id) === abs;
  let vm = (doc.verificationMethod ?? []).find(match);
  for (const rel of RELATIONSHIPS) vm ??= (doc[rel] ?? []).find(match) as VerificationMethod | undefined;
  return vm && (vm.id === abs ? vm : { ...vm, id: abs });
}

/** Methods under a relationship, resolved to their definitions (missing references skipped). */
export function methodsFor(doc: DIDDocument, rel: Relationship): VerificationMethod[] {
  const ix = indexOf(doc);
  return (ix.relationships.get(rel) ?? []).map((id) => ix.byId.get(id)).filter((vm): vm is VerificationMethod => vm !== undefined);
}

/** True when the document lists `kid` (absolute or relative) under the relationship `rel`. */
export function isAuthorized(doc: DIDDocument, rel: Relationship, kid: string): boolean {
  const abs = absoluteId(doc.id, kid);
  if (Object.isFrozen(doc)) return (indexOf(doc).relationships.get(rel) ?? []).includes(abs);
  const entries = doc[rel];
  return Array.isArray(entries) && entries.some((e) => {
    const id = typeof e === 'string' ? e : e?.id;
    return typeof id === 'string' && absoluteId(doc.id, id) === abs;
  });
}

/**
 * What is derived from one verification method object: its raw key, and (pack/context.ts) the
 * imported key. One WeakMap entry per method, not one per cache: each entry is an ephemeron that
 * a full GC resolves in its pause, and a process holding 10,000 parties' documents has one per
 * method it used.
 */
export interface MethodCache {
  raw?: { curve: Curve; raw: Uint8Array };
  key?: Promise<PublicKey>;
}
const methodCaches = new WeakMap<object, MethodCache>();

/** The cache of what is derived from `vm` (created empty). */
export function methodCache(vm: VerificationMethod): MethodCache {
  const own = (vm as { [CACHE]?: MethodCache })[CACHE];
  if (own) return own;
  let c = methodCaches.get(vm);
  if (!c) methodCaches.set(vm, (c = {}));
  return c;
}

/** The raw public key of a verification method, whatever its type and encoding. */
export function verificationMethodPublicKey(vm: VerificationMethod): { curve: Curve; raw: Uint8Array } {
  const c = methodCache(vm);
  return (c.raw ??= decodeVerificationMethod(vm));
}

function decodeVerificationMethod(vm: VerificationMethod): { curve: Curve; raw: Uint8Array } {
  if (vm.publicKeyJwk !== undefined) return jwkToPublicRaw(vm.publicKeyJwk);
  const raw32 = (curve: Curve, raw: Uint8Array) => {
    if (raw.length !== 32) throw new DIDCommError(ErrorCodes.INVALID_KEY, `${vm.type} key has the wrong length`);
    return { curve, raw };
  };
  switch (vm.type) {
    case 'Multikey':
      if (typeof vm.publicKeyMultibase !== 'string') break;
      return multikeyToPublicRaw(vm.publicKeyMultibase);
    case 'X25519KeyAgreementKey2019':
    case 'X25519KeyAgreementKey2020':
    case 'Ed25519VerificationKey2018':
    case 'Ed25519VerificationKey2020': {
      const curve: Curve = vm.type.startsWith('X25519') ? 'X25519' : 'Ed25519';
      if (typeof vm.publicKeyBase58 === 'string') return raw32(curve, base58Decode(vm.publicKeyBase58, 'publicKeyBase58'));
      if (typeof vm.publicKeyMultibase === 'string') {
        // The 2020 suites use multicodec-prefixed multibase; some producers omit the prefix.
        const decoded = tryMultikey(vm.publicKeyMultibase);
        if (decoded) {
          if (decoded.curve !== curve) throw new DIDCommError(ErrorCodes.INVALID_KEY, `${vm.type} carries a ${decoded.curve} key`);
          return decoded;
        }
        return raw32(curve, base58Decode(vm.publicKeyMultibase.slice(1), 'publicKeyMultibase'));
      }
      break;
    }
    case 'JsonWebKey2020':
    case 'JsonWebKey':
      break;
    default:
      if (typeof vm.publicKeyMultibase === 'string') return multikeyToPublicRaw(vm.publicKeyMultibase);
  }
  throw new DIDCommError(ErrorCodes.UNSUPPORTED, `verification method ${vm.id} has no key we can read (type ${vm.type})`);
}

function tryMultikey(s: string): { curve: Curve; raw: Uint8Array } | undefined {
  try {
    return multikeyToPublicRaw(s);
  } catch {
    return undefined;
  }
}

export { ed25519PublicToX25519 };

/** A DIDCommMessaging endpoint, normalized from every spelling in use. */
export interface DIDCommEndpoint {
  serviceId: string;
  uri: string;
  accept: string[];
  routingKeys: string[];
}

const isDIDCommType = (t: unknown) => t === 'DIDCommMessaging' || (Array.isArray(t) && t.includes('DIDCommMessaging'));

/**
 * DIDCommMessaging endpoints in document order: v2.1 object, v2.0 array, and the legacy
 * string form with `routingKeys`/`accept` beside it. Reads both `routingKeys` and `routing_keys`.
 */
export function didcommEndpoints(doc: DIDDocument): DIDCommEndpoint[] {
  const out: DIDCommEndpoint[] = [];
  for (const svc of (doc.service ?? []) as Service[]) {
    if (!svc || !isDIDCommType(svc.type)) continue;
    const serviceId = absoluteId(doc.id, svc.id);
    const endpoints = Array.isArray(svc.serviceEndpoint) ? svc.serviceEndpoint : [svc.serviceEndpoint];
    for (const ep of endpoints) {
      if (typeof ep === 'string') {
        out.push({ serviceId, uri: ep, accept: strings(svc.accept), routingKeys: strings(svc.routingKeys ?? svc.routing_keys) });
      } else if (ep && typeof ep === 'object' && typeof (ep as ServiceEndpointObject).uri === 'string') {
        const o = ep as ServiceEndpointObject;
        out.push({ serviceId, uri: o.uri, accept: strings(o.accept ?? svc.accept), routingKeys: strings(o.routingKeys ?? o.routing_keys ?? svc.routingKeys) });
      }
    }
  }
  return out;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
