// did:key (w3c-ccg did-method-key v0.7): the DID is a multibase multicodec public key, and
// the document is expanded from it. Ed25519 keys also get the X25519 key-agreement key
// derived from them, as the spec's "encryption key derivation" describes.
import { ed25519PublicToX25519 } from '../../crypto/curves.js';
import type { Curve } from '../../crypto/types.js';
import { multikeyToPublicRaw, publicRawToMultikey } from '../../keys/multikey.js';
import type { DIDDocument, VerificationMethod } from '../types.js';
import { asMalformed, canAgree, canSign, contextsFor, malformedDid, vmBody, type KeyEncoding, type RawKey } from './common.js';

/** How did:key documents are expanded (the did:key spec's resolution options). */
export interface DidKeyOptions {
  /**
   * How keys are written. The default follows the spec's own example: the 2020 suites
   * (Ed25519VerificationKey2020, X25519KeyAgreementKey2020) for the 25519 curves and
   * Multikey for the EC curves.
   */
  publicKeyFormat?: 'Multikey' | 'JsonWebKey2020' | 'Suite2020' | 'Suite2018';
  /** Derive and add the X25519 key-agreement key of an Ed25519 key (default true). */
  enableEncryptionKeyDerivation?: boolean;
}

const MSI_RE = /^z[1-9A-HJ-NP-Za-km-z]{1,400}$/;

/** The did:key of a raw public key (its multicodec key, base58btc). */
export const didKeyFromPublicKey = (curve: Curve, raw: Uint8Array): string => `did:key:${publicRawToMultikey(curve, raw)}`;

/** The multibase value and decoded key of a did:key, validated. */
export function parseDidKey(did: string): { multibase: string; key: RawKey } {
  if (typeof did !== 'string' || !did.startsWith('did:key:')) throw malformedDid('key', 'not a did:key');
  const multibase = did.slice('did:key:'.length);
  if (!MSI_RE.test(multibase)) throw malformedDid('key', 'the identifier is not base58btc multibase');
  const key = asMalformed('key', 'the identifier is not a multicodec public key', () => multikeyToPublicRaw(multibase));
  return { multibase, key };
}

/** The X25519 key birationally equivalent to an Ed25519 key. */
export function derivedX25519(ed: RawKey): RawKey {
  return { curve: 'X25519', raw: ed25519PublicToX25519(ed.raw) };
}

/**
 * Expand one key into a document whose verification-method ids are `${idBase}#${multibase}`.
 * Shared by did:key (idBase = the DID) and did:peer:0 (idBase = '' for relative ids).
 */
export function expandSingleKeyDocument(did: string, key: RawKey, options: { encoding: KeyEncoding; idBase: string; derive: boolean; embedAgreement: boolean }): DIDDocument {
  const vm = (k: RawKey): VerificationMethod => {
    const { type, ...material } = vmBody(k, options.encoding);
    return { id: `${options.idBase}#${publicRawToMultikey(k.curve, k.raw)}`, type, controller: did, ...material };
  };
  const main = vm(key);
  const doc: DIDDocument = { '@context': [], id: did, verificationMethod: [main] };
  if (canSign(key.curve)) {
    doc.authentication = [main.id];
    doc.assertionMethod = [main.id];
    doc.capabilityDelegation = [main.id];
    doc.capabilityInvocation = [main.id];
  }
  const types = [main.type];
  if (canAgree(key.curve)) {
    doc.keyAgreement = [main.id];
  } else if (options.derive && key.curve === 'Ed25519') {
    const x = vm(derivedX25519(key));
    types.push(x.type);
    if (options.embedAgreement) doc.keyAgreement = [x];
    else {
      doc.verificationMethod!.push(x);
      doc.keyAgreement = [x.id];
    }
  }
  // Ed25519 first, then X25519: the order the spec's example lists the suite contexts in.
  doc['@context'] = contextsFor(types);
  return reorder(doc);
}

const ORDER = ['@context', 'id', 'verificationMethod', 'authentication', 'assertionMethod', 'capabilityDelegation', 'capabilityInvocation', 'keyAgreement'];
function reorder(doc: DIDDocument): DIDDocument {
  const out: Record<string, unknown> = {};
  for (const k of ORDER) if (doc[k] !== undefined) out[k] = doc[k];
  return out as DIDDocument;
}

/** The DID document of a did:key, built from the DID itself (no network); an Ed25519 key also gets its derived X25519 key-agreement key unless disabled. */
export function resolveDidKey(did: string, options: DidKeyOptions = {}): DIDDocument {
  const { key } = parseDidKey(did);
  const encoding: KeyEncoding = options.publicKeyFormat ?? 'Suite2020';
  return expandSingleKeyDocument(did, key, {
    encoding,
    idBase: did,
    derive: options.enableEncryptionKeyDerivation !== false,
    // The spec's example embeds the derived key in keyAgreement rather than listing it.
    embedAgreement: true,
  });
}
