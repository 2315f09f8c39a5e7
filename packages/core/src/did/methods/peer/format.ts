import type { KeyEncoding } from '../common.js';

/**
 * How a did:peer document is written.
 * - `current`: the clarified spec (Multikey, `#key-N`, `#service`, did:peer:3 in alsoKnownAs).
 * - `legacy-*`: what peer-did-python and the early didcomm libraries produce (ids
 *   `#` + multibase[1..9], `#didcommmessaging-N` services), with keys in base58 (2018/2019
 *   suites), multibase (2020 suites) or JWK. Offered to reproduce their documents exactly.
 */
export type PeerDocFormat = 'current' | 'legacy-base58' | 'legacy-multibase' | 'legacy-jwk';

export const PEER_FORMATS: readonly PeerDocFormat[] = ['current', 'legacy-base58', 'legacy-multibase', 'legacy-jwk'];

export const legacyEncoding = (f: Exclude<PeerDocFormat, 'current'>): KeyEncoding =>
  f === 'legacy-base58' ? 'Suite2018' : f === 'legacy-multibase' ? 'Suite2020' : 'JsonWebKey2020';

/** The legacy verification-method id: `#` and eight characters of the multibase after `z`. */
export const legacyKeyId = (multibase: string): string => `#${multibase.slice(1, 9)}`;

/** The contexts peer-did-python writes: note X25519 before Ed25519, and none for the 2018 suites. */
export function legacyContexts(format: Exclude<PeerDocFormat, 'current'>, curves: Set<string>): string[] {
  const out = ['https://www.w3.org/ns/did/v1'];
  if (format === 'legacy-jwk') out.push('https://w3id.org/security/suites/jws-2020/v1');
  if (format === 'legacy-multibase') {
    if (curves.has('X25519')) out.push('https://w3id.org/security/suites/x25519-2020/v1');
    if (curves.has('Ed25519')) out.push('https://w3id.org/security/suites/ed25519-2020/v1');
  }
  return out;
}
