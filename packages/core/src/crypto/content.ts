import { DIDCommError, ErrorCodes } from '../errors.js';
import { CONTENT_ENC, type ContentEncAlg } from './types.js';

/**
 * Size checks every backend runs before content encryption: an unknown enc is UNSUPPORTED;
 * a wrong CEK, IV or tag length fails like any other decryption failure.
 */
export function checkContentSizes(enc: ContentEncAlg, key: Uint8Array, iv: Uint8Array, tag?: Uint8Array): void {
  const p = Object.prototype.hasOwnProperty.call(CONTENT_ENC, enc) ? CONTENT_ENC[enc] : undefined;
  if (!p) throw new DIDCommError(ErrorCodes.UNSUPPORTED, `content encryption ${enc} is not supported`);
  const fail = (why: string) => new DIDCommError(ErrorCodes.DECRYPTION_FAILED, 'decryption failed', { cause: new Error(why) });
  if (key.length !== p.keyLength) throw fail('wrong CEK length');
  if (iv.length !== p.ivLength) throw fail('wrong IV length');
  if (tag && tag.length !== p.tagLength) throw fail('wrong tag length');
}
