// DID rotation (DIDComm v2.1 "DID Rotation"): the from_prior claims that say the old DID
// hands over to the new one, and the old DID's authentication key to sign them with.
import { DIDCommError, ErrorCodes } from '../errors.js';
import { CURVE_INFO } from '../crypto/types.js';
import type { SecretsResolver } from '../secrets/types.js';
import { methodsFor, verificationMethodPublicKey } from './document.js';
import type { DIDResolver } from './types.js';
import { isDid, absoluteId } from './url.js';

/**
 * The from_prior JWT claims; iss and sub are DIDs, never DID URLs. A type alias (not an
 * interface) so it is assignable to message/from-prior's FromPriorClaims.
 */
export type RotationClaims = {
  iss: string;
  sub: string;
  iat: number;
  aud?: string;
  exp?: number;
  nbf?: number;
  jti?: string;
};

/** Options of rotateDID: the DID retired, the DID taking over, and the key that signs the from_prior JWT. */
export interface RotateDIDOptions {
  /** The DID being retired (iss). */
  oldDid: string;
  /** The DID taking over (sub). */
  newDid: string;
  /** Must hold a secret for an authentication key of oldDid. */
  secrets: SecretsResolver;
  resolver: DIDResolver;
  /** Pick this authentication key of oldDid instead of the first one we hold. */
  issuerKid?: string;
  /** Seconds since the epoch (default now). */
  iat?: number;
  /** Optional claims to add. */
  claims?: Pick<RotationClaims, 'aud' | 'exp' | 'nbf' | 'jti'>;
}

const invalid = (msg: string) => new DIDCommError(ErrorCodes.FROM_PRIOR_INVALID, msg);

/**
 * The claims {iss: old, sub: new, iat} and the issuer kid: an authentication key of the
 * old DID that can sign and that we hold a secret for. Signing is packFromPrior's job.
 */
export async function rotateDID(options: RotateDIDOptions): Promise<{ claims: RotationClaims; issuerKid: string }> {
  const { oldDid, newDid } = options;
  if (!isDid(oldDid)) throw invalid('the old DID (iss) must be a DID, not a DID URL');
  if (!isDid(newDid)) throw invalid('the new DID (sub) must be a DID, not a DID URL');
  if (oldDid === newDid) throw invalid('the old and new DIDs must differ');
  const iat = options.iat ?? Math.floor(Date.now() / 1000);
  if (!Number.isSafeInteger(iat) || iat < 0) throw new TypeError('iat must be a non-negative integer of seconds');

  const doc = await options.resolver.resolve(oldDid);
  if (!doc) throw new DIDCommError(ErrorCodes.DID_NOT_FOUND, `cannot resolve ${oldDid}`);
  const signers = methodsFor(doc, 'authentication').filter((vm) => {
    try {
      return CURVE_INFO[verificationMethodPublicKey(vm).curve].signAlg !== undefined;
    } catch {
      return false;
    }
  });
  const candidates = signers.map((vm) => vm.id);
  let issuerKid: string | undefined;
  if (options.issuerKid !== undefined) {
    const want = absoluteId(oldDid, options.issuerKid);
    if (!candidates.includes(want)) throw new DIDCommError(ErrorCodes.KEY_NOT_AUTHORIZED, `${want} is not a signing authentication key of ${oldDid}`);
    if ((await options.secrets.findSecrets([want])).length === 0) throw new DIDCommError(ErrorCodes.SECRET_NOT_FOUND, `no secret for ${want}`);
    issuerKid = want;
  } else {
    issuerKid = (await options.secrets.findSecrets(candidates))[0];
    if (!issuerKid) throw new DIDCommError(ErrorCodes.SECRET_NOT_FOUND, `no secret for any authentication key of ${oldDid}`);
  }
  const claims: RotationClaims = { iss: oldDid, sub: newDid, iat };
  for (const k of ['aud', 'exp', 'nbf', 'jti'] as const) {
    const v = options.claims?.[k];
    if (v !== undefined) (claims as unknown as Record<string, unknown>)[k] = v;
  }
  return { claims, issuerKid };
}
