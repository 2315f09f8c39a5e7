import { DIDCommError, ErrorCodes, malformed } from '../errors.js';
import { CONTENT_ENC, CURVE_INFO, type ContentEncAlg } from '../crypto/types.js';
import { jwkToPublicRaw } from '../keys/jwk.js';
import { decode, fromUtf8 } from '../util/base64url.js';
import { isObject, parseJsonObject } from '../util/json.js';
import { CBC_HMAC_ENC, isKeyAgreementAlg, isXc20pkwAlg, keyAgreementOf, type KeyAgreementAlg } from './algorithms.js';
import type { GeneralJwe, JweProtectedHeader, ParsedJwe } from './types.js';

export interface JweParsePolicy {
  /** Allowed `alg` values (default: every ECDH-ES/1PU key-wrapping variant). */
  algs?: readonly KeyAgreementAlg[];
  /** Allowed `enc` values (default: every content algorithm we implement). */
  encs?: readonly ContentEncAlg[];
  maxRecipients?: number;
  /**
   * Read an ECDH-1PU JWE whose sender is named by skid alone as draft 3 (Veramo): no tag in
   * the KDF, any content encryption. With apu it is draft 4 as always. Default false.
   */
  onePuDraft3?: boolean;
  /** Accept did-jwt's XC20PKW key wrapping (ECDH-ES+XC20PKW, ECDH-1PU+XC20PKW). Default false. */
  xc20pKeyWrap?: boolean;
}

/** True when `value` has the shape of a JWE (general or flattened JSON). */
export const looksLikeJwe = (value: unknown): boolean =>
  isObject(value) && typeof value.ciphertext === 'string' && (Array.isArray(value.recipients) || typeof value.encrypted_key === 'string' || 'protected' in value);

/**
 * Validate and decode a JSON JWE before any crypto runs. General JSON is canonical;
 * flattened JSON (one recipient at the top level) is normalized to it.
 */
export function parseJwe(value: unknown, policy: JweParsePolicy = {}): ParsedJwe {
  if (!isObject(value)) throw malformed('JWE is not a JSON object');
  const v = value as Record<string, unknown>;
  for (const f of ['protected', 'iv', 'ciphertext', 'tag'] as const) {
    if (typeof v[f] !== 'string') throw malformed(`JWE ${f} is missing or not a string`);
  }
  let recipientsIn: unknown = v.recipients;
  if (recipientsIn === undefined && typeof v.encrypted_key === 'string') recipientsIn = [{ header: v.header, encrypted_key: v.encrypted_key }];
  if (!Array.isArray(recipientsIn) || recipientsIn.length === 0) throw malformed('JWE has no recipients');
  const max = policy.maxRecipients ?? 1000;
  if (recipientsIn.length > max) throw new DIDCommError(ErrorCodes.LIMIT_EXCEEDED, `JWE has ${recipientsIn.length} recipients, more than ${max}`);

  const protectedB64 = v.protected as string;
  const header = parseJsonObject(fromUtf8(decode(protectedB64, 'JWE protected header')), 'JWE protected header') as JweProtectedHeader;
  if (v.unprotected !== undefined && !isObject(v.unprotected)) throw malformed('JWE unprotected header is not an object');
  // RFC 7516 §5.2: a JWE AAD member is authenticated with the protected header. We never pass
  // it to the cipher, so accepting one would treat unauthenticated data as authenticated.
  if (v.aad !== undefined) throw new DIDCommError(ErrorCodes.UNSUPPORTED, 'JWE aad is not supported');

  const alg = header.alg;
  if (!isKeyAgreementAlg(alg) && !(isXc20pkwAlg(alg) && policy.xc20pKeyWrap)) throw new DIDCommError(ErrorCodes.UNSUPPORTED, `JWE alg ${String(alg)} is not supported`);
  if (policy.algs && !(policy.algs as readonly string[]).includes(alg)) throw new DIDCommError(ErrorCodes.UNSUPPORTED, `JWE alg ${alg} is not allowed here`);
  const enc = header.enc;
  if (typeof enc !== 'string' || !Object.prototype.hasOwnProperty.call(CONTENT_ENC, enc)) throw new DIDCommError(ErrorCodes.UNSUPPORTED, `JWE enc ${String(enc)} is not supported`);
  if (policy.encs && !policy.encs.includes(enc as ContentEncAlg)) throw new DIDCommError(ErrorCodes.UNSUPPORTED, `JWE enc ${enc} is not allowed here`);
  const ka = keyAgreementOf(alg);
  const mode = ka.mode;
  // Draft 3 binds no tag into the KDF, so it never needed a MAC tag (the insider forgery that
  // draft 4 closes stays open; unpack allows recipients of one DID only).
  const draft3 = mode === '1PU' && policy.onePuDraft3 === true && header.apu === undefined && typeof header.skid === 'string';
  if (mode === '1PU' && !draft3 && !CBC_HMAC_ENC.includes(enc as ContentEncAlg)) throw new DIDCommError(ErrorCodes.UNSUPPORTED, `${alg} requires an AES-CBC-HMAC content encryption, not ${enc}`);
  if (header.crit !== undefined) throw new DIDCommError(ErrorCodes.UNSUPPORTED, 'JWE crit header parameters are not supported');
  if (header.zip !== undefined) throw new DIDCommError(ErrorCodes.UNSUPPORTED, 'compressed JWE (zip) is not supported');

  if (!isObject(header.epk)) throw malformed('JWE epk is missing');
  if ('d' in header.epk) throw malformed('JWE epk carries a private key');
  const epk = jwkToPublicRaw(header.epk);
  if (!CURVE_INFO[epk.curve].agreement) throw new DIDCommError(ErrorCodes.UNSUPPORTED, `JWE epk curve ${epk.curve} cannot do key agreement`);

  const apv = header.apv === undefined || header.apv === null ? undefined : decode(header.apv as string, 'JWE apv');
  const apu = header.apu === undefined || header.apu === null ? undefined : decode(header.apu as string, 'JWE apu');
  if (header.skid !== undefined && typeof header.skid !== 'string') throw malformed('JWE skid is not a string');
  let skid = header.skid as string | undefined;
  if (mode === '1PU') {
    if (skid !== undefined && apu === undefined && !draft3) throw malformed('JWE skid present, but no apu');
    if (apu !== undefined) {
      const fromApu = fromUtf8(apu);
      if (skid !== undefined && skid !== fromApu) throw malformed('JWE apu does not match skid');
      skid = fromApu;
    }
    if (skid === undefined) throw malformed('authcrypt JWE names no sender (skid/apu)');
  } else if (skid !== undefined) {
    throw malformed('anoncrypt JWE must not carry skid');
  }

  // RFC 7516 §7.2.1: names in the protected, shared and per-recipient headers MUST be disjoint;
  // we read alg, enc, epk, apu, apv and skid only from the protected one, so a second value
  // elsewhere must not slip by. kid is exempt: we read it only per recipient, and a single-
  // recipient JWE converted from compact form carries it in the protected header as well.
  const sharedNames = isObject(v.unprotected) ? Object.keys(v.unprotected) : [];
  const clash = (names: string[]) => names.find((n) => n !== 'kid' && Object.prototype.hasOwnProperty.call(header, n));
  if (clash(sharedNames) !== undefined) throw malformed(`JWE header parameter ${clash(sharedNames)} appears in both the protected and unprotected headers`);
  // A kid listed twice would make the recipient try its key once per copy: one message could
  // cost a hundred key agreements. No honest sender repeats a recipient.
  const kids = new Set<string>();
  const recipients = recipientsIn.map((r, i) => {
    if (!isObject(r) || !isObject(r.header) || typeof r.header.kid !== 'string') throw malformed(`JWE recipient ${i} has no header.kid`);
    if (kids.has(r.header.kid)) throw malformed(`JWE recipient ${i} repeats the kid of an earlier recipient`);
    kids.add(r.header.kid);
    const names = Object.keys(r.header);
    const dup = clash(names) ?? names.find((n) => sharedNames.includes(n));
    if (dup !== undefined) throw malformed(`JWE recipient ${i} header repeats the parameter ${dup}`);
    const encryptedKey = decode(r.encrypted_key as string, `JWE recipient ${i} encrypted_key`);
    if (!ka.xc20pkw) return { kid: r.header.kid, encryptedKey };
    const wrapIv = decode(r.header.iv as string, `JWE recipient ${i} iv`);
    const wrapTag = decode(r.header.tag as string, `JWE recipient ${i} tag`);
    if (wrapIv.length !== CONTENT_ENC.XC20P.ivLength || wrapTag.length !== CONTENT_ENC.XC20P.tagLength) throw malformed(`JWE recipient ${i} XC20PKW iv or tag has the wrong length`);
    return { kid: r.header.kid, encryptedKey, wrapIv, wrapTag };
  });

  const iv = decode(v.iv as string, 'JWE iv');
  const tag = decode(v.tag as string, 'JWE tag');
  const p = CONTENT_ENC[enc as ContentEncAlg];
  if (iv.length !== p.ivLength) throw malformed(`JWE iv has the wrong length for ${enc}`);
  if (tag.length !== p.tagLength) throw malformed(`JWE tag has the wrong length for ${enc}`);
  const ciphertext = decode(v.ciphertext as string, 'JWE ciphertext');

  const raw: GeneralJwe = { protected: protectedB64, recipients: recipientsIn as GeneralJwe['recipients'], iv: v.iv as string, ciphertext: v.ciphertext as string, tag: v.tag as string };
  return { raw, protectedB64, header, alg, enc: enc as ContentEncAlg, epk, apu, apv, skid, draft3, recipients, iv, ciphertext, tag };
}
