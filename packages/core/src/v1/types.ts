// DIDComm v1 (Aries RFC 0019) envelope types and media types.

/**
 * The v1 encrypted envelope's media type (Aries RFC 0044).
 * @see https://github.com/hyperledger/aries-rfcs/tree/main/features/0044-didcomm-file-and-mime-types
 */
export const V1_ENVELOPE_MEDIA_TYPE = 'application/didcomm-envelope-enc';
/** The older media type Aries agents (and Credo) still send v1 envelopes with. */
export const V1_WIRE_MEDIA_TYPE = 'application/ssi-agent-wire';
/** Both media types a v1 envelope may arrive with. */
export const V1_MEDIA_TYPES: readonly string[] = [V1_ENVELOPE_MEDIA_TYPE, V1_WIRE_MEDIA_TYPE];

/**
 * The `enc` every v1 implementation writes. Despite the name, the content cipher is
 * ChaCha20-Poly1305 IETF with a 12-byte nonce (indy-sdk, ACA-Py and Credo all do so).
 */
export const V1_ENC = 'xchacha20poly1305_ietf';

/** A v1 envelope as it travels: every field base64url (our output unpadded; input may be padded or plain base64). */
export interface V1Envelope {
  /** base64url of the JSON protected header (also the content's AAD, as text). */
  protected: string;
  iv: string;
  ciphertext: string;
  tag: string;
}

/** One recipient in the protected header. */
export interface V1Recipient {
  /** The CEK: crypto_box from the sender (Authcrypt) or a sealed box (Anoncrypt). */
  encrypted_key: string;
  header: {
    /** The recipient's Ed25519 verkey, base58. */
    kid: string;
    /** crypto_box nonce (Authcrypt only). */
    iv?: string;
    /** The sender's base58 verkey in a sealed box to this recipient (Authcrypt only). */
    sender?: string;
  };
}

/** The decoded protected header. */
export interface V1ProtectedHeader {
  enc: string;
  typ?: string;
  alg: 'Authcrypt' | 'Anoncrypt';
  recipients: V1Recipient[];
}

/** A v1 plaintext message: a JSON object with `@type` and `@id` (Aries RFC 0020). */
export interface V1Message {
  '@type': string;
  '@id': string;
  [key: string]: unknown;
}
