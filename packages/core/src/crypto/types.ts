/** Curves we handle. Ed25519 signs; X25519 agrees; the NIST curves and secp256k1 do both. */
export type Curve = 'Ed25519' | 'X25519' | 'P-256' | 'P-384' | 'P-521' | 'secp256k1';
/** JWS signature algorithms, one per signing curve: EdDSA (Ed25519), ES256 (P-256), ES256K (secp256k1), ES384 (P-384), ES512 (P-521). */
export type SignAlg = 'EdDSA' | 'ES256' | 'ES256K' | 'ES384' | 'ES512';
/** DIDComm uses the first three; the others exist for general JOSE interop (ECDH-1PU draft examples). */
export type ContentEncAlg = 'A256CBC-HS512' | 'A256GCM' | 'XC20P' | 'A128CBC-HS256' | 'A128GCM';

/**
 * A public key as raw bytes: 32 bytes for the OKP curves, the uncompressed SEC1 point
 * (0x04 || x || y) for the EC curves. `handle` caches a backend object (never serialized).
 */
export interface PublicKey {
  readonly curve: Curve;
  readonly raw: Uint8Array;
  handle?: unknown;
}

/** A private key; `d` may be absent for an ephemeral key that lives only as a backend handle. */
export interface PrivateKey {
  readonly curve: Curve;
  readonly d?: Uint8Array;
  readonly publicKey: PublicKey;
  handle?: unknown;
}

/**
 * The only door to primitives. Async so a WebCrypto backend fits the same shape.
 * Implementations throw DIDCommError: INVALID_KEY for bad points, DECRYPTION_FAILED for
 * failed integrity checks.
 */
export interface CryptoBackend {
  readonly name: string;
  randomBytes(n: number): Uint8Array;
  sha256(data: Uint8Array): Promise<Uint8Array>;
  /** A fresh key pair; `d` included (for key stores) unless `ephemeral`. */
  generateKeyPair(curve: Curve, options?: { ephemeral?: boolean }): Promise<PrivateKey>;
  /** Import a private key from its scalar; checks that it matches `publicRaw` when given. */
  importPrivateKey(curve: Curve, d: Uint8Array, publicRaw?: Uint8Array): Promise<PrivateKey>;
  /** Validate a public key (length, on curve, not the identity). Throws INVALID_KEY. */
  importPublicKey(curve: Curve, raw: Uint8Array): Promise<PublicKey>;
  /** ECDH shared secret; throws INVALID_KEY for low-order / all-zero results. */
  ecdh(privateKey: PrivateKey, publicKey: PublicKey): Promise<Uint8Array>;
  sign(privateKey: PrivateKey, data: Uint8Array): Promise<Uint8Array>;
  verify(publicKey: PublicKey, data: Uint8Array, signature: Uint8Array): Promise<boolean>;
  /** RFC 3394 AES key wrap; the KEK length (16, 24, 32) picks the variant. */
  aesKeyWrap(kek: Uint8Array, key: Uint8Array): Promise<Uint8Array>;
  aesKeyUnwrap(kek: Uint8Array, wrapped: Uint8Array): Promise<Uint8Array>;
  encrypt(enc: ContentEncAlg, key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Promise<{ ciphertext: Uint8Array; tag: Uint8Array }>;
  decrypt(enc: ContentEncAlg, key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
  /**
   * ChaCha20-Poly1305 IETF (RFC 8439, 12-byte nonce), the DIDComm v1 content cipher, where the
   * platform has it natively (Node: about 10x @noble's); absent, nacl.ts uses @noble.
   * decrypt throws DECRYPTION_FAILED on any failure.
   */
  readonly chacha20Poly1305?: {
    encrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): { ciphertext: Uint8Array; tag: Uint8Array };
    decrypt(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): Uint8Array;
  };
}

export const CONTENT_ENC: Record<ContentEncAlg, { keyLength: number; ivLength: number; tagLength: number }> = {
  'A256CBC-HS512': { keyLength: 64, ivLength: 16, tagLength: 32 },
  A256GCM: { keyLength: 32, ivLength: 12, tagLength: 16 },
  XC20P: { keyLength: 32, ivLength: 24, tagLength: 16 },
  'A128CBC-HS256': { keyLength: 32, ivLength: 16, tagLength: 16 },
  A128GCM: { keyLength: 16, ivLength: 12, tagLength: 16 },
};

export const CURVE_INFO: Record<Curve, { kty: 'OKP' | 'EC'; size: number; signAlg?: SignAlg; agreement: boolean }> = {
  Ed25519: { kty: 'OKP', size: 32, signAlg: 'EdDSA', agreement: false },
  X25519: { kty: 'OKP', size: 32, agreement: true },
  'P-256': { kty: 'EC', size: 32, signAlg: 'ES256', agreement: true },
  'P-384': { kty: 'EC', size: 48, signAlg: 'ES384', agreement: true },
  'P-521': { kty: 'EC', size: 66, signAlg: 'ES512', agreement: true },
  secp256k1: { kty: 'EC', size: 32, signAlg: 'ES256K', agreement: true },
};

export const isCurve = (c: unknown): c is Curve => typeof c === 'string' && Object.prototype.hasOwnProperty.call(CURVE_INFO, c);
