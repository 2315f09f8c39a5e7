// createDID: a new DID with fresh keys, its resolved document, and the secrets for it, with
// secret ids equal to the document's absolute verification-method ids (what pack/unpack look up).
import { ed25519PublicToX25519, ed25519SecretToX25519 } from '../crypto/curves.js';
import { isCurve, type Curve } from '../crypto/types.js';
import { DIDCommError, ErrorCodes } from '../errors.js';
import { decode, encode } from '../util/base64url.js';
import { generateKeyPair, keyPairFromJwk, secretFromKeyPair, type KeyPair } from '../secrets/keys-io.js';
import type { Secret } from '../secrets/types.js';
import { multikeyToPublicRaw } from '../keys/multikey.js';
import { allVerificationMethods } from './document.js';
import { didJwkFromJwk, resolveDidJwk } from './methods/jwk.js';
import { didKeyFromPublicKey, resolveDidKey } from './methods/key.js';
import { createPeer0, resolvePeer0 } from './methods/peer/numalgo0.js';
import { createPeer2, parsePeer2, resolvePeer2Current, type PeerKeyInput } from './methods/peer/numalgo2.js';
import { peer3FromPeer2 } from './methods/peer/numalgo3.js';
import { contextualizePeer4, createPeer4 } from './methods/peer/numalgo4.js';
import { CONTEXT } from './methods/common.js';
import type { DIDDocument } from './types.js';
import { absoluteId } from './url.js';

/** A DIDCommMessaging endpoint to advertise. */
export interface ServiceInput {
  uri: string;
  /** Default ['didcomm/v2']. */
  accept?: string[];
  routingKeys?: string[];
  /** Relative id (`#...`); did:peer assigns `#service`, `#service-1`, ... when absent. */
  id?: string;
}

/** Options of createDID. */
export interface CreateDIDOptions {
  /** Key curve. peer: Ed25519 (default, with an X25519 agreement key) or an EC curve; key: Ed25519 default; jwk: P-256 default. */
  curve?: Curve;
  /** did:peer numalgo: 2 (default), 0 or 4. */
  numalgo?: 0 | 2 | 4;
  /** did:peer:2 and :4 only. */
  services?: ServiceInput[];
  /** Shape of the returned secrets (default JsonWebKey2020, as the vectors use). */
  secretType?: 'JsonWebKey2020' | 'Multikey';
}

/** A new DID: the DID, its resolved document, and its secrets under the document's own key ids (what pack and unpack look up). */
export interface CreatedDID {
  did: string;
  didDocument: DIDDocument;
  secrets: Secret[];
  /** did:peer:4 only: the short form, which resolves once its long form has been seen. */
  shortDid?: string;
}

/**
 * A new DID with fresh keys: did:peer (numalgo 2 by default, with services), did:key or did:jwk.
 * The secrets are returned, never stored: put them in a SecretsResolver (InMemorySecrets, FileSecretsStore).
 */
export async function createDID(method: 'peer' | 'key' | 'jwk', options: CreateDIDOptions = {}): Promise<CreatedDID> {
  if (options.curve !== undefined && !isCurve(options.curve)) throw new DIDCommError(ErrorCodes.UNSUPPORTED, `unsupported curve ${String(options.curve)}`);
  if (options.services !== undefined && method !== 'peer') throw new TypeError(`did:${method} cannot carry services`);
  switch (method) {
    case 'peer':
      return createPeer(options);
    case 'key':
      return createKey(options);
    case 'jwk':
      return createJwk(options);
    default:
      throw new DIDCommError(ErrorCodes.UNSUPPORTED, `createDID does not create did:${String(method)}`);
  }
}

function secretsFor(did: string, doc: DIDDocument, pairs: KeyPair[], type: CreateDIDOptions['secretType']): Secret[] {
  // Each key pair goes to the verification method that carries its public key, so the ids
  // are the document's own, whatever the method's id scheme.
  const out: Secret[] = [];
  for (const vm of allVerificationMethods(doc)) {
    const jwk = vm.publicKeyJwk as Record<string, unknown> | undefined;
    const pair = pairs.find((p) =>
      vm.publicKeyMultibase !== undefined ? p.publicKeyMultibase === vm.publicKeyMultibase : !!jwk && jwk.crv === p.curve && jwk.x === p.publicKeyJwk.x && jwk.y === p.publicKeyJwk.y,
    );
    const id = absoluteId(did, vm.id);
    if (pair && !out.some((s) => s.id === id)) out.push(secretFromKeyPair(id, pair, type));
  }
  return out;
}

/** The X25519 pair that an Ed25519 pair converts to (did:key and did:peer:0 derivation). */
async function derivedX25519Pair(ed: KeyPair): Promise<KeyPair> {
  const pub = ed25519PublicToX25519(decode(ed.publicKeyJwk.x));
  const x = ed25519SecretToX25519(decode(ed.privateKeyJwk.d));
  // Importing checks that the converted secret and public key agree.
  return keyPairFromJwk({ kty: 'OKP', crv: 'X25519', x: encode(pub), d: encode(x) });
}

function serviceObjects(services: ServiceInput[] = []): Array<Record<string, unknown>> {
  return services.map((s) => {
    if (!s || typeof s.uri !== 'string' || s.uri.length === 0) throw new TypeError('a service needs a uri');
    if (s.id !== undefined && !s.id.startsWith('#')) throw new TypeError('service ids must be relative (#...)');
    const svc: Record<string, unknown> = {};
    if (s.id !== undefined) svc.id = s.id;
    svc.type = 'DIDCommMessaging';
    svc.serviceEndpoint = { uri: s.uri, accept: s.accept ?? ['didcomm/v2'], routingKeys: s.routingKeys ?? [] };
    return svc;
  });
}

async function signingAndAgreementPairs(curve: Curve): Promise<[KeyPair, KeyPair]> {
  if (curve === 'Ed25519' || curve === 'X25519') return [await generateKeyPair('Ed25519'), await generateKeyPair('X25519')];
  return [await generateKeyPair(curve), await generateKeyPair(curve)];
}

async function createPeer(options: CreateDIDOptions): Promise<CreatedDID> {
  const numalgo = options.numalgo ?? 2;
  const curve = options.curve ?? 'Ed25519';
  if (numalgo === 0) {
    if (options.services?.length) throw new TypeError('did:peer:0 cannot carry services');
    const kp = await generateKeyPair(curve);
    const pairs = curve === 'Ed25519' ? [kp, await derivedX25519Pair(kp)] : [kp];
    const did = createPeer0(rawOf(kp));
    const doc = resolvePeer0(did, 'current');
    return { did, didDocument: doc, secrets: secretsFor(did, doc, pairs, options.secretType) };
  }
  const [sig, agr] = await signingAndAgreementPairs(curve);
  if (numalgo === 2) {
    const keys: PeerKeyInput[] = [
      { purpose: 'V', ...rawOf(sig) },
      { purpose: 'E', ...rawOf(agr) },
    ];
    const did = createPeer2(keys, serviceObjects(options.services));
    const doc = resolvePeer2Current(did, parsePeer2(did), await peer3FromPeer2(did));
    return { did, didDocument: doc, secrets: secretsFor(did, doc, [sig, agr], options.secretType) };
  }
  if (numalgo === 4) {
    const input: Record<string, unknown> = {
      '@context': [CONTEXT.did, CONTEXT.multikey],
      verificationMethod: [
        { id: '#key-1', type: 'Multikey', publicKeyMultibase: sig.publicKeyMultibase },
        { id: '#key-2', type: 'Multikey', publicKeyMultibase: agr.publicKeyMultibase },
      ],
      authentication: ['#key-1'],
      assertionMethod: ['#key-1'],
      keyAgreement: ['#key-2'],
    };
    const services = serviceObjects(options.services);
    if (services.length) input.service = services.map((s, i) => ({ id: s.id ?? (i === 0 ? '#service' : `#service-${i}`), ...s }));
    const { longForm, shortForm } = await createPeer4(input);
    const doc = contextualizePeer4(input, longForm, shortForm);
    const shortDoc = contextualizePeer4(input, shortForm, longForm);
    // Peers may address either form, so hold the secrets under both.
    const secrets = [...secretsFor(longForm, doc, [sig, agr], options.secretType), ...secretsFor(shortForm, shortDoc, [sig, agr], options.secretType)];
    return { did: longForm, didDocument: doc, secrets, shortDid: shortForm };
  }
  throw new DIDCommError(ErrorCodes.UNSUPPORTED, `createDID does not create did:peer numalgo ${String(numalgo)}`);
}

async function createKey(options: CreateDIDOptions): Promise<CreatedDID> {
  const curve = options.curve ?? 'Ed25519';
  const kp = await generateKeyPair(curve);
  const pairs = curve === 'Ed25519' ? [kp, await derivedX25519Pair(kp)] : [kp];
  const did = didKeyFromPublicKey(curve, rawOf(kp).raw);
  const doc = resolveDidKey(did);
  return { did, didDocument: doc, secrets: secretsFor(did, doc, pairs, options.secretType) };
}

async function createJwk(options: CreateDIDOptions): Promise<CreatedDID> {
  const kp = await generateKeyPair(options.curve ?? 'P-256');
  const did = didJwkFromJwk(kp.publicKeyJwk);
  const doc = resolveDidJwk(did);
  return { did, didDocument: doc, secrets: secretsFor(did, doc, [kp], options.secretType) };
}

const rawOf = (kp: KeyPair) => ({ curve: kp.curve, raw: multikeyToPublicRaw(kp.publicKeyMultibase).raw });
