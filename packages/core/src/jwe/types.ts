import type { ContentEncAlg, Curve } from '../crypto/types.js';
import type { KeyAgreementAlg, Xc20pkwAlg } from './algorithms.js';
import type { PublicJwk } from '../keys/jwk.js';

/** A JWE in General JSON Serialization (RFC 7516 §7.2.1), as DIDComm sends it. */
export interface GeneralJwe {
  protected: string;
  recipients: Array<{ header: { kid: string; [k: string]: unknown }; encrypted_key: string }>;
  iv: string;
  ciphertext: string;
  tag: string;
  unprotected?: Record<string, unknown>;
  aad?: string;
}

export interface JweProtectedHeader {
  typ?: string;
  alg: KeyAgreementAlg;
  enc: ContentEncAlg;
  epk: PublicJwk;
  apv?: string;
  apu?: string;
  skid?: string;
  cty?: string;
  [k: string]: unknown;
}

/** A JWE checked at the boundary: every field decoded, every algorithm on the allow-list. */
export interface ParsedJwe {
  raw: GeneralJwe;
  protectedB64: string;
  header: JweProtectedHeader;
  alg: KeyAgreementAlg | Xc20pkwAlg;
  enc: ContentEncAlg;
  epk: { curve: Curve; raw: Uint8Array };
  apu?: Uint8Array;
  apv?: Uint8Array;
  /** Sender key id: `skid`, or `apu` decoded when skid is absent. */
  skid?: string;
  /**
   * ECDH-1PU as its draft 3 (Veramo's): the KDF leaves the content tag out. Only true when the
   * parse policy allowed that dialect and the JWE names its sender by skid alone.
   */
  draft3: boolean;
  /** `wrapIv`/`wrapTag`: the recipient header's iv and tag, for XC20PKW only. */
  recipients: Array<{ kid: string; encryptedKey: Uint8Array; wrapIv?: Uint8Array; wrapTag?: Uint8Array }>;
  iv: Uint8Array;
  ciphertext: Uint8Array;
  tag: Uint8Array;
}
