// unpackV1: open a DIDComm v1 envelope (Aries RFC 0019) addressed to one of our keys. The
// untrusted JSON is checked field by field before any crypto runs; every cryptographic
// failure (a wrong key, a flipped byte, a low-order sender key) is the same DECRYPTION_FAILED.
import { DIDCommError, ErrorCodes, malformed } from '../errors.js';
import { parseJson as parseLimitedJson } from '../util/json.js';
import { BOX_NONCE_BYTES, CHACHA_IETF_NONCE_BYTES, boxOpen, chachaIetfDecrypt, sealOpen } from '../crypto/nacl.js';
import { base58Decode, base58Encode } from '../keys/multikey.js';
import { decodeAnyBase64 } from './encoding.js';
import { verkeyToX25519, type V1Key } from './keys.js';
import { V1_ENC, type V1Envelope, type V1ProtectedHeader, type V1Recipient } from './types.js';

/** Finds our key for a recipient's base58 verkey; undefined when it is not ours. */
export type V1KeyResolver = (verkey: string) => V1Key | undefined | Promise<V1Key | undefined>;

/** Options of unpackV1. */
export interface UnpackV1Options {
  /** Our keys, looked up by the recipients' `kid` in order; the first one we hold opens it. */
  keys: V1KeyResolver;
  /** Envelopes longer than this are LIMIT_EXCEEDED before parsing (default 16 MiB). */
  maxBytes?: number;
  /** Envelopes with more recipients are LIMIT_EXCEEDED (default 100). */
  maxRecipients?: number;
}

/** What unpackV1 returns. */
export interface UnpackV1Result {
  /** The plaintext, parsed: a JSON object (not checked for `@type`; see parseV1Message). */
  message: Record<string, unknown>;
  /** The plaintext bytes as decrypted. */
  plaintext: Uint8Array;
  /** Authcrypt (the sender proved its key) or Anoncrypt. */
  alg: 'Authcrypt' | 'Anoncrypt';
  /** Our verkey (base58) that opened it. */
  recipientKey: string;
  /** The sender's verkey (base58), for Authcrypt only. */
  senderKey?: string;
}

const utf8 = /* @__PURE__ */ new TextEncoder();
const text = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true });
const failed = (cause: unknown) => new DIDCommError(ErrorCodes.DECRYPTION_FAILED, 'decryption failed', { cause });

/** Untrusted JSON, with v2's nesting limit (LIMIT_EXCEEDED past it): what is parsed here is walked, and cloned to and from worker threads, later. */
function parseJson(bytes: Uint8Array | string, what: string): unknown {
  let t: string;
  try {
    t = typeof bytes === 'string' ? bytes : text.decode(bytes);
  } catch (e) {
    throw malformed(`${what} is not UTF-8`, e);
  }
  return parseLimitedJson(t, what);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True when a parsed JSON value has the shape of a v1 envelope (not yet validated). */
export function isV1Envelope(v: unknown): v is V1Envelope {
  return isObject(v) && typeof v.protected === 'string' && typeof v.ciphertext === 'string' && typeof v.iv === 'string' && typeof v.tag === 'string';
}

/** Parse and validate the envelope and its protected header; MALFORMED / UNSUPPORTED / LIMIT_EXCEEDED. */
export function parseV1Envelope(input: V1Envelope | string | Uint8Array, options: { maxBytes?: number; maxRecipients?: number } = {}): { envelope: V1Envelope; header: V1ProtectedHeader } {
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  let envelope: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    if (input.length > maxBytes) throw new DIDCommError(ErrorCodes.LIMIT_EXCEEDED, `envelope is larger than ${maxBytes} bytes`);
    envelope = parseJson(input, 'envelope');
  }
  if (!isV1Envelope(envelope)) throw malformed('a v1 envelope has protected, iv, ciphertext and tag strings');
  if (envelope.protected.length > maxBytes || envelope.ciphertext.length > maxBytes) throw new DIDCommError(ErrorCodes.LIMIT_EXCEEDED, `envelope is larger than ${maxBytes} bytes`);
  const header = parseJson(decodeAnyBase64(envelope.protected, 'protected'), 'protected header');
  if (!isObject(header)) throw malformed('protected header is not a JSON object');
  if (header.alg !== 'Authcrypt' && header.alg !== 'Anoncrypt') throw new DIDCommError(ErrorCodes.UNSUPPORTED, `v1 alg ${String(header.alg)} is not supported`);
  if (header.enc !== V1_ENC && header.enc !== 'chacha20poly1305_ietf') throw new DIDCommError(ErrorCodes.UNSUPPORTED, `v1 enc ${String(header.enc)} is not supported`);
  if (!Array.isArray(header.recipients) || header.recipients.length === 0) throw malformed('protected header has no recipients');
  const max = options.maxRecipients ?? 100;
  if (header.recipients.length > max) throw new DIDCommError(ErrorCodes.LIMIT_EXCEEDED, `envelope has ${header.recipients.length} recipients, more than ${max}`);
  const auth = header.alg === 'Authcrypt';
  for (const r of header.recipients as unknown[]) {
    if (!isObject(r) || typeof r.encrypted_key !== 'string' || !isObject(r.header) || typeof r.header.kid !== 'string') throw malformed('a recipient has encrypted_key and header.kid strings');
    const h = r.header;
    if (auth ? typeof h.iv !== 'string' || typeof h.sender !== 'string' : h.iv !== undefined || h.sender !== undefined) {
      throw malformed(auth ? 'an Authcrypt recipient has header.iv and header.sender' : 'an Anoncrypt recipient has no header.iv nor header.sender');
    }
  }
  return { envelope, header: header as unknown as V1ProtectedHeader };
}

/** Open a v1 envelope with one of our keys. SECRET_NOT_FOUND when no recipient is ours. */
export async function unpackV1(input: V1Envelope | string | Uint8Array, options: UnpackV1Options): Promise<UnpackV1Result> {
  if (typeof options?.keys !== 'function') throw new TypeError('unpackV1 needs options.keys, a function from verkey to key');
  const { envelope, header } = parseV1Envelope(input, options);
  let recipient: V1Recipient | undefined;
  let key: V1Key | undefined;
  for (const r of header.recipients) {
    key = await options.keys(r.header.kid);
    if (key) {
      recipient = r;
      break;
    }
  }
  if (!recipient || !key) throw new DIDCommError(ErrorCodes.SECRET_NOT_FOUND, 'no recipient of the envelope is one of our keys');
  // Decoding errors past this point are reported as decryption failures: which field of an
  // envelope meant for us was bad is no business of the sender's.
  let cek: Uint8Array;
  let senderKey: string | undefined;
  try {
    const encryptedKey = decodeAnyBase64(recipient.encrypted_key, 'encrypted_key');
    if (header.alg === 'Authcrypt') {
      const sender = text.decode(await sealOpen(decodeAnyBase64(recipient.header.sender, 'sender'), key.x25519));
      const senderPublic = base58Decode(sender, 'sender');
      if (senderPublic.length !== 32) throw new Error('sender verkey is not 32 bytes');
      const nonce = decodeAnyBase64(recipient.header.iv, 'iv');
      if (nonce.length !== BOX_NONCE_BYTES) throw new Error('recipient iv is not 24 bytes');
      cek = await boxOpen(encryptedKey, nonce, verkeyToX25519(senderPublic), key.x25519);
      senderKey = base58Encode(senderPublic);
    } else {
      cek = await sealOpen(encryptedKey, key.x25519);
    }
  } catch (e) {
    throw e instanceof DIDCommError && e.code === ErrorCodes.DECRYPTION_FAILED ? e : failed(e);
  }
  let plaintext: Uint8Array;
  try {
    const iv = decodeAnyBase64(envelope.iv, 'iv');
    if (iv.length !== CHACHA_IETF_NONCE_BYTES) throw new Error('content iv is not 12 bytes');
    plaintext = chachaIetfDecrypt(cek, iv, decodeAnyBase64(envelope.ciphertext, 'ciphertext'), decodeAnyBase64(envelope.tag, 'tag'), utf8.encode(envelope.protected));
  } catch (e) {
    throw e instanceof DIDCommError && e.code === ErrorCodes.DECRYPTION_FAILED ? e : failed(e);
  }
  const message = parseJson(plaintext, 'v1 message');
  if (!isObject(message)) throw malformed('a v1 message is a JSON object');
  return { message, plaintext, alg: header.alg, recipientKey: key.verkey, senderKey };
}
