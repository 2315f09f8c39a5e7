import type { SignAlg } from '../crypto/types.js';
import type { FromPriorClaims } from '../message/from-prior.js';
import type { Compat } from './compat.js';

/** What unpack learned about how a message was protected (didcomm-rust's UnpackMetadata, camelCased). */
export interface UnpackMetadata {
  encrypted: boolean;
  /** The sender is known: authcrypt or a signature. */
  authenticated: boolean;
  /** Signed: a third party can verify who sent it. */
  nonRepudiation: boolean;
  /** Encrypted with anoncrypt only: nothing says who sent it. */
  anonymousSender: boolean;
  /** A forward addressed to us was unwrapped on the way (a mediator re-wrapped it). */
  reWrappedInForward: boolean;
  encryptedFromKid?: string;
  encryptedToKids?: string[];
  /** The key id we decrypted with. */
  decryptedWithKid?: string;
  signFrom?: string;
  encAlgAuth?: string;
  encAlgAnon?: string;
  signAlg?: SignAlg;
  /** The JWS as received, for non-repudiation records. */
  signedMessage?: string;
  fromPriorIssuerKid?: string;
  fromPrior?: FromPriorClaims;
  /**
   * Set when a layer was read only because of the unpack option `compat` (a JWE without apv,
   * or ECDH-1PU draft 3, whose authentication is weaker: see docs/compat.md).
   */
  compat?: Compat;
}

export const emptyMetadata = (): UnpackMetadata => ({
  encrypted: false,
  authenticated: false,
  nonRepudiation: false,
  anonymousSender: false,
  reWrappedInForward: false,
});
