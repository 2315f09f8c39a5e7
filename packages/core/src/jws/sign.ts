import { DIDCommError, ErrorCodes } from '../errors.js';
import { backend } from '../crypto/index.js';
import { CURVE_INFO, type PrivateKey } from '../crypto/types.js';
import { encode, utf8 } from '../util/base64url.js';
import type { GeneralJws } from './types.js';

// secp256k1 verifiers (didcomm-rust's k256, libsecp256k1) accept only low-S signatures, and
// OpenSSL does not normalize: about half our ES256K signatures failed there. (r, n - s) is the
// same signature, so we always emit the low-S form.
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

async function signLowS(key: PrivateKey, data: Uint8Array): Promise<Uint8Array> {
  const signature = await backend.sign(key, data);
  if (key.curve !== 'secp256k1' || signature.length !== 64) return signature;
  let s = 0n;
  for (let i = 32; i < 64; i++) s = (s << 8n) | BigInt(signature[i]);
  if (s <= SECP256K1_N >> 1n) return signature;
  const out = signature.slice();
  for (let i = 63, v = SECP256K1_N - s; i >= 32; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

export function algForKey(key: PrivateKey) {
  const alg = CURVE_INFO[key.curve].signAlg;
  if (!alg) throw new DIDCommError(ErrorCodes.UNSUPPORTED, `${key.curve} keys cannot sign`);
  return alg;
}

/**
 * General JSON JWS with one signature. `kid` goes in both the protected header and the
 * per-signature header: didcomm-rust reads the latter, Veramo only the former (PEERS.md).
 */
export async function signJws(payload: Uint8Array, signer: { kid: string; key: PrivateKey }, typ?: string): Promise<GeneralJws> {
  const alg = algForKey(signer.key);
  const protectedB64 = encode(utf8(JSON.stringify(typ ? { typ, alg, kid: signer.kid } : { alg, kid: signer.kid })));
  const payloadB64 = encode(payload);
  const signature = await signLowS(signer.key, utf8(`${protectedB64}.${payloadB64}`));
  return { payload: payloadB64, signatures: [{ protected: protectedB64, header: { kid: signer.kid }, signature: encode(signature) }] };
}

/** Compact JWS (JWT) with the given header; alg is set from the key. */
export async function signCompact(header: Record<string, unknown>, payload: Uint8Array, key: PrivateKey): Promise<string> {
  const protectedB64 = encode(utf8(JSON.stringify({ ...header, alg: algForKey(key) })));
  const payloadB64 = encode(payload);
  const signature = await signLowS(key, utf8(`${protectedB64}.${payloadB64}`));
  return `${protectedB64}.${payloadB64}.${encode(signature)}`;
}
