import { backend } from '../crypto/index.js';
import { utf8 } from '../util/base64url.js';

/** DIDComm apv: SHA-256 over the recipient kids sorted by code point and joined with "." (ERRATA 7). */
export async function didcommApv(kids: readonly string[]): Promise<Uint8Array> {
  const sorted = [...kids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return backend.sha256(utf8(sorted.join('.')));
}
