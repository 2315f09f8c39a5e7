// Node-only: the passphrase key derivation behind the file-backed secrets store. Reached
// only from the `@didcomm-ts/core/node` entry, never from the browser-safe main entry.
import { scrypt as scryptCb } from 'node:crypto';
import { DIDCommError, ErrorCodes } from '../errors.js';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** Bounds a file may ask for, so a hostile file cannot make us allocate gigabytes. */
export const SCRYPT_LIMITS = { maxN: 2 ** 20, maxR: 16, maxP: 4 };

/** A 32-byte key from a passphrase with scrypt (RFC 7914). */
export function scryptKey(passphrase: string | Uint8Array, salt: Uint8Array, params: ScryptParams): Promise<Uint8Array> {
  const { N, r, p } = params;
  if (!Number.isInteger(N) || N < 2 || (N & (N - 1)) !== 0 || N > SCRYPT_LIMITS.maxN) throw new DIDCommError(ErrorCodes.STORE, 'scrypt N must be a power of two within limits');
  if (!Number.isInteger(r) || r < 1 || r > SCRYPT_LIMITS.maxR || !Number.isInteger(p) || p < 1 || p > SCRYPT_LIMITS.maxP) throw new DIDCommError(ErrorCodes.STORE, 'scrypt r or p out of range');
  return new Promise((resolve, reject) => {
    scryptCb(typeof passphrase === 'string' ? passphrase.normalize('NFC') : passphrase, salt, 32, { N, r, p, maxmem: 256 * N * r + 2 ** 20 }, (err, key) =>
      err ? reject(new DIDCommError(ErrorCodes.STORE, 'key derivation failed', { cause: err })) : resolve(new Uint8Array(key.buffer, key.byteOffset, key.byteLength)),
    );
  });
}
