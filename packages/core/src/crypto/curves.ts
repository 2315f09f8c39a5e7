// Point arithmetic that neither node:crypto nor WebCrypto exposes: decompression of SEC1
// points (Multikey and did:key carry compressed EC keys) and the Ed25519 -> X25519 map.
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { DIDCommError, ErrorCodes } from '../errors.js';
import type { Curve } from './types.js';

const weierstrass = { 'P-256': p256, 'P-384': p384, 'P-521': p521, secp256k1 } as const;
type EcCurve = keyof typeof weierstrass;
export const isEcCurve = (c: Curve): c is EcCurve => c in weierstrass;

/** Returns the uncompressed point for a compressed or uncompressed SEC1 encoding; validates it. */
export function toUncompressedPoint(curve: Curve, bytes: Uint8Array): Uint8Array {
  if (!isEcCurve(curve)) throw new DIDCommError(ErrorCodes.INVALID_KEY, `${curve} has no SEC1 points`);
  try {
    return weierstrass[curve].Point.fromBytes(bytes).toBytes(false);
  } catch (e) {
    throw new DIDCommError(ErrorCodes.INVALID_KEY, `not a valid ${curve} point`, { cause: e });
  }
}

export function compressPoint(curve: Curve, uncompressed: Uint8Array): Uint8Array {
  if (!isEcCurve(curve)) throw new DIDCommError(ErrorCodes.INVALID_KEY, `${curve} has no SEC1 points`);
  try {
    return weierstrass[curve].Point.fromBytes(uncompressed).toBytes(true);
  } catch (e) {
    throw new DIDCommError(ErrorCodes.INVALID_KEY, `not a valid ${curve} point`, { cause: e });
  }
}

/** The X25519 public key birationally equivalent to an Ed25519 public key (did:key spec). */
export function ed25519PublicToX25519(pub: Uint8Array): Uint8Array {
  try {
    return ed25519.utils.toMontgomery(pub);
  } catch (e) {
    throw new DIDCommError(ErrorCodes.INVALID_KEY, 'not a valid Ed25519 public key', { cause: e });
  }
}

export function ed25519SecretToX25519(d: Uint8Array): Uint8Array {
  return ed25519.utils.toMontgomerySecret(d);
}
