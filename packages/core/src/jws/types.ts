import type { SignAlg } from '../crypto/types.js';

/** A JWS in General JSON Serialization (RFC 7515 §7.2.1). */
export interface GeneralJws {
  payload: string;
  signatures: Array<{ protected: string; header?: { kid?: string; [k: string]: unknown }; signature: string }>;
}

export interface ParsedSignature {
  protectedB64: string;
  protectedHeader: Record<string, unknown>;
  header: Record<string, unknown>;
  alg: SignAlg;
  /** kid from the unprotected header, or the protected one (Veramo puts it only there). */
  kid?: string;
  signature: Uint8Array;
}

export interface ParsedJws {
  payloadB64: string;
  payload: Uint8Array;
  signatures: ParsedSignature[];
}
