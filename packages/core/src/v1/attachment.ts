// Signed attachments (Aries RFC 0017 with a JWS, as DID Exchange uses for did_doc~attach and
// did_rotate~attach): the data in base64url and one EdDSA JWS over it, its signer named by
// did:key in the unprotected `kid` and by its JWK in the protected header (what Credo checks).
import { DIDCommError, ErrorCodes } from '../errors.js';
import { decode, encode } from '../util/base64url.js';
import { parseJsonObject } from '../util/json.js';
import { decodeAnyBase64 } from './encoding.js';
import { signWithV1Key, verifyWithVerkey, verkeyToDidKey, type V1Key } from './keys.js';

/** The `data` of a signed attachment. */
export interface SignedAttachmentData {
  base64: string;
  jws: { header: { kid: string }; protected: string; signature: string };
}

const utf8 = /* @__PURE__ */ new TextEncoder();

/** Sign `data` (text, or bytes) with a v1 key as an attachment's `data`. */
export async function signAttachmentData(data: string | Uint8Array, key: V1Key): Promise<SignedAttachmentData> {
  const payload = encode(typeof data === 'string' ? utf8.encode(data) : data);
  const kid = verkeyToDidKey(key.verkey);
  const protectedHeader = encode(utf8.encode(JSON.stringify({ alg: 'EdDSA', kid, jwk: { kty: 'OKP', crv: 'Ed25519', x: encode(key.publicKey), kid } })));
  const signature = await signWithV1Key(key, utf8.encode(`${protectedHeader}.${payload}`));
  return { base64: payload, jws: { header: { kid }, protected: protectedHeader, signature: encode(signature) } };
}

/**
 * Check a signed attachment's `data` (one JWS, EdDSA, signer by did:key `kid`): resolves with
 * the payload and the signer's did:key. SIGNATURE_INVALID when it does not verify.
 */
export async function verifyAttachmentData(data: unknown): Promise<{ payload: Uint8Array; signer: string }> {
  const d = data as { base64?: unknown; jws?: { header?: { kid?: unknown }; protected?: unknown; signature?: unknown } } | null;
  if (!d || typeof d.base64 !== 'string' || !d.jws || typeof d.jws.protected !== 'string' || typeof d.jws.signature !== 'string') {
    throw new DIDCommError(ErrorCodes.MALFORMED, 'a signed attachment has data.base64 and data.jws');
  }
  const payload = decodeAnyBase64(d.base64, 'attachment data');
  let header: { alg?: unknown; kid?: unknown };
  try {
    header = parseJsonObject(new TextDecoder().decode(decode(d.jws.protected, 'jws protected')), 'the attachment JWS header');
  } catch (e) {
    throw new DIDCommError(ErrorCodes.MALFORMED, 'the attachment JWS header is not JSON', { cause: e });
  }
  const kid = typeof d.jws.header?.kid === 'string' ? d.jws.header.kid : header.kid;
  if (header.alg !== 'EdDSA' || typeof kid !== 'string' || !kid.startsWith('did:key:')) throw new DIDCommError(ErrorCodes.UNSUPPORTED, 'attachment JWS must be EdDSA by a did:key');
  const signer = kid.split('#')[0];
  const ok = await verifyWithVerkey(signer, utf8.encode(`${d.jws.protected}.${encode(payload)}`), decodeAnyBase64(d.jws.signature, 'jws signature'));
  if (!ok) throw new DIDCommError(ErrorCodes.SIGNATURE_INVALID, 'the attachment signature does not verify');
  return { payload, signer };
}
