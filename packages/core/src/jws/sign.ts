import { DIDCommError, ErrorCodes } from '../errors.js';
import { backend } from '../crypto/index.js';
import { CURVE_INFO, type PrivateKey } from '../crypto/types.js';
import { encode, utf8 } from '../util/base64url.js';
import type { GeneralJws } from './types.js';

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
  const signature = await backend.sign(signer.key, utf8(`${protectedB64}.${payloadB64}`));
  return { payload: payloadB64, signatures: [{ protected: protectedB64, header: { kid: signer.kid }, signature: encode(signature) }] };
}

/** Compact JWS (JWT) with the given header; alg is set from the key. */
export async function signCompact(header: Record<string, unknown>, payload: Uint8Array, key: PrivateKey): Promise<string> {
  const protectedB64 = encode(utf8(JSON.stringify({ ...header, alg: algForKey(key) })));
  const payloadB64 = encode(payload);
  const signature = await backend.sign(key, utf8(`${protectedB64}.${payloadB64}`));
  return `${protectedB64}.${payloadB64}.${encode(signature)}`;
}
