import { DIDCommError, ErrorCodes } from '../errors.js';
import { isDid, parseDidUrl } from '../did/url.js';
import type { DIDResolver } from '../did/types.js';
import { isAuthorized, findVerificationMethod } from '../did/document.js';
import { methodsFor } from '../did/document.js';
import { signCompact } from '../jws/sign.js';
import { parseCompact, verifyCompact } from '../jws/verify.js';
import { DIDCOMM_SIGN_ALGS } from '../jws/algorithms.js';
import { secretToPrivateKey } from '../secrets/keys.js';
import type { SecretsResolver } from '../secrets/types.js';
import { fromUtf8, utf8 } from '../util/base64url.js';
import { isObject, parseJsonObject } from '../util/json.js';
import { methodKey, resolveDocument } from '../pack/context.js';

/** from_prior JWT claims (spec "DID Rotation"): iss = prior DID, sub = new DID, iat = rotation time. */
export interface FromPriorClaims {
  iss: string;
  sub?: string;
  iat?: number;
  aud?: string;
  exp?: number;
  nbf?: number;
  jti?: string;
  [k: string]: unknown;
}

const invalid = (msg: string, cause?: unknown) => new DIDCommError(ErrorCodes.FROM_PRIOR_INVALID, `from_prior: ${msg}`, cause === undefined ? undefined : { cause });

function checkClaims(c: FromPriorClaims) {
  if (!isDid(c.iss)) throw invalid('iss must be a DID (not a DID URL)');
  // sub is absent only when a relationship ends (spec "Ending a Relationship").
  if (c.sub !== undefined && !isDid(c.sub)) throw invalid('sub must be a DID (not a DID URL)');
  if (c.sub === c.iss) throw invalid('iss and sub must differ');
  if (c.iat !== undefined && !Number.isSafeInteger(c.iat)) throw invalid('iat must be an integer');
}

/**
 * Sign from_prior claims with a key of the prior DID (`iss`) listed under authentication.
 * `issuerKid` picks the key; by default the first authentication key we hold a secret for.
 */
export async function packFromPrior(claims: FromPriorClaims, o: { issuerKid?: string; resolver: DIDResolver; secrets: SecretsResolver }): Promise<{ jwt: string; issuerKid: string }> {
  checkClaims(claims);
  const doc = await resolveDocument(o.resolver, claims.iss);
  let kid = o.issuerKid;
  if (kid !== undefined) {
    if (parseDidUrl(kid).did !== claims.iss) throw invalid('issuer kid does not belong to iss');
    if (!isAuthorized(doc, 'authentication', kid)) throw new DIDCommError(ErrorCodes.KEY_NOT_AUTHORIZED, `${kid} is not an authentication key of ${claims.iss}`);
  } else {
    const candidates = methodsFor(doc, 'authentication').map((vm) => vm.id);
    kid = (await o.secrets.findSecrets(candidates))[0];
    if (!kid) throw new DIDCommError(ErrorCodes.SECRET_NOT_FOUND, `no secret for any authentication key of ${claims.iss}`);
  }
  const secret = await o.secrets.getSecret(kid);
  if (!secret) throw new DIDCommError(ErrorCodes.SECRET_NOT_FOUND, `no secret for ${kid}`);
  const key = await secretToPrivateKey(secret);
  const jwt = await signCompact({ typ: 'JWT', kid }, utf8(JSON.stringify(claims)), key);
  return { jwt, issuerKid: kid };
}

/** Verify a from_prior JWT: signature, kid under the issuer's authentication, claims. */
export async function verifyFromPrior(jwt: string, resolver: DIDResolver): Promise<{ claims: FromPriorClaims; issuerKid: string }> {
  let parsed;
  try {
    parsed = parseCompact(jwt, DIDCOMM_SIGN_ALGS);
  } catch (e) {
    throw invalid('not a valid compact JWS', e);
  }
  const kid = parsed.header.kid;
  if (typeof kid !== 'string') throw invalid('JWT header has no kid');
  let claims: FromPriorClaims;
  try {
    const c = parseJsonObject(fromUtf8(parsed.payload), 'from_prior claims');
    if (!isObject(c)) throw new Error('claims are not an object');
    claims = c as FromPriorClaims;
  } catch (e) {
    throw invalid('claims are not a JSON object', e);
  }
  checkClaims(claims);
  let kidDid: string;
  try {
    kidDid = parseDidUrl(kid).did;
  } catch (e) {
    throw invalid('kid is not a DID URL', e);
  }
  if (kidDid !== claims.iss) throw invalid('kid does not belong to iss');
  const doc = await resolveDocument(resolver, claims.iss);
  const vm = findVerificationMethod(doc, kid);
  if (!vm || !isAuthorized(doc, 'authentication', kid)) throw new DIDCommError(ErrorCodes.KEY_NOT_AUTHORIZED, `${kid} is not an authentication key of ${claims.iss}`);
  try {
    await verifyCompact(parsed, await methodKey(vm));
  } catch (e) {
    throw invalid('signature does not verify', e);
  }
  return { claims, issuerKid: vm.id };
}
