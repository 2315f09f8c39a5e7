// did:peer:0: one inception key, "functionally equivalent to a did:key" (spec, Method 0).
import { multikeyToPublicRaw, publicRawToMultikey } from '../../../keys/multikey.js';
import type { DIDDocument, VerificationMethod } from '../../types.js';
import { asMalformed, canAgree, canSign, malformedDid, vmBody, type RawKey } from '../common.js';
import { expandSingleKeyDocument } from '../key.js';
import { legacyContexts, legacyEncoding, legacyKeyId, type PeerDocFormat } from './format.js';

const RE = /^did:peer:0(z[1-9A-HJ-NP-Za-km-z]{1,400})$/;

/** The did:peer:0 (inception key only, no services) of a raw public key. */
export const createPeer0 = (key: RawKey): string => `did:peer:0${publicRawToMultikey(key.curve, key.raw)}`;

export function parsePeer0(did: string): RawKey {
  const m = RE.exec(did);
  if (!m) throw malformedDid('peer', 'numalgo 0 needs one base58btc multibase key');
  return asMalformed('peer', 'numalgo 0 key is not a multicodec public key', () => multikeyToPublicRaw(m[1]));
}

/**
 * Current format: the did:key expansion in Multikey, ids relative (`#z6Mk...`), the derived
 * X25519 key listed in verificationMethod. Legacy format: peer-did-python's, which derives nothing.
 */
export function resolvePeer0(did: string, format: PeerDocFormat): DIDDocument {
  const key = parsePeer0(did);
  if (format === 'current') return expandSingleKeyDocument(did, key, { encoding: 'Multikey', idBase: '', derive: true, embedAgreement: false });
  const { type, ...material } = vmBody(key, legacyEncoding(format));
  const vm: VerificationMethod = { id: legacyKeyId(publicRawToMultikey(key.curve, key.raw)), type, controller: did, ...material };
  const doc: DIDDocument = { '@context': legacyContexts(format, new Set([key.curve])), id: did, verificationMethod: [vm] };
  if (canSign(key.curve)) {
    doc.authentication = [vm.id];
    doc.assertionMethod = [vm.id];
  }
  if (canAgree(key.curve)) doc.keyAgreement = [vm.id];
  if (canSign(key.curve)) {
    doc.capabilityInvocation = [vm.id];
    doc.capabilityDelegation = [vm.id];
  }
  return doc;
}
