import { DIDCommError, ErrorCodes, malformed } from '../errors.js';
import { backend } from '../crypto/index.js';
import type { PublicKey, SignAlg } from '../crypto/types.js';
import { decode, fromUtf8, utf8 } from '../util/base64url.js';
import { parseJsonObject } from '../util/json.js';
import { SIGN_ALG_CURVE, isSignAlg } from './algorithms.js';
import type { ParsedJws, ParsedSignature } from './types.js';

/** Verify one signature of a parsed JWS; the key's curve must be the one its alg names. */
export async function verifySignature(jws: ParsedJws, sig: ParsedSignature, key: PublicKey): Promise<void> {
  if (SIGN_ALG_CURVE[sig.alg] !== key.curve) throw new DIDCommError(ErrorCodes.SIGNATURE_INVALID, `JWS alg ${sig.alg} does not match a ${key.curve} key`);
  const ok = await backend.verify(key, utf8(`${sig.protectedB64}.${jws.payloadB64}`), sig.signature);
  if (!ok) throw new DIDCommError(ErrorCodes.SIGNATURE_INVALID, 'signature verification failed');
}

export interface ParsedCompact {
  header: Record<string, unknown>;
  alg: SignAlg;
  payload: Uint8Array;
  signingInput: string;
  signature: Uint8Array;
}

export function parseCompact(token: string, allowedAlgs?: readonly SignAlg[]): ParsedCompact {
  if (typeof token !== 'string') throw malformed('compact JWS is not a string');
  const parts = token.split('.');
  if (parts.length !== 3) throw malformed('compact JWS does not have three parts');
  const header = parseJsonObject(fromUtf8(decode(parts[0], 'JWS header')), 'JWS header');
  if (!isSignAlg(header.alg) || (allowedAlgs && !allowedAlgs.includes(header.alg))) throw new DIDCommError(ErrorCodes.UNSUPPORTED, `JWS alg ${String(header.alg)} is not supported`);
  if (header.crit !== undefined) throw new DIDCommError(ErrorCodes.UNSUPPORTED, 'JWS crit header parameters are not supported');
  return { header, alg: header.alg, payload: decode(parts[1], 'JWS payload'), signingInput: `${parts[0]}.${parts[1]}`, signature: decode(parts[2], 'JWS signature') };
}

export async function verifyCompact(parsed: ParsedCompact, key: PublicKey): Promise<void> {
  if (SIGN_ALG_CURVE[parsed.alg] !== key.curve) throw new DIDCommError(ErrorCodes.SIGNATURE_INVALID, `JWS alg ${parsed.alg} does not match a ${key.curve} key`);
  if (!(await backend.verify(key, utf8(parsed.signingInput), parsed.signature))) throw new DIDCommError(ErrorCodes.SIGNATURE_INVALID, 'signature verification failed');
}
