import { DIDCommError, ErrorCodes, malformed } from '../errors.js';
import type { SignAlg } from '../crypto/types.js';
import { decode, fromUtf8 } from '../util/base64url.js';
import { isObject, parseJsonObject } from '../util/json.js';
import { isSignAlg } from './algorithms.js';
import type { ParsedJws, ParsedSignature } from './types.js';

export const looksLikeJws = (value: unknown): boolean =>
  isObject(value) && typeof value.payload === 'string' && (Array.isArray(value.signatures) || typeof value.signature === 'string');

/** Validate a JSON JWS (general, or flattened normalized to general) before verifying anything. */
export function parseJws(value: unknown, allowedAlgs?: readonly SignAlg[], maxSignatures = 16): ParsedJws {
  if (!isObject(value)) throw malformed('JWS is not a JSON object');
  if (typeof value.payload !== 'string') throw malformed('JWS payload is missing');
  let sigs: unknown = value.signatures;
  if (sigs === undefined && typeof value.signature === 'string') sigs = [{ protected: value.protected, header: value.header, signature: value.signature }];
  if (!Array.isArray(sigs) || sigs.length === 0) throw malformed('JWS has no signatures');
  if (sigs.length > maxSignatures) throw new DIDCommError(ErrorCodes.LIMIT_EXCEEDED, `JWS has more than ${maxSignatures} signatures`);
  const payload = decode(value.payload, 'JWS payload');
  const signatures = sigs.map((s, i): ParsedSignature => {
    if (!isObject(s)) throw malformed(`JWS signature ${i} is not an object`);
    if (typeof s.protected !== 'string') throw malformed(`JWS signature ${i} has no protected header`);
    if (s.header !== undefined && !isObject(s.header)) throw malformed(`JWS signature ${i} header is not an object`);
    const protectedHeader = parseJsonObject(fromUtf8(decode(s.protected, 'JWS protected header')), 'JWS protected header');
    const header = (s.header ?? {}) as Record<string, unknown>;
    // RFC 7515 §7.2.1: the two headers MUST be disjoint, so an unsigned alg/typ/crit cannot
    // contradict the signed one. kid is the exception: we write it in both for peers that read
    // only one (sign.ts), and below it must then be equal.
    const dup = Object.keys(header).find((n) => n !== 'kid' && Object.prototype.hasOwnProperty.call(protectedHeader, n));
    if (dup !== undefined) throw malformed(`JWS header parameter ${dup} appears in both the protected and unprotected headers`);
    const alg = protectedHeader.alg;
    if (!isSignAlg(alg)) throw new DIDCommError(ErrorCodes.UNSUPPORTED, `JWS alg ${String(alg)} is not supported`);
    if (allowedAlgs && !allowedAlgs.includes(alg)) throw new DIDCommError(ErrorCodes.UNSUPPORTED, `JWS alg ${alg} is not allowed here`);
    if (protectedHeader.crit !== undefined) throw new DIDCommError(ErrorCodes.UNSUPPORTED, 'JWS crit header parameters are not supported');
    if (protectedHeader.b64 === false) throw new DIDCommError(ErrorCodes.UNSUPPORTED, 'unencoded JWS payloads (b64=false) are not supported');
    const kid = header.kid ?? protectedHeader.kid;
    if (kid !== undefined && typeof kid !== 'string') throw malformed('JWS kid is not a string');
    if (header.kid !== undefined && protectedHeader.kid !== undefined && header.kid !== protectedHeader.kid) throw malformed('JWS kid differs between headers');
    return { protectedB64: s.protected, protectedHeader, header, alg, kid: kid as string | undefined, signature: decode(s.signature as string, 'JWS signature') };
  });
  return { payloadB64: value.payload, payload, signatures };
}
