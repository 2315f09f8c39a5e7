// v1 keys: Ed25519 verkeys named by base58 (Aries "naked" verkeys) or did:key, and the
// X25519 key each one boxes with (RFC 7748 birational map, as libsodium's conversion).
import { DIDCommError, ErrorCodes } from '../errors.js';
import { backend, ed25519PublicToX25519, ed25519SecretToX25519, type PrivateKey } from '../crypto/index.js';
import { x25519PrivateKey } from '../crypto/nacl.js';
import { base58Decode, base58Encode, multikeyToPublicRaw, publicRawToMultikey } from '../keys/multikey.js';

/**
 * A v1 key pair: the Ed25519 verkey others address, and its X25519 secret as a backend key
 * (imported once, so packing and unpacking do not re-import it).
 */
export interface V1Key {
  /** The Ed25519 public key, base58 (what `kid` and `sender` carry). */
  readonly verkey: string;
  /** The Ed25519 public key, raw. */
  readonly publicKey: Uint8Array;
  /** The X25519 private key derived from the Ed25519 seed. */
  readonly x25519: PrivateKey;
  /** The Ed25519 private key (signed attachments, DID Exchange's did_rotate). */
  readonly ed25519: PrivateKey;
}

/** The key pair of a 32-byte Ed25519 seed (or libsodium's 64-byte seed || public form). */
export async function v1KeyFromSeed(seed: Uint8Array): Promise<V1Key> {
  if (!(seed instanceof Uint8Array) || (seed.length !== 32 && seed.length !== 64)) throw new TypeError('an Ed25519 seed is 32 bytes (or 64 as seed || public key)');
  const d = seed.subarray(0, 32);
  const ed = await backend.importPrivateKey('Ed25519', d, seed.length === 64 ? seed.subarray(32) : undefined);
  const x25519 = await x25519PrivateKey(ed25519SecretToX25519(d));
  return { verkey: base58Encode(ed.publicKey.raw), publicKey: ed.publicKey.raw, x25519, ed25519: ed };
}

/** An Ed25519 signature by a v1 key. */
export const signWithV1Key = (key: V1Key, data: Uint8Array): Promise<Uint8Array> => backend.sign(key.ed25519, data);

/** Verify an Ed25519 signature by a verkey (base58 or did:key); false for any bad input. */
export async function verifyWithVerkey(verkey: string, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  try {
    return await backend.verify(await backend.importPublicKey('Ed25519', verkeyToPublicKey(verkey)), data, signature);
  } catch {
    return false;
  }
}

/** A fresh random v1 key pair, and its seed (keep it to store the key). */
export async function generateV1Key(): Promise<{ key: V1Key; seed: Uint8Array }> {
  const seed = backend.randomBytes(32);
  return { key: await v1KeyFromSeed(seed), seed };
}

/**
 * The raw Ed25519 public key of a v1 recipient key: a base58 verkey, or a did:key (with or
 * without its fragment) of an Ed25519 key. Anything else is MALFORMED / UNSUPPORTED.
 */
export function verkeyToPublicKey(key: string): Uint8Array {
  if (typeof key !== 'string' || key.length === 0 || key.length > 256) throw new DIDCommError(ErrorCodes.MALFORMED, 'a v1 key is a base58 verkey or a did:key');
  if (key.startsWith('did:key:')) {
    const { curve, raw } = multikeyToPublicRaw(key.slice(8).split('#')[0]);
    if (curve !== 'Ed25519') throw new DIDCommError(ErrorCodes.UNSUPPORTED, `v1 keys are Ed25519, not ${curve}`);
    return raw;
  }
  const raw = base58Decode(key, 'verkey');
  if (raw.length !== 32) throw new DIDCommError(ErrorCodes.MALFORMED, 'a verkey is 32 bytes');
  return raw;
}

/** The base58 verkey of a base58 verkey or did:key (the one name the store keeps). */
export const normalizeVerkey = (key: string): string => base58Encode(verkeyToPublicKey(key));

/** The did:key of a base58 verkey (Aries RFC 0360: what DIDComm v1 messages may carry instead). */
export const verkeyToDidKey = (verkey: string): string => `did:key:${publicRawToMultikey('Ed25519', verkeyToPublicKey(verkey))}`;

// A mediator converts the same few keys again and again (its own, its clients'): the map is
// BigInt arithmetic, so keep recent results. Bounded; cleared whole when full.
const x25519Cache = /* @__PURE__ */ new Map<string, Uint8Array>();
const X25519_CACHE_MAX = 4096;
const HEX = /* @__PURE__ */ Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The X25519 public key a verkey's owner boxes with; INVALID_KEY when it has none. */
export function verkeyToX25519(publicKey: Uint8Array): Uint8Array {
  let id = '';
  for (const b of publicKey) id += HEX[b];
  let x = x25519Cache.get(id);
  if (!x) {
    x = ed25519PublicToX25519(publicKey);
    if (x25519Cache.size >= X25519_CACHE_MAX) x25519Cache.clear();
    x25519Cache.set(id, x);
  }
  return x;
}

/** base58 (Bitcoin alphabet) of bytes, as v1 verkeys are written. */
export const toBase58 = (bytes: Uint8Array): string => base58Encode(bytes);
