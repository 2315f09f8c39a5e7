// Point arithmetic that neither node:crypto nor WebCrypto exposes: SEC1 point decompression
// (Multikey and did:key carry compressed EC keys), on-curve checks, and the Ed25519 -> X25519
// map. A few lines of BigInt instead of @noble/curves keep the browser bundle small; none of
// this touches secret data except ed25519SecretToX25519, which is one SHA-512.
import { sha512 } from '@noble/hashes/sha2.js';
import { DIDCommError, ErrorCodes } from '../errors.js';
import type { Curve } from './types.js';

interface Weierstrass {
  p: bigint;
  a: bigint;
  b: bigint;
  size: number;
}

// y^2 = x^3 + ax + b over F_p (SEC 2, FIPS 186-4). Every p here is 3 mod 4.
const WEIERSTRASS: Partial<Record<Curve, Weierstrass>> = {
  'P-256': {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    a: 0xffffffff00000001000000000000000000000000fffffffffffffffffffffffcn,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    size: 32,
  },
  'P-384': {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    a: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffcn,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    size: 48,
  },
  'P-521': {
    p: (1n << 521n) - 1n,
    a: (1n << 521n) - 4n,
    b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
    size: 66,
  },
  secp256k1: { p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn, a: 0n, b: 7n, size: 32 },
};

export const isEcCurve = (c: Curve): boolean => WEIERSTRASS[c] !== undefined;

const mod = (x: bigint, p: bigint) => ((x % p) + p) % p;
function modPow(base: bigint, exp: bigint, p: bigint): bigint {
  let result = 1n;
  let b = mod(base, p);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % p;
    b = (b * b) % p;
    e >>= 1n;
  }
  return result;
}
const toBig = (b: Uint8Array) => b.reduce((acc, x) => (acc << 8n) | BigInt(x), 0n);
function toBytes(n: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}
const invalidPoint = (curve: Curve) => new DIDCommError(ErrorCodes.INVALID_KEY, `not a valid ${curve} point`);

function curveOf(curve: Curve): Weierstrass {
  const c = WEIERSTRASS[curve];
  if (!c) throw new DIDCommError(ErrorCodes.INVALID_KEY, `${curve} has no SEC1 points`);
  return c;
}

const rhs = (c: Weierstrass, x: bigint) => mod(x * x * x + c.a * x + c.b, c.p);

/** Returns the uncompressed point for a compressed or uncompressed SEC1 encoding; validates it. */
export function toUncompressedPoint(curve: Curve, bytes: Uint8Array): Uint8Array {
  const c = curveOf(curve);
  const prefix = bytes[0];
  if ((prefix === 2 || prefix === 3) && bytes.length === 1 + c.size) {
    const x = toBig(bytes.subarray(1));
    if (x >= c.p) throw invalidPoint(curve);
    const y2 = rhs(c, x);
    let y = modPow(y2, (c.p + 1n) / 4n, c.p);
    if ((y * y) % c.p !== y2) throw invalidPoint(curve);
    if ((y & 1n) !== BigInt(prefix & 1)) y = mod(-y, c.p);
    const out = new Uint8Array(1 + 2 * c.size);
    out[0] = 4;
    out.set(bytes.subarray(1), 1);
    out.set(toBytes(y, c.size), 1 + c.size);
    return out;
  }
  if (prefix === 4 && bytes.length === 1 + 2 * c.size) {
    const x = toBig(bytes.subarray(1, 1 + c.size));
    const y = toBig(bytes.subarray(1 + c.size));
    if (x >= c.p || y >= c.p || (y * y) % c.p !== rhs(c, x)) throw invalidPoint(curve);
    return bytes;
  }
  throw invalidPoint(curve);
}

export function compressPoint(curve: Curve, uncompressed: Uint8Array): Uint8Array {
  const c = curveOf(curve);
  const point = toUncompressedPoint(curve, uncompressed);
  const out = new Uint8Array(1 + c.size);
  out[0] = 2 | (point[point.length - 1] & 1);
  out.set(point.subarray(1, 1 + c.size), 1);
  return out;
}

const P25519 = (1n << 255n) - 19n;

/**
 * The X25519 public key birationally equivalent to an Ed25519 public key (RFC 7748 §4.1,
 * u = (1 + y) / (1 - y)), as the did:key spec derives keyAgreement keys.
 */
export function ed25519PublicToX25519(pub: Uint8Array): Uint8Array {
  if (pub.length !== 32) throw new DIDCommError(ErrorCodes.INVALID_KEY, 'not a valid Ed25519 public key');
  const le = Uint8Array.from(pub).reverse();
  le[0] &= 0x7f;
  const y = toBig(le);
  if (y >= P25519 || y === 1n) throw new DIDCommError(ErrorCodes.INVALID_KEY, 'not a valid Ed25519 public key');
  const u = mod((1n + y) * modPow(1n - y, P25519 - 2n, P25519), P25519);
  return toBytes(u, 32).reverse();
}

/** The X25519 private key of an Ed25519 seed: the first half of SHA-512(seed) (RFC 8032 §5.1.5). */
export function ed25519SecretToX25519(d: Uint8Array): Uint8Array {
  const h = sha512(d).subarray(0, 32);
  h[0] &= 248;
  h[31] &= 127;
  h[31] |= 64;
  return h;
}
