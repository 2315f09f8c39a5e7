// Key pairs for every supported curve, and conversions between the two secret shapes in
// use: JsonWebKey2020 (privateKeyJwk) and Multikey (privateKeyMultibase).
import { DIDCommError, ErrorCodes } from '../errors.js';
import { backend } from '../crypto/index.js';
import { CURVE_INFO, isCurve, type Curve } from '../crypto/types.js';
import { jwkPrivateScalar, jwkToPublicRaw, privateToJwk, publicRawToJwk, type PrivateJwk, type PublicJwk } from '../keys/jwk.js';
import { multikeyToPrivate, multikeyToPublicRaw, privateToMultikey, publicRawToMultikey } from '../keys/multikey.js';
import type { Secret } from './types.js';

/** Every curve keys can be generated and imported on. */
export const CURVES: readonly Curve[] = Object.keys(CURVE_INFO) as Curve[];

/** A key pair in every encoding a DID document or secret needs. */
export interface KeyPair {
  curve: Curve;
  publicKeyJwk: PublicJwk;
  privateKeyJwk: PrivateJwk;
  publicKeyMultibase: string;
  privateKeyMultibase: string;
}

function keyPairFrom(curve: Curve, d: Uint8Array, raw: Uint8Array): KeyPair {
  return {
    curve,
    publicKeyJwk: publicRawToJwk(curve, raw),
    privateKeyJwk: privateToJwk(curve, d, raw),
    publicKeyMultibase: publicRawToMultikey(curve, raw),
    privateKeyMultibase: privateToMultikey(curve, d),
  };
}

/** A fresh key pair on `curve`. */
export async function generateKeyPair(curve: Curve = 'Ed25519'): Promise<KeyPair> {
  if (!isCurve(curve)) throw new DIDCommError(ErrorCodes.UNSUPPORTED, `unsupported curve ${String(curve)}`);
  const k = await backend.generateKeyPair(curve);
  if (!k.d) throw new DIDCommError(ErrorCodes.INVALID_KEY, 'the backend returned no private scalar');
  return keyPairFrom(curve, k.d, k.publicKey.raw);
}

/** A key pair from a private JWK; checks that d matches x (and y). */
export async function keyPairFromJwk(jwk: Record<string, unknown>): Promise<KeyPair> {
  const { curve, raw } = jwkToPublicRaw(jwk);
  const d = jwkPrivateScalar(jwk);
  await backend.importPrivateKey(curve, d, raw);
  return keyPairFrom(curve, d, raw);
}

/** A key pair from a private Multikey (`z...` with a private-key multicodec). */
export async function keyPairFromMultikey(privateKeyMultibase: string): Promise<KeyPair> {
  const { curve, d } = multikeyToPrivate(privateKeyMultibase);
  const k = await backend.importPrivateKey(curve, d);
  return keyPairFrom(curve, d, k.publicKey.raw);
}

/** The key pair a Secret holds, whichever shape it is in. */
export async function keyPairFromSecret(secret: Secret): Promise<KeyPair> {
  if (secret.privateKeyJwk) return keyPairFromJwk(secret.privateKeyJwk as Record<string, unknown>);
  if (typeof secret.privateKeyMultibase === 'string') return keyPairFromMultikey(secret.privateKeyMultibase);
  throw new DIDCommError(ErrorCodes.UNSUPPORTED, `secret ${secret.id} has no privateKeyJwk or privateKeyMultibase`);
}

/** A Secret for a key id, as JsonWebKey2020 (what the spec and didcomm-rust vectors use) or Multikey. */
export function secretFromKeyPair(id: string, kp: KeyPair, type: 'JsonWebKey2020' | 'Multikey' = 'JsonWebKey2020'): Secret {
  return type === 'Multikey' ? { id, type: 'Multikey', privateKeyMultibase: kp.privateKeyMultibase } : { id, type: 'JsonWebKey2020', privateKeyJwk: { ...kp.privateKeyJwk } };
}

/** The same secret in the other shape. */
export async function convertSecret(secret: Secret, type: 'JsonWebKey2020' | 'Multikey'): Promise<Secret> {
  return secretFromKeyPair(secret.id, await keyPairFromSecret(secret), type);
}

/** Public JWK <-> public Multikey. */
export const jwkToMultikey = (jwk: Record<string, unknown>): string => {
  const { curve, raw } = jwkToPublicRaw(jwk);
  return publicRawToMultikey(curve, raw);
};
/** The public JWK of a public Multikey (multibase) value. */
export const multikeyToJwk = (multibase: string): PublicJwk => {
  const { curve, raw } = multikeyToPublicRaw(multibase);
  return publicRawToJwk(curve, raw);
};
