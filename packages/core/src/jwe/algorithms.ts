import type { ContentEncAlg } from '../crypto/types.js';

export type KeyAgreementAlg = 'ECDH-ES+A256KW' | 'ECDH-1PU+A256KW' | 'ECDH-ES+A128KW' | 'ECDH-1PU+A128KW' | 'ECDH-ES+A192KW' | 'ECDH-1PU+A192KW';
/**
 * did-jwt's non-standard key wrapping, which Veramo sends on request: the CEK sealed with
 * XChaCha20-Poly1305 under the KEK (iv and tag in the recipient's header). Read only under a
 * compat policy, never written.
 */
export type Xc20pkwAlg = 'ECDH-ES+XC20PKW' | 'ECDH-1PU+XC20PKW';

export interface KeyAgreementInfo {
  mode: 'ES' | '1PU';
  kekBytes: number;
  xc20pkw?: true;
}

/** Key-agreement-with-key-wrapping algorithms (AES key wrap): mode and KEK size. */
export const KEY_AGREEMENT: Record<KeyAgreementAlg, KeyAgreementInfo> = {
  'ECDH-ES+A256KW': { mode: 'ES', kekBytes: 32 },
  'ECDH-1PU+A256KW': { mode: '1PU', kekBytes: 32 },
  'ECDH-ES+A192KW': { mode: 'ES', kekBytes: 24 },
  'ECDH-1PU+A192KW': { mode: '1PU', kekBytes: 24 },
  'ECDH-ES+A128KW': { mode: 'ES', kekBytes: 16 },
  'ECDH-1PU+A128KW': { mode: '1PU', kekBytes: 16 },
};

export const XC20PKW_KEY_AGREEMENT: Record<Xc20pkwAlg, KeyAgreementInfo> = {
  'ECDH-ES+XC20PKW': { mode: 'ES', kekBytes: 32, xc20pkw: true },
  'ECDH-1PU+XC20PKW': { mode: '1PU', kekBytes: 32, xc20pkw: true },
};

export const isKeyAgreementAlg = (a: unknown): a is KeyAgreementAlg => typeof a === 'string' && Object.prototype.hasOwnProperty.call(KEY_AGREEMENT, a);
export const isXc20pkwAlg = (a: unknown): a is Xc20pkwAlg => typeof a === 'string' && Object.prototype.hasOwnProperty.call(XC20PKW_KEY_AGREEMENT, a);
/** Mode and KEK size of any algorithm parseJwe may return. */
export const keyAgreementOf = (alg: KeyAgreementAlg | Xc20pkwAlg): KeyAgreementInfo => (isXc20pkwAlg(alg) ? XC20PKW_KEY_AGREEMENT[alg] : KEY_AGREEMENT[alg]);

/** What DIDComm v2 allows (spec "Curves and Content Encryption Algorithms"). */
export const DIDCOMM_ANON_ENC: readonly ContentEncAlg[] = ['A256CBC-HS512', 'A256GCM', 'XC20P'];
export const DIDCOMM_AUTH_ENC: readonly ContentEncAlg[] = ['A256CBC-HS512'];
export const DIDCOMM_ANON_ALG: KeyAgreementAlg = 'ECDH-ES+A256KW';
export const DIDCOMM_AUTH_ALG: KeyAgreementAlg = 'ECDH-1PU+A256KW';

/** ECDH-1PU binds the content tag into the KDF, so it needs an AEAD whose tag is a MAC (draft-04 §2.1). */
export const CBC_HMAC_ENC: readonly ContentEncAlg[] = ['A256CBC-HS512', 'A128CBC-HS256'];
