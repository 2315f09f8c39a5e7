// v1 envelopes are base64url in what Credo and ACA-Py write, but older agents wrote padded or
// plain base64 and every implementation reads both: we write unpadded base64url and read any.
import { decode } from '../util/base64url.js';

/** Decode base64 or base64url, padded or not; MALFORMED otherwise. */
export function decodeAnyBase64(text: unknown, what: string): Uint8Array {
  // Most input is unpadded base64url already: the rewrites only when a character asks for them.
  const s = typeof text === 'string' && /[+/=]/.test(text) ? text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') : text;
  return decode(s as string, what, false);
}

export { encode } from '../util/base64url.js';
