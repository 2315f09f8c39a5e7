import { DIDCommError, ErrorCodes } from '../errors.js';
import { backend } from '../crypto/index.js';
import { CONTENT_ENC, type PrivateKey, type PublicKey } from '../crypto/types.js';
import { utf8 } from '../util/base64url.js';
import { concat } from '../util/bytes.js';
import { keyAgreementOf } from './algorithms.js';
import { concatKdf } from './kdf.js';
import type { ParsedJwe } from './types.js';
import { staticAgreement } from './static-agreement.js';

const failed = (why: string, cause?: unknown) => new DIDCommError(ErrorCodes.DECRYPTION_FAILED, 'decryption failed', { cause: cause ?? new Error(why) });

/**
 * Decrypt a parsed JWE as one recipient. For ECDH-1PU the sender's static public key is
 * required, and for ECDH-ES it must be absent. Given with its `kid`, the sender must be the
 * one the JWE names (skid/apu), so a key looked up under another id is refused. Every failure
 * is DECRYPTION_FAILED (detail in `cause`) except an invalid ephemeral key, which is public and
 * reported as INVALID_KEY.
 */
export async function decryptJwe(
  jwe: ParsedJwe,
  recipient: { kid: string; key: PrivateKey },
  senderIn?: PublicKey | { kid: string; key: PublicKey },
): Promise<Uint8Array> {
  const ka = keyAgreementOf(jwe.alg);
  const senderKid = senderIn && 'kid' in senderIn ? senderIn.kid : undefined;
  const sender = senderIn && 'kid' in senderIn ? senderIn.key : senderIn;
  if (ka.mode === '1PU' && !sender) throw failed('ECDH-1PU needs the sender key');
  if (ka.mode === 'ES' && sender) throw failed('a sender key was given for ECDH-ES');
  if (senderKid !== undefined && senderKid !== jwe.skid) throw failed('the sender key is not the one the JWE names (skid)');
  const entry = jwe.recipients.find((r) => r.kid === recipient.kid);
  if (!entry) throw failed('recipient not found');
  if (recipient.key.curve !== jwe.epk.curve || (sender && sender.curve !== jwe.epk.curve)) throw failed('key curve differs from the epk curve');

  const epk = await backend.importPublicKey(jwe.epk.curve, jwe.epk.raw);
  const ze = await backend.ecdh(recipient.key, epk);
  const z = ka.mode === '1PU' ? concat(ze, await staticAgreement(recipient.key, sender!)) : ze;
  const kek = await concatKdf(z, jwe.alg, jwe.apu ?? new Uint8Array(0), jwe.apv ?? new Uint8Array(0), ka.kekBytes, ka.mode === '1PU' && !jwe.draft3 ? jwe.tag : undefined);
  // XC20PKW seals the CEK with XChaCha20-Poly1305 under the KEK, no AAD (did-jwt's xc20pKeyWrapper).
  const cek = ka.xc20pkw
    ? await backend.decrypt('XC20P', kek, entry.wrapIv!, entry.encryptedKey, entry.wrapTag!, new Uint8Array(0))
    : await backend.aesKeyUnwrap(kek, entry.encryptedKey);
  if (cek.length !== CONTENT_ENC[jwe.enc].keyLength) throw failed('unwrapped key has the wrong length');
  return backend.decrypt(jwe.enc, cek, jwe.iv, jwe.ciphertext, jwe.tag, utf8(jwe.protectedB64));
}
