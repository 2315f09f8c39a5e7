import { DIDCommError, ErrorCodes } from '../errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;
interface BufferLike extends Uint8Array {
  toString(encoding?: string): string;
}
// Node's Buffer when present (several times faster); the portable loops below otherwise.
const NodeBuffer = (globalThis as unknown as { Buffer?: { from(a: ArrayBufferLike | string, b?: number | string, c?: number): BufferLike } }).Buffer;

/** base64url without padding (RFC 7515 §2). */
export function encode(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63];
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63];
  }
  return out;
}

/**
 * Strict base64url decoding: only the URL-safe alphabet and canonical trailing bits, so a
 * value has one encoding apart from optional correct padding (some producers pad, and
 * didcomm-rust's own vectors do; signatures and AAD always cover the text as received).
 */
export function decode(text: string, what = 'value', allowPadding = true): Uint8Array {
  if (typeof text !== 'string') throw new DIDCommError(ErrorCodes.MALFORMED, `${what} is not a base64url string`);
  let s = text;
  if (allowPadding && s.endsWith('=')) {
    if (s.length % 4 !== 0) throw new DIDCommError(ErrorCodes.MALFORMED, `${what} is not valid base64url (padding)`);
    s = s.replace(/={1,2}$/, '');
  }
  if (NodeBuffer) {
    // Node's decoder skips what it does not understand; a value is valid exactly when the
    // bytes encode back to the same text (alphabet, length and canonical last symbol at once),
    // and that native round trip is several times faster than a loop over the characters.
    const b = NodeBuffer.from(s, 'base64url');
    if (b.toString('base64url') !== s) throw invalidBase64url(s, what);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
  const len = s.length;
  if (base64urlProblem(s)) throw invalidBase64url(s, what);
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let o = 0;
  let i = 0;
  for (; i + 3 < len; i += 4) {
    const n = (LOOKUP[s.charCodeAt(i)] << 18) | (LOOKUP[s.charCodeAt(i + 1)] << 12) | (LOOKUP[s.charCodeAt(i + 2)] << 6) | LOOKUP[s.charCodeAt(i + 3)];
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  const rest = len - i;
  if (rest >= 2) {
    const n = (LOOKUP[s.charCodeAt(i)] << 18) | (LOOKUP[s.charCodeAt(i + 1)] << 12) | (rest === 3 ? LOOKUP[s.charCodeAt(i + 2)] << 6 : 0);
    out[o++] = n >> 16;
    if (rest === 3) out[o++] = (n >> 8) & 255;
  }
  return out;
}

/** Why `s` (without padding) is not canonical base64url, or undefined if it is. */
function base64urlProblem(s: string): string | undefined {
  const len = s.length;
  if (len % 4 === 1) return 'length';
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 || LOOKUP[c] < 0) return `character at ${i}`;
  }
  const last = len > 0 ? LOOKUP[s.charCodeAt(len - 1)] : 0;
  if ((len % 4 === 2 && (last & 15) !== 0) || (len % 4 === 3 && (last & 3) !== 0)) return 'non-canonical last symbol';
  return undefined;
}

const invalidBase64url = (s: string, what: string) => new DIDCommError(ErrorCodes.MALFORMED, `${what} is not valid base64url (${base64urlProblem(s) ?? 'encoding'})`);

export const encodeString = (s: string): string => encode(utf8(s));
export const decodeString = (s: string, what?: string): string => fromUtf8(decode(s, what));

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });
export const utf8 = (s: string): Uint8Array => textEncoder.encode(s);
export function fromUtf8(b: Uint8Array): string {
  try {
    return textDecoder.decode(b);
  } catch (e) {
    throw new DIDCommError(ErrorCodes.MALFORMED, 'invalid UTF-8', { cause: e });
  }
}
