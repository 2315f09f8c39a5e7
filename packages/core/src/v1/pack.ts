// packV1: a DIDComm v1 envelope (Aries RFC 0019), byte-compatible with what Credo 0.6,
// ACA-Py and indy-sdk write: the CEK boxed to each recipient (crypto_box from the sender's
// X25519 key for Authcrypt, a sealed box for Anoncrypt), the content in ChaCha20-Poly1305
// IETF with the protected header's base64url text as AAD.
import { DIDCommError, ErrorCodes } from '../errors.js';
import { BOX_NONCE_BYTES, CHACHA_IETF_NONCE_BYTES, box, chachaIetfEncrypt, randomBytes, seal } from '../crypto/nacl.js';
import { base58Encode } from '../keys/multikey.js';
import { encode } from './encoding.js';
import { verkeyToPublicKey, verkeyToX25519, type V1Key } from './keys.js';
import { V1_ENC, type V1Envelope, type V1ProtectedHeader, type V1Recipient } from './types.js';

/** Options of packV1. */
export interface PackV1Options {
  /** Recipient keys: base58 verkeys or did:key (Ed25519). */
  to: readonly string[];
  /** The sender's key for Authcrypt; absent, the envelope is Anoncrypt. */
  from?: V1Key;
  /** At most this many recipients (default 100). */
  maxRecipients?: number;
}

const utf8 = /* @__PURE__ */ new TextEncoder();

/**
 * Encrypt a v1 message (an object, serialized with JSON.stringify, or its JSON text or bytes)
 * to every key in `to`. Throws INVALID_KEY for a key with no X25519 equivalent or of low order,
 * LIMIT_EXCEEDED over `maxRecipients`.
 */
export async function packV1(message: object | string | Uint8Array, options: PackV1Options): Promise<V1Envelope> {
  const { to, from } = options;
  if (!Array.isArray(to) || to.length === 0) throw new TypeError('packV1 needs at least one recipient key in `to`');
  const max = options.maxRecipients ?? 100;
  if (to.length > max) throw new DIDCommError(ErrorCodes.LIMIT_EXCEEDED, `${to.length} recipients, more than ${max}`);
  const plaintext = message instanceof Uint8Array ? message : utf8.encode(typeof message === 'string' ? message : JSON.stringify(message));
  const cek = randomBytes(32);
  const recipients: V1Recipient[] = [];
  for (const key of to) {
    const edPublic = verkeyToPublicKey(key);
    const xPublic = verkeyToX25519(edPublic);
    const kid = base58Encode(edPublic);
    if (from) {
      const iv = randomBytes(BOX_NONCE_BYTES);
      const [encryptedKey, sender] = await Promise.all([box(cek, iv, xPublic, from.x25519), seal(utf8.encode(from.verkey), xPublic)]);
      recipients.push({ encrypted_key: encode(encryptedKey), header: { kid, iv: encode(iv), sender: encode(sender) } });
    } else {
      recipients.push({ encrypted_key: encode(await seal(cek, xPublic)), header: { kid } });
    }
  }
  const header: V1ProtectedHeader = { enc: V1_ENC, typ: 'JWM/1.0', alg: from ? 'Authcrypt' : 'Anoncrypt', recipients };
  const protectedText = encode(utf8.encode(JSON.stringify(header)));
  const iv = randomBytes(CHACHA_IETF_NONCE_BYTES);
  const { ciphertext, tag } = chachaIetfEncrypt(cek, iv, plaintext, utf8.encode(protectedText));
  return { protected: protectedText, iv: encode(iv), ciphertext: encode(ciphertext), tag: encode(tag) };
}
