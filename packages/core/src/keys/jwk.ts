import { DIDCommError, ErrorCodes } from '../errors.js';
import { decode, encode } from '../util/base64url.js';
import { CURVE_INFO, isCurve, type Curve, type PublicKey } from '../crypto/types.js';
import { concat } from '../util/bytes.js';

/** A public key as a JWK: OKP (Ed25519, X25519) or EC (P-256, P-384, P-521, secp256k1). */
export interface PublicJwk {
  kty: 'OKP' | 'EC';
  crv: Curve;
  x: string;
  y?: string;
  kid?: string;
  [k: string]: unknown;
}
/** A private key as a JWK: the public JWK and its private scalar `d`. */
export interface PrivateJwk extends PublicJwk {
  d: string;
}

const bad = (msg: string) => new DIDCommError(ErrorCodes.INVALID_KEY, msg);

/**
 * What the caller is about to do with a key. When given, the JWK's own restrictions are
 * honoured if present (RFC 7517 §4.2-4.4, as panva/jose does): `use` must equal `use`,
 * `key_ops` must contain one of `ops`, and `alg` must equal `alg`.
 */
export interface JwkUsage {
  use: 'sig' | 'enc';
  ops: readonly string[];
  alg?: string;
}

function checkUsage(j: Record<string, unknown>, usage: JwkUsage) {
  const denied = (msg: string) => new DIDCommError(ErrorCodes.KEY_NOT_AUTHORIZED, msg);
  if (j.use !== undefined && j.use !== usage.use) throw denied(`JWK use ${JSON.stringify(j.use)} does not allow ${usage.use}`);
  if (j.key_ops !== undefined && !(Array.isArray(j.key_ops) && usage.ops.some((op) => (j.key_ops as unknown[]).includes(op)))) {
    throw denied(`JWK key_ops do not allow ${usage.ops.join(' or ')}`);
  }
  if (usage.alg !== undefined && j.alg !== undefined && j.alg !== usage.alg) throw denied(`JWK alg ${JSON.stringify(j.alg)} does not allow ${usage.alg}`);
}

/** Raw public bytes of a JWK (OKP: x; EC: 0x04 || x || y), with shape checks. No curve math here. */
export function jwkToPublicRaw(jwk: unknown, usage?: JwkUsage): { curve: Curve; raw: Uint8Array } {
  if (typeof jwk !== 'object' || jwk === null) throw bad('JWK is not an object');
  const j = jwk as Record<string, unknown>;
  if (usage) checkUsage(j, usage);
  if (!isCurve(j.crv)) throw new DIDCommError(ErrorCodes.UNSUPPORTED, `unsupported JWK curve ${String(j.crv)}`);
  const curve = j.crv;
  const info = CURVE_INFO[curve];
  if (j.kty !== info.kty) throw bad(`JWK kty ${String(j.kty)} does not match curve ${curve}`);
  const x = decode(j.x as string, 'JWK x');
  if (x.length !== info.size) throw bad(`JWK x has the wrong length for ${curve}`);
  if (info.kty === 'OKP') return { curve, raw: x };
  const y = decode(j.y as string, 'JWK y');
  if (y.length !== info.size) throw bad(`JWK y has the wrong length for ${curve}`);
  return { curve, raw: concat(Uint8Array.of(4), x, y) };
}

export function jwkPrivateScalar(jwk: Record<string, unknown>): Uint8Array {
  if (typeof jwk.d !== 'string') throw bad('private JWK has no d');
  const d = decode(jwk.d, 'JWK d');
  const crv = jwk.crv as Curve;
  if (isCurve(crv) && d.length !== CURVE_INFO[crv].size) throw bad(`JWK d has the wrong length for ${crv}`);
  return d;
}

/** The JWK of a raw public key (32 bytes for OKP curves, the uncompressed SEC1 point for EC curves). */
export function publicRawToJwk(curve: Curve, raw: Uint8Array): PublicJwk {
  const info = CURVE_INFO[curve];
  if (info.kty === 'OKP') return { kty: 'OKP', crv: curve, x: encode(raw) };
  return { kty: 'EC', crv: curve, x: encode(raw.subarray(1, 1 + info.size)), y: encode(raw.subarray(1 + info.size)) };
}

export function publicKeyToJwk(key: PublicKey): PublicJwk {
  return publicRawToJwk(key.curve, key.raw);
}

export function privateToJwk(curve: Curve, d: Uint8Array, publicRaw: Uint8Array): PrivateJwk {
  return { ...publicRawToJwk(curve, publicRaw), d: encode(d) };
}
