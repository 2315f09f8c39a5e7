/**
 * Every error the library throws on bad input is a DIDCommError with a stable `code`.
 * Callers branch on `code`, never on `message`, which may change between releases.
 */
export const ErrorCodes = {
  /** Input is not a well-formed DIDComm message, JWE, JWS, JWM, DID or key. */
  MALFORMED: 'ERR_MALFORMED',
  /** An algorithm, curve, key type or envelope combination we do not accept. */
  UNSUPPORTED: 'ERR_UNSUPPORTED',
  /** Decryption failed. All causes look the same from outside; detail only in `cause`. */
  DECRYPTION_FAILED: 'ERR_DECRYPTION_FAILED',
  /** A signature did not verify. */
  SIGNATURE_INVALID: 'ERR_SIGNATURE_INVALID',
  /** A DID could not be resolved (unknown, not found, or the method failed). */
  DID_NOT_FOUND: 'ERR_DID_NOT_FOUND',
  /** A DID URL (key id, service) is not in its DID document. */
  DID_URL_NOT_FOUND: 'ERR_DID_URL_NOT_FOUND',
  /** Resolution failed for a reason other than absence (network, timeout, bad document). */
  RESOLUTION_FAILED: 'ERR_RESOLUTION_FAILED',
  /** None of our secrets matches the keys the message needs. */
  SECRET_NOT_FOUND: 'ERR_SECRET_NOT_FOUND',
  /** Sender and recipient share no key type we can use. */
  NO_COMPATIBLE_CRYPTO: 'ERR_NO_COMPATIBLE_CRYPTO',
  /** A key is not authorized for its use by its DID (keyAgreement, authentication). */
  KEY_NOT_AUTHORIZED: 'ERR_KEY_NOT_AUTHORIZED',
  /** A public key is invalid: off the curve, low order, wrong length. */
  INVALID_KEY: 'ERR_INVALID_KEY',
  /** The layers disagree: from vs skid, from vs signer, to vs recipient kid. */
  LAYER_MISMATCH: 'ERR_LAYER_MISMATCH',
  /** The message has expired (expires_time in the past). */
  EXPIRED: 'ERR_EXPIRED',
  /** A size, count or nesting limit was exceeded. */
  LIMIT_EXCEEDED: 'ERR_LIMIT_EXCEEDED',
  /** from_prior JWT invalid (signature, claims or key). */
  FROM_PRIOR_INVALID: 'ERR_FROM_PRIOR_INVALID',
  /** No usable DIDCommMessaging service or routing loop. */
  ROUTING: 'ERR_ROUTING',
  /** Delivery failed on every transport and service we tried. */
  TRANSPORT: 'ERR_TRANSPORT',
  /** A message id seen before from the same sender (replay). */
  DUPLICATE: 'ERR_DUPLICATE',
  /** The peer answered a request with a problem report (its body is in `cause`). */
  PROBLEM_REPORT: 'ERR_PROBLEM_REPORT',
  /** A request got no answer in time. */
  TIMEOUT: 'ERR_TIMEOUT',
  /** A mediator answered a mediate-request with mediate-deny. */
  MEDIATION_DENIED: 'ERR_MEDIATION_DENIED',
  /** A file-backed store failed (wrong passphrase, corrupt file). */
  STORE: 'ERR_STORE',
} as const;

/** One of the values of ErrorCodes. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * What the library throws on bad input or a failed operation: branch on `code` (stable), not on `message`. The underlying
 * error, when there is one, is in `cause`.
 */
export class DIDCommError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DIDCommError';
    this.code = code;
  }
}

/** True when `e` is a DIDCommError, and (when `code` is given) one with that code. */
export function isDIDCommError(e: unknown, code?: ErrorCode): e is DIDCommError {
  return e instanceof DIDCommError && (code === undefined || e.code === code);
}

export const malformed = (message: string, cause?: unknown): DIDCommError =>
  new DIDCommError(ErrorCodes.MALFORMED, message, cause === undefined ? undefined : { cause });
