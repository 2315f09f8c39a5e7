import { backend } from '../../../crypto/index.js';
import { base58btcEncode } from '../../../keys/multikey.js';
import { utf8 } from '../../../util/base64url.js';
import { concat } from '../../../util/bytes.js';

/** base58btc multibase of the SHA2-256 multihash (0x12 0x20 || digest) of a string's UTF-8. */
export async function multihashSha256(text: string): Promise<string> {
  return base58btcEncode(concat(Uint8Array.of(0x12, 0x20), await backend.sha256(utf8(text))));
}
