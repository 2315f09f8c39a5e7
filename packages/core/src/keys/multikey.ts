// Multicodec-prefixed keys in base58btc multibase ('z...'), as Multikey, did:key and did:peer use.
import { base58 } from '@scure/base';
import { DIDCommError, ErrorCodes } from '../errors.js';
import { compressPoint, toUncompressedPoint } from '../crypto/curves.js';
import type { Curve } from '../crypto/types.js';
import { concat } from '../util/bytes.js';

/** Multicodec codes (unsigned varint) for public and private keys. */
const PUBLIC_CODEC: Record<Curve, number> = {
  Ed25519: 0xed, X25519: 0xec, 'P-256': 0x1200, 'P-384': 0x1201, 'P-521': 0x1202, secp256k1: 0xe7,
};
const PRIVATE_CODEC: Record<Curve, number> = {
  Ed25519: 0x1300, X25519: 0x1302, 'P-256': 0x1306, 'P-384': 0x1307, 'P-521': 0x1308, secp256k1: 0x1301,
};
const CURVE_BY_PUBLIC_CODEC = new Map(Object.entries(PUBLIC_CODEC).map(([c, n]) => [n, c as Curve]));
const CURVE_BY_PRIVATE_CODEC = new Map(Object.entries(PRIVATE_CODEC).map(([c, n]) => [n, c as Curve]));

export function varintEncode(n: number): Uint8Array {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Uint8Array.from(out);
}

export function varintDecode(b: Uint8Array): { value: number; length: number } {
  let value = 0;
  for (let i = 0; i < Math.min(b.length, 4); i++) {
    value |= (b[i] & 0x7f) << (7 * i);
    if ((b[i] & 0x80) === 0) return { value, length: i + 1 };
  }
  throw new DIDCommError(ErrorCodes.MALFORMED, 'bad multicodec varint');
}

export function base58btcDecode(s: string, what = 'multibase value'): Uint8Array {
  if (typeof s !== 'string' || s[0] !== 'z') throw new DIDCommError(ErrorCodes.MALFORMED, `${what} is not base58btc multibase (z...)`);
  try {
    return base58.decode(s.slice(1));
  } catch (e) {
    throw new DIDCommError(ErrorCodes.MALFORMED, `${what} is not valid base58btc`, { cause: e });
  }
}
export const base58btcEncode = (b: Uint8Array): string => 'z' + base58.encode(b);
export const base58Decode = (s: string, what = 'base58 value'): Uint8Array => {
  try {
    return base58.decode(s);
  } catch (e) {
    throw new DIDCommError(ErrorCodes.MALFORMED, `${what} is not valid base58`, { cause: e });
  }
};
export const base58Encode = (b: Uint8Array): string => base58.encode(b);

/** Decode a multibase multicodec public key. EC points come back uncompressed. */
export function multikeyToPublicRaw(multibase: string): { curve: Curve; raw: Uint8Array } {
  const bytes = base58btcDecode(multibase, 'publicKeyMultibase');
  const { value, length } = varintDecode(bytes);
  const curve = CURVE_BY_PUBLIC_CODEC.get(value);
  if (!curve) throw new DIDCommError(ErrorCodes.UNSUPPORTED, `unsupported multicodec key type 0x${value.toString(16)}`);
  const key = bytes.subarray(length);
  if (curve === 'Ed25519' || curve === 'X25519') {
    if (key.length !== 32) throw new DIDCommError(ErrorCodes.INVALID_KEY, `${curve} multikey has the wrong length`);
    return { curve, raw: key };
  }
  return { curve, raw: toUncompressedPoint(curve, key) };
}

/** Encode a public key as multibase multicodec; EC keys compressed, as did:key requires. */
export function publicRawToMultikey(curve: Curve, raw: Uint8Array): string {
  const key = curve === 'Ed25519' || curve === 'X25519' ? raw : compressPoint(curve, raw);
  return base58btcEncode(concat(varintEncode(PUBLIC_CODEC[curve]), key));
}

export function privateToMultikey(curve: Curve, d: Uint8Array): string {
  return base58btcEncode(concat(varintEncode(PRIVATE_CODEC[curve]), d));
}

export function multikeyToPrivate(multibase: string): { curve: Curve; d: Uint8Array } {
  const bytes = base58btcDecode(multibase, 'secretKeyMultibase');
  const { value, length } = varintDecode(bytes);
  const curve = CURVE_BY_PRIVATE_CODEC.get(value);
  if (!curve) throw new DIDCommError(ErrorCodes.UNSUPPORTED, `unsupported multicodec private key 0x${value.toString(16)}`);
  return { curve, d: bytes.subarray(length) };
}
