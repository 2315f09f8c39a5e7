// The NaCl/libsodium constructions DIDComm v1 (Aries RFC 0019) is built on: crypto_box
// (X25519 + HSalsa20 + XSalsa20-Poly1305), crypto_box_seal (an ephemeral crypto_box whose
// nonce is BLAKE2b(epk || pk)) and crypto_aead_chacha20poly1305_ietf (RFC 8439, 12-byte nonce).
// X25519 goes through the backend (node:crypto in Node, 10-20x faster than pure JS), and so
// does ChaCha20-Poly1305 where the backend has it (Node); the rest is @noble, which neither
// node:crypto nor WebCrypto has (HSalsa20, XSalsa20, BLAKE2b; ChaCha20 in browsers).
// Checked byte for byte against libsodium-wrappers in test/unit/v1.
import { hsalsa, xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { backend } from '#crypto-backend';
import { DIDCommError, ErrorCodes } from '../errors.js';
import type { PrivateKey } from './types.js';

const failed = (cause: unknown) => new DIDCommError(ErrorCodes.DECRYPTION_FAILED, 'decryption failed', { cause });

/** Length of crypto_box's MAC (Poly1305), prepended to the ciphertext as in crypto_box_easy. */
export const BOX_MAC_BYTES = 16;
/** crypto_box's nonce length (XSalsa20). */
export const BOX_NONCE_BYTES = 24;
/** crypto_box_seal's overhead: the ephemeral public key and the MAC. */
export const SEAL_BYTES = 32 + BOX_MAC_BYTES;
/** ChaCha20-Poly1305 IETF nonce length (RFC 8439). */
export const CHACHA_IETF_NONCE_BYTES = 12;

// "expand 32-byte k" as little-endian words; HSalsa20 with a zero input gives crypto_box's key.
const SIGMA = /* @__PURE__ */ new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);
const ZERO_INPUT = /* @__PURE__ */ new Uint32Array(4);

function words(b: Uint8Array): Uint32Array {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Uint32Array(b.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = v.getUint32(4 * i, true);
  return out;
}

function bytes(w: Uint32Array): Uint8Array {
  const out = new Uint8Array(w.length * 4);
  const v = new DataView(out.buffer);
  for (let i = 0; i < w.length; i++) v.setUint32(4 * i, w[i], true);
  return out;
}

/** An X25519 private key from its 32-byte scalar, for the box functions (the backend caches it). */
export function x25519PrivateKey(d: Uint8Array): Promise<PrivateKey> {
  return backend.importPrivateKey('X25519', d);
}

/**
 * crypto_box_beforenm: HSalsa20(X25519(sk, pk), 0). A low-order `theirPublic` (all-zero
 * shared secret) throws INVALID_KEY from the backend, as libsodium refuses it.
 */
export async function boxKey(mine: PrivateKey, theirPublic: Uint8Array): Promise<Uint8Array> {
  const pub = await backend.importPublicKey('X25519', theirPublic);
  const shared = await backend.ecdh(mine, pub);
  const out = new Uint32Array(8);
  hsalsa(SIGMA, words(shared), ZERO_INPUT, out);
  return bytes(out);
}

/** crypto_box_easy_afternm: MAC || ciphertext. */
export function boxSealWithKey(key: Uint8Array, nonce: Uint8Array, message: Uint8Array): Uint8Array {
  return xsalsa20poly1305(key, nonce).encrypt(message);
}

/** crypto_box_open_easy_afternm; any failure is DECRYPTION_FAILED. */
export function boxOpenWithKey(key: Uint8Array, nonce: Uint8Array, boxed: Uint8Array): Uint8Array {
  if (nonce.length !== BOX_NONCE_BYTES || boxed.length < BOX_MAC_BYTES) throw failed(new Error('wrong nonce or box length'));
  try {
    return xsalsa20poly1305(key, nonce).decrypt(boxed);
  } catch (e) {
    throw failed(e);
  }
}

/** crypto_box_easy(message, nonce, theirPublic, mine). */
export async function box(message: Uint8Array, nonce: Uint8Array, theirPublic: Uint8Array, mine: PrivateKey): Promise<Uint8Array> {
  return boxSealWithKey(await boxKey(mine, theirPublic), nonce, message);
}

/** crypto_box_open_easy; a low-order sender key fails like any other decryption. */
export async function boxOpen(boxed: Uint8Array, nonce: Uint8Array, theirPublic: Uint8Array, mine: PrivateKey): Promise<Uint8Array> {
  let key: Uint8Array;
  try {
    key = await boxKey(mine, theirPublic);
  } catch (e) {
    throw failed(e);
  }
  return boxOpenWithKey(key, nonce, boxed);
}

const sealNonce = (epk: Uint8Array, pk: Uint8Array): Uint8Array => {
  const input = new Uint8Array(64);
  input.set(epk);
  input.set(pk, 32);
  return blake2b(input, { dkLen: BOX_NONCE_BYTES });
};

/** crypto_box_seal: epk || crypto_box(message, BLAKE2b-192(epk || pk), pk, esk). */
export async function seal(message: Uint8Array, recipientPublic: Uint8Array): Promise<Uint8Array> {
  const eph = await backend.generateKeyPair('X25519', { ephemeral: true });
  const epk = eph.publicKey.raw;
  const boxed = await box(message, sealNonce(epk, recipientPublic), recipientPublic, eph);
  const out = new Uint8Array(32 + boxed.length);
  out.set(epk);
  out.set(boxed, 32);
  return out;
}

/** crypto_box_seal_open; `mine` is the recipient's X25519 key. Any failure is DECRYPTION_FAILED. */
export async function sealOpen(sealed: Uint8Array, mine: PrivateKey): Promise<Uint8Array> {
  if (sealed.length < SEAL_BYTES) throw failed(new Error('sealed box too short'));
  const epk = sealed.subarray(0, 32);
  return boxOpen(sealed.subarray(32), sealNonce(epk, mine.publicKey.raw), epk, mine);
}

/** @noble's ChaCha20-Poly1305 IETF, for platforms without a native one (and the tests that compare the two). */
export const nobleChacha = {
  encrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): { ciphertext: Uint8Array; tag: Uint8Array } {
    const out = chacha20poly1305(key, nonce, aad).encrypt(plaintext);
    return { ciphertext: out.subarray(0, out.length - 16), tag: out.subarray(out.length - 16) };
  },
  decrypt: nobleChachaDecrypt,
};

/** crypto_aead_chacha20poly1305_ietf_encrypt_detached: the backend's native one when it has it. */
export function chachaIetfEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): { ciphertext: Uint8Array; tag: Uint8Array } {
  return (backend.chacha20Poly1305 ?? nobleChacha).encrypt(key, nonce, plaintext, aad);
}

/** crypto_aead_chacha20poly1305_ietf_decrypt_detached; any failure is DECRYPTION_FAILED. */
export function chachaIetfDecrypt(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): Uint8Array {
  if (key.length !== 32 || nonce.length !== CHACHA_IETF_NONCE_BYTES || tag.length !== 16) throw failed(new Error('wrong key, nonce or tag length'));
  return (backend.chacha20Poly1305 ?? nobleChacha).decrypt(key, nonce, ciphertext, tag, aad);
}

function nobleChachaDecrypt(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): Uint8Array {
  const joined = new Uint8Array(ciphertext.length + 16);
  joined.set(ciphertext);
  joined.set(tag, ciphertext.length);
  try {
    return chacha20poly1305(key, nonce, aad).decrypt(joined);
  } catch (e) {
    throw failed(e);
  }
}

/** Random bytes from the backend's CSPRNG. */
export const randomBytes = (n: number): Uint8Array => backend.randomBytes(n);
