import type { Curve, SignAlg } from '../crypto/types.js';

/** The curve each JWS alg must be verified with; checking it stops algorithm confusion. */
export const SIGN_ALG_CURVE: Record<SignAlg, Curve> = {
  EdDSA: 'Ed25519', ES256: 'P-256', ES256K: 'secp256k1', ES384: 'P-384', ES512: 'P-521',
};
/** DIDComm's signing algorithms (spec "Message Signing"). */
export const DIDCOMM_SIGN_ALGS: readonly SignAlg[] = ['EdDSA', 'ES256', 'ES256K'];
export const isSignAlg = (a: unknown): a is SignAlg => typeof a === 'string' && Object.prototype.hasOwnProperty.call(SIGN_ALG_CURVE, a);
