// did:peer:2: keys with purposes and services inlined in the DID (spec, Method 2).
import type { Curve } from '../../../crypto/types.js';
import { multikeyToPublicRaw, publicRawToMultikey } from '../../../keys/multikey.js';
import type { DIDDocument, VerificationMethod } from '../../types.js';
import { asMalformed, CONTEXT, malformedDid, vmBody, type RawKey } from '../common.js';
import { legacyContexts, legacyEncoding, legacyKeyId, type PeerDocFormat } from './format.js';
import { decodeServiceElement, encodeService, expandCurrent, expandLegacy } from './service.js';

/** Purpose codes: A assertion, E key agreement, V authentication, I/D capability invocation/delegation. */
export type PeerPurpose = 'A' | 'E' | 'V' | 'I' | 'D';
const RELATIONSHIP: Record<PeerPurpose, 'assertionMethod' | 'keyAgreement' | 'authentication' | 'capabilityInvocation' | 'capabilityDelegation'> = {
  A: 'assertionMethod',
  E: 'keyAgreement',
  V: 'authentication',
  I: 'capabilityInvocation',
  D: 'capabilityDelegation',
};
const MAX_ELEMENTS = 64;
const KEY_RE = /^z[1-9A-HJ-NP-Za-km-z]{1,400}$/;

/** A key for createPeer2: its purpose (V authentication, E key agreement, ...) and raw public key. */
export interface PeerKeyInput extends RawKey {
  purpose: PeerPurpose;
}

export interface ParsedPeer2 {
  keys: Array<{ purpose: PeerPurpose; multibase: string; key: RawKey }>;
  /** Abbreviated service objects in DID order. */
  services: Array<Record<string, unknown>>;
}

/** Build a did:peer:2 from keys (in order) and services (already in DID-document shape). */
export function createPeer2(keys: PeerKeyInput[], services: Array<Record<string, unknown>> = []): string {
  if (keys.length === 0) throw new TypeError('a did:peer:2 needs at least one key');
  let did = 'did:peer:2';
  for (const k of keys) {
    if (!(k.purpose in RELATIONSHIP)) throw new TypeError(`unknown did:peer:2 purpose ${String(k.purpose)}`);
    did += `.${k.purpose}${publicRawToMultikey(k.curve, k.raw)}`;
  }
  for (const s of services) did += `.S${encodeService(s)}`;
  return did;
}

export function parsePeer2(did: string): ParsedPeer2 {
  if (!did.startsWith('did:peer:2.')) throw malformedDid('peer', 'numalgo 2 must start with did:peer:2.');
  const elements = did.slice('did:peer:2.'.length).split('.');
  if (elements.length > MAX_ELEMENTS) throw malformedDid('peer', 'too many numalgo 2 elements');
  const out: ParsedPeer2 = { keys: [], services: [] };
  for (const el of elements) {
    const code = el[0];
    const value = el.slice(1);
    if (code === 'S') {
      out.services.push(...decodeServiceElement(value));
    } else if (code !== undefined && code in RELATIONSHIP) {
      if (!KEY_RE.test(value)) throw malformedDid('peer', `numalgo 2 key element .${code} is not base58btc multibase`);
      const key = asMalformed('peer', 'numalgo 2 key is not a multicodec public key', () => multikeyToPublicRaw(value));
      out.keys.push({ purpose: code as PeerPurpose, multibase: value, key });
    } else {
      throw malformedDid('peer', `unknown numalgo 2 element purpose ${JSON.stringify(code ?? '')}`);
    }
  }
  if (out.keys.length === 0 && out.services.length === 0) throw malformedDid('peer', 'numalgo 2 has no elements');
  return out;
}

/** The document in the clarified format; `alsoKnownAs` carries the did:peer:3 when given. */
export function resolvePeer2Current(did: string, parsed: ParsedPeer2, peer3?: string): DIDDocument {
  const doc: DIDDocument = { '@context': [CONTEXT.did, CONTEXT.multikey], id: did, verificationMethod: [] };
  parsed.keys.forEach(({ purpose, multibase }, i) => {
    const id = `#key-${i + 1}`;
    doc.verificationMethod!.push({ id, controller: did, type: 'Multikey', publicKeyMultibase: multibase });
    const rel = RELATIONSHIP[purpose];
    ((doc[rel] as string[] | undefined) ?? (doc[rel] = [])).push(id);
  });
  if (parsed.services.length > 0) {
    let unnamed = 0;
    doc.service = parsed.services.map((abbr) => {
      const s = expandCurrent(abbr);
      if (s.id === undefined) s.id = unnamed++ === 0 ? '#service' : `#service-${unnamed - 1}`;
      return s;
    });
  }
  if (peer3) doc.alsoKnownAs = [peer3];
  return ordered(doc);
}

/** peer-did-python's document: V keys get every signing relationship, ids from the multibase. */
export function resolvePeer2Legacy(did: string, parsed: ParsedPeer2, format: Exclude<PeerDocFormat, 'current'>): DIDDocument {
  const vms: VerificationMethod[] = [];
  const rel: Record<string, string[]> = {};
  const curves = new Set<Curve>();
  const push = (r: string, id: string) => (rel[r] ??= []).includes(id) || rel[r].push(id);
  for (const { purpose, multibase, key } of parsed.keys) {
    const id = legacyKeyId(multibase);
    curves.add(key.curve);
    const { type, ...body } = vmBody(key, legacyEncoding(format));
    vms.push({ id, type, controller: did, ...body });
    if (purpose === 'V') for (const r of ['authentication', 'assertionMethod', 'capabilityInvocation', 'capabilityDelegation']) push(r, id);
    else push(RELATIONSHIP[purpose], id);
  }
  const doc: DIDDocument = { '@context': legacyContexts(format, curves), id: did, verificationMethod: vms };
  for (const r of ['authentication', 'assertionMethod', 'keyAgreement', 'capabilityInvocation', 'capabilityDelegation']) if (rel[r]) doc[r] = rel[r];
  if (parsed.services.length > 0) doc.service = parsed.services.map((s, i) => expandLegacy(s, i));
  return doc;
}

const ORDER = ['@context', 'id', 'verificationMethod', 'authentication', 'keyAgreement', 'assertionMethod', 'capabilityInvocation', 'capabilityDelegation', 'service', 'alsoKnownAs'];
function ordered(doc: DIDDocument): DIDDocument {
  const out: Record<string, unknown> = {};
  for (const k of ORDER) if (doc[k] !== undefined) out[k] = doc[k];
  return out as DIDDocument;
}
