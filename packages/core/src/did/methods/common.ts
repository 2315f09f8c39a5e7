// Pieces every method shares: JSON-LD context URLs, verification-method builders and the
// error shapes, so each method file only says what is particular to it.
import { DIDCommError, ErrorCodes } from '../../errors.js';
import type { Curve } from '../../crypto/types.js';
import { publicRawToJwk } from '../../keys/jwk.js';
import { base58Encode, publicRawToMultikey } from '../../keys/multikey.js';
import type { VerificationMethod } from '../types.js';

export const CONTEXT = {
  did: 'https://www.w3.org/ns/did/v1',
  multikey: 'https://w3id.org/security/multikey/v1',
  jws2020: 'https://w3id.org/security/suites/jws-2020/v1',
  ed25519_2020: 'https://w3id.org/security/suites/ed25519-2020/v1',
  x25519_2020: 'https://w3id.org/security/suites/x25519-2020/v1',
  ed25519_2018: 'https://w3id.org/security/suites/ed25519-2018/v1',
  x25519_2019: 'https://w3id.org/security/suites/x25519-2019/v1',
} as const;

/** How public keys are written into verification methods. */
export type KeyEncoding =
  /** `Multikey` + publicKeyMultibase (current did:peer, did:key "Multikey" format). */
  | 'Multikey'
  /** `JsonWebKey2020` + publicKeyJwk. */
  | 'JsonWebKey2020'
  /** Ed25519VerificationKey2020 / X25519KeyAgreementKey2020 + publicKeyMultibase (EC keys fall back to Multikey). */
  | 'Suite2020'
  /** Ed25519VerificationKey2018 / X25519KeyAgreementKey2019 + publicKeyBase58 (EC keys fall back to JsonWebKey2020). */
  | 'Suite2018';

export interface RawKey {
  curve: Curve;
  raw: Uint8Array;
}

/** The verification-method `type` and key property for a key in an encoding. */
export function vmBody(key: RawKey, encoding: KeyEncoding): { type: string } & Partial<VerificationMethod> {
  const okp = key.curve === 'Ed25519' || key.curve === 'X25519';
  if (encoding === 'Suite2020' && okp) {
    return { type: key.curve === 'Ed25519' ? 'Ed25519VerificationKey2020' : 'X25519KeyAgreementKey2020', publicKeyMultibase: publicRawToMultikey(key.curve, key.raw) };
  }
  if (encoding === 'Suite2018' && okp) {
    return { type: key.curve === 'Ed25519' ? 'Ed25519VerificationKey2018' : 'X25519KeyAgreementKey2019', publicKeyBase58: base58Encode(key.raw) };
  }
  if (encoding === 'JsonWebKey2020' || encoding === 'Suite2018') {
    const { kty, crv, x, y } = publicRawToJwk(key.curve, key.raw);
    return { type: 'JsonWebKey2020', publicKeyJwk: y === undefined ? { kty, crv, x } : { kty, crv, x, y } };
  }
  return { type: 'Multikey', publicKeyMultibase: publicRawToMultikey(key.curve, key.raw) };
}

/** The contexts that define the vocabulary of the given verification-method types. */
export function contextsFor(types: Iterable<string>): string[] {
  const t = new Set(types);
  const out: string[] = [CONTEXT.did];
  if (t.has('Ed25519VerificationKey2018')) out.push(CONTEXT.ed25519_2018);
  if (t.has('X25519KeyAgreementKey2019')) out.push(CONTEXT.x25519_2019);
  if (t.has('Ed25519VerificationKey2020')) out.push(CONTEXT.ed25519_2020);
  if (t.has('X25519KeyAgreementKey2020')) out.push(CONTEXT.x25519_2020);
  if (t.has('JsonWebKey2020')) out.push(CONTEXT.jws2020);
  if (t.has('Multikey')) out.push(CONTEXT.multikey);
  return out;
}

export const canSign = (c: Curve): boolean => c !== 'X25519';
export const canAgree = (c: Curve): boolean => c !== 'Ed25519';

export const malformedDid = (method: string, why: string, cause?: unknown): DIDCommError =>
  new DIDCommError(ErrorCodes.MALFORMED, `malformed did:${method}: ${why}`, cause === undefined ? undefined : { cause });

/** Re-throws anything that is not a DIDCommError as MALFORMED, so bad input never escapes untyped. */
export function asMalformed<T>(method: string, why: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof DIDCommError) {
      if (e.code === ErrorCodes.MALFORMED || e.code === ErrorCodes.INVALID_KEY || e.code === ErrorCodes.UNSUPPORTED || e.code === ErrorCodes.LIMIT_EXCEEDED) throw e;
    }
    throw malformedDid(method, why, e);
  }
}
