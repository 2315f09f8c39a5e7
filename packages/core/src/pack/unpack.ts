import { DIDCommError, ErrorCodes, malformed } from '../errors.js';
import type { ContentEncAlg, SignAlg } from '../crypto/types.js';
import { findVerificationMethod, isAuthorized } from '../did/document.js';
import type { DIDResolver } from '../did/types.js';
import { parseDidUrl } from '../did/url.js';
import { DIDCOMM_ANON_ALG, DIDCOMM_ANON_ENC, DIDCOMM_AUTH_ALG, DIDCOMM_AUTH_ENC, keyAgreementOf } from '../jwe/algorithms.js';
import { didcommApv } from '../jwe/apv.js';
import { decryptJwe } from '../jwe/decrypt.js';
import { looksLikeJwe, parseJwe } from '../jwe/parse.js';
import type { ParsedJwe } from '../jwe/types.js';
import { DIDCOMM_SIGN_ALGS } from '../jws/algorithms.js';
import { looksLikeJws, parseJws } from '../jws/parse.js';
import { verifySignature } from '../jws/verify.js';
import { verifyFromPrior } from '../message/from-prior.js';
import type { Message } from '../message/types.js';
import { validateMessage } from '../message/validate.js';
import { secretToPrivateKey } from '../secrets/keys.js';
import type { SecretsResolver } from '../secrets/types.js';
import { constantTimeEqual } from '../util/bytes.js';
import { fromUtf8, utf8 } from '../util/base64url.js';
import { isObject, parseJson } from '../util/json.js';
import { methodKey, resolveDocument, resolverOrDefault } from './context.js';
import { checkCompat, type Compat } from './compat.js';
import { parseForward } from './forward.js';
import { emptyMetadata, type UnpackMetadata } from './metadata.js';

/** Limits and checks unpack applies to untrusted input; the defaults suit messages from strangers. */
export interface UnpackPolicy {
  /** Largest packed message accepted, in bytes of its JSON (default 16 MiB). */
  maxBytes?: number;
  /** Most recipients one JWE may list (default 100). */
  maxRecipients?: number;
  /** Most envelopes around the plaintext, forwards included (default 8). */
  maxLayers?: number;
  /** Reject messages whose expires_time has passed (default true). */
  checkExpiry?: boolean;
  /** The current time in epoch seconds, for expiry checks (default: the clock). */
  now?: () => number;
  /** Unwrap a forward whose next is one of our keys or DIDs (default true). */
  unwrapReWrappingForward?: boolean;
  /** Require `body` as DIDComm v2.0 and didcomm-rust do (default false: v2.1). */
  requireBody?: boolean;
  /** Fail unless every one of our keys listed as recipient decrypts it (default false). */
  expectDecryptByAllKeys?: boolean;
  /** Compatibility: accept a JWE without apv (Veramo omits it). Default false. */
  allowMissingApv?: boolean;
  /**
   * Read a named dialect the spec does not allow (default: strict). `'veramo'`: JWEs without
   * apv, ECDH-1PU draft 3 (skid without apu, no tag in the KDF, A256GCM or XC20P allowed).
   * metadata.compat says when a message needed it. See docs/compat.md.
   */
  compat?: Compat;
  /** Restrict the accepted algorithms further than DIDComm does. */
  encAlgsAnon?: readonly ContentEncAlg[];
  encAlgsAuth?: readonly ContentEncAlg[];
  signAlgs?: readonly SignAlg[];
}

/** Options of unpack: the resolver and secrets, and the policy. Plaintext and signed messages need no secrets. */
export interface UnpackOptions extends UnpackPolicy {
  resolver?: DIDResolver;
  secrets?: SecretsResolver;
}

type Layer = 'anon' | 'auth' | 'signed';

/**
 * Unpack any DIDComm v2 envelope: anoncrypt* (re-wrapping forwards), authcrypt?, signed?,
 * plaintext. Enforces the spec's layer consistency, key authorization, expiry and limits.
 * Throws only DIDCommError on bad input.
 */
export async function unpack(packed: string | Record<string, unknown>, o: UnpackOptions = {}): Promise<{ message: Message; metadata: UnpackMetadata }> {
  const resolver = resolverOrDefault(o.resolver);
  const compat = checkCompat(o.compat, 'unpack');
  const maxBytes = o.maxBytes ?? 16 * 1024 * 1024;
  let value: unknown;
  // The JSON text `value` was parsed from, when there is one: metadata.signedMessage is the JWS
  // as received, so it is that text, not the parsed value serialized again.
  let text: string | undefined;
  // A forward is validated when it is checked for re-wrapping; when it turns out to be the
  // message itself (a mediator unpacking it), the final validation does not run again.
  let validated: Message | undefined;
  const validate = (v: unknown): Message => (v !== undefined && v === validated ? validated : (validated = validateMessage(v, { requireBody: o.requireBody })));
  if (typeof packed === 'string') {
    // A UTF-16 unit is at least one UTF-8 byte and at most three, so count bytes only when it matters.
    if (packed.length > maxBytes || (packed.length * 3 > maxBytes && utf8(packed).length > maxBytes)) {
      throw new DIDCommError(ErrorCodes.LIMIT_EXCEEDED, `message is larger than ${maxBytes} bytes`);
    }
    value = parseJson(packed, 'message');
    text = packed;
  } else if (isObject(packed)) {
    value = packed;
  } else {
    throw malformed('message is neither a JSON string nor an object');
  }

  const metadata = emptyMetadata();
  const layers: Layer[] = [];
  let decryptedWith: string | undefined;
  let signerDid: string | undefined;
  let senderDid: string | undefined;
  const maxLayers = o.maxLayers ?? 8;

  for (let depth = 0; ; depth++) {
    if (depth > maxLayers) throw new DIDCommError(ErrorCodes.LIMIT_EXCEEDED, `message has more than ${maxLayers} layers`);
    if (looksLikeJwe(value)) {
      const jwe = parseJwe(value, { maxRecipients: o.maxRecipients ?? 100, onePuDraft3: compat === 'veramo', xc20pKeyWrap: compat === 'veramo' });
      const mode = keyAgreementOf(jwe.alg).mode;
      const layer: Layer = mode === 'ES' ? 'anon' : 'auth';
      if (layers.includes('signed') || layers.includes('auth') || (layer === 'anon' && layers.includes('anon'))) {
        throw malformed(`${layer}crypt inside ${layers.at(-1)} is not an allowed combination`);
      }
      checkAlgs(jwe, layer, o);
      await checkApv(jwe, { allowMissingApv: o.allowMissingApv || compat === 'veramo' });
      if (jwe.draft3 || keyAgreementOf(jwe.alg).xc20pkw || (!jwe.apv && compat)) metadata.compat = compat;
      const { plaintext, kid, senderKid } = await decryptLayer(jwe, layer, resolver, o);
      metadata.encrypted = true;
      metadata.encryptedToKids = jwe.recipients.map((r) => r.kid);
      decryptedWith = kid;
      if (layer === 'auth') {
        metadata.authenticated = true;
        metadata.encryptedFromKid = senderKid;
        metadata.encAlgAuth = `${jwe.alg}/${jwe.enc}`;
        senderDid = parseDidUrl(senderKid!).did;
      } else {
        metadata.encAlgAnon = `${jwe.alg}/${jwe.enc}`;
      }
      layers.push(layer);
      text = fromUtf8(plaintext);
      value = parseJson(text, 'decrypted payload');
      if (layer === 'anon' && o.unwrapReWrappingForward !== false) {
        const inner = await reWrappedForwardPayload(value, o, validate);
        if (inner !== undefined) {
          metadata.reWrappedInForward = true;
          value = inner;
          text = undefined;
          layers.length = 0;
        }
      }
      continue;
    }
    if (looksLikeJws(value)) {
      if (layers.includes('signed')) throw malformed('a signature inside a signature is not an allowed combination');
      const jws = parseJws(value, o.signAlgs ?? DIDCOMM_SIGN_ALGS);
      if (jws.signatures.length !== 1) throw malformed('a DIDComm JWS carries exactly one signature');
      const sig = jws.signatures[0];
      if (!sig.kid) throw malformed('JWS signature has no kid');
      const signerKid = sig.kid;
      const did = parseDidUrl(signerKid).did;
      const doc = await resolveDocument(resolver, did);
      const vm = findVerificationMethod(doc, signerKid);
      if (!vm) throw new DIDCommError(ErrorCodes.DID_URL_NOT_FOUND, `signing key ${signerKid} is not in its DID document`);
      if (!isAuthorized(doc, 'authentication', signerKid)) throw new DIDCommError(ErrorCodes.KEY_NOT_AUTHORIZED, `signing key ${signerKid} is not listed under authentication`);
      await verifySignature(jws, sig, await methodKey(vm));
      metadata.authenticated = true;
      metadata.nonRepudiation = true;
      metadata.signFrom = signerKid;
      metadata.signAlg = sig.alg;
      metadata.signedMessage = text ?? JSON.stringify(value);
      signerDid = did;
      layers.push('signed');
      text = fromUtf8(jws.payload);
      value = parseJson(text, 'signed payload');
      continue;
    }
    break;
  }

  const message = validate(value);
  metadata.anonymousSender = metadata.encrypted && !metadata.authenticated;
  if (decryptedWith) metadata.decryptedWithKid = decryptedWith;
  checkConsistency(message, { senderDid, signerDid, decryptedWith });
  if (o.checkExpiry !== false && message.expires_time !== undefined) {
    const now = o.now ? o.now() : Math.floor(Date.now() / 1000);
    if (message.expires_time < now) throw new DIDCommError(ErrorCodes.EXPIRED, `message ${message.id} expired at ${message.expires_time}`);
  }
  if (message.from_prior !== undefined) {
    const { claims, issuerKid } = await verifyFromPrior(message.from_prior, resolver);
    if (message.from !== undefined && claims.sub !== undefined && claims.sub !== parseDidUrl(message.from).did) {
      throw new DIDCommError(ErrorCodes.FROM_PRIOR_INVALID, 'from_prior: sub is not the message\'s from');
    }
    metadata.fromPriorIssuerKid = issuerKid;
    metadata.fromPrior = claims;
  }
  return { message, metadata };
}

function checkAlgs(jwe: ParsedJwe, layer: Layer, o: UnpackPolicy) {
  // Draft 3 authcrypt (a compat dialect) comes with the anoncrypt encryptions: it needs no MAC tag.
  const [alg, encs] = layer === 'anon' ? [DIDCOMM_ANON_ALG, o.encAlgsAnon ?? DIDCOMM_ANON_ENC] : [DIDCOMM_AUTH_ALG, o.encAlgsAuth ?? (jwe.draft3 ? DIDCOMM_ANON_ENC : DIDCOMM_AUTH_ENC)];
  // XC20PKW reaches here only under a compat policy (parseJwe refuses it otherwise).
  const wrapOk = jwe.alg === alg || (keyAgreementOf(jwe.alg).xc20pkw && keyAgreementOf(jwe.alg).mode === keyAgreementOf(alg).mode);
  if (!wrapOk) throw new DIDCommError(ErrorCodes.UNSUPPORTED, `JWE alg ${jwe.alg} is not allowed in DIDComm`);
  if (!encs.includes(jwe.enc)) throw new DIDCommError(ErrorCodes.UNSUPPORTED, `JWE enc ${jwe.enc} is not allowed for ${layer}crypt`);
}

async function checkApv(jwe: ParsedJwe, o: UnpackPolicy) {
  if (!jwe.apv) {
    if (o.allowMissingApv) return;
    throw malformed('JWE has no apv');
  }
  const expected = await didcommApv(jwe.recipients.map((r) => r.kid));
  if (!constantTimeEqual(expected, jwe.apv)) throw malformed('JWE apv does not match its recipients');
}

async function decryptLayer(jwe: ParsedJwe, layer: Layer, resolver: DIDResolver, o: UnpackOptions): Promise<{ plaintext: Uint8Array; kid: string; senderKid?: string }> {
  if (!o.secrets) throw new DIDCommError(ErrorCodes.SECRET_NOT_FOUND, 'an encrypted message needs secrets to unpack');
  const kids = jwe.recipients.map((r) => r.kid);
  // A message for several DIDs MUST be encrypted separately for each (spec "Message
  // Encryption"); didcomm-rust rejects recipient kids of more than one DID as well.
  const recipientDids = new Set(kids.map((kid) => parseDidUrl(kid).did));
  if (recipientDids.size !== 1) throw malformed('JWE recipient keys belong to more than one DID');
  const ours = await o.secrets.findSecrets(kids);
  if (ours.length === 0) throw new DIDCommError(ErrorCodes.SECRET_NOT_FOUND, 'none of the recipient keys is ours');

  let senderKey;
  if (layer === 'auth') {
    const skid = jwe.skid!;
    const { did } = parseDidUrl(skid);
    const doc = await resolveDocument(resolver, did);
    const vm = findVerificationMethod(doc, skid);
    if (!vm) throw new DIDCommError(ErrorCodes.DID_URL_NOT_FOUND, `sender key ${skid} is not in its DID document`);
    if (!isAuthorized(doc, 'keyAgreement', skid)) throw new DIDCommError(ErrorCodes.KEY_NOT_AUTHORIZED, `sender key ${skid} is not listed under keyAgreement`);
    senderKey = await methodKey(vm);
  }

  let result: { plaintext: Uint8Array; kid: string } | undefined;
  let lastError: unknown;
  for (const kid of ours) {
    const secret = await o.secrets.getSecret(kid);
    if (!secret) continue;
    try {
      const plaintext = await decryptJwe(jwe, { kid, key: await secretToPrivateKey(secret) }, senderKey);
      result ??= { plaintext, kid };
      if (!o.expectDecryptByAllKeys) break;
    } catch (e) {
      lastError = e;
      if (o.expectDecryptByAllKeys) break;
    }
  }
  if (!result || (o.expectDecryptByAllKeys && lastError)) {
    if (lastError instanceof DIDCommError && lastError.code === ErrorCodes.INVALID_KEY) throw lastError;
    throw new DIDCommError(ErrorCodes.DECRYPTION_FAILED, 'decryption failed', { cause: lastError });
  }
  return { ...result, senderKid: jwe.skid };
}

/** The message inside a forward addressed to one of our keys or DIDs, if `value` is one. */
async function reWrappedForwardPayload(value: unknown, o: UnpackOptions, validate: (v: unknown) => Message): Promise<unknown> {
  if (!isObject(value) || value.type !== 'https://didcomm.org/routing/2.0/forward') return undefined;
  const fwd = parseForward(validate(value));
  if (!fwd || fwd.forwarded.length !== 1) return undefined;
  const next = fwd.next;
  const inner = fwd.forwarded[0];
  if (!looksLikeJwe(inner) || !isObject(inner) || !Array.isArray(inner.recipients)) return undefined;
  const innerKids = (inner.recipients as Array<{ header?: { kid?: unknown } }>).map((r) => r?.header?.kid).filter((k): k is string => typeof k === 'string');
  const addressedToUs = innerKids.some((k) => k === next || k.startsWith(`${next}#`));
  if (!addressedToUs || (await o.secrets!.findSecrets(innerKids)).length === 0) return undefined;
  return inner;
}

/** Spec "Message Layer Addressing Consistency" (ERRATA 9-10). */
function checkConsistency(m: Message, c: { senderDid?: string; signerDid?: string; decryptedWith?: string }) {
  const fromDid = m.from !== undefined ? parseDidUrl(m.from).did : undefined;
  if (c.senderDid !== undefined && fromDid !== c.senderDid) {
    throw new DIDCommError(ErrorCodes.LAYER_MISMATCH, `authcrypt sender ${c.senderDid} is not the message's from (${m.from ?? 'absent'})`);
  }
  if (c.signerDid !== undefined && fromDid !== c.signerDid) {
    throw new DIDCommError(ErrorCodes.LAYER_MISMATCH, `signer ${c.signerDid} is not the message's from (${m.from ?? 'absent'})`);
  }
  if (c.senderDid !== undefined && c.signerDid !== undefined && c.senderDid !== c.signerDid) {
    throw new DIDCommError(ErrorCodes.LAYER_MISMATCH, 'the signer differs from the authcrypt sender');
  }
  if (c.decryptedWith !== undefined && m.to !== undefined) {
    const recipientDid = parseDidUrl(c.decryptedWith).did;
    if (!m.to.some((t) => parseDidUrl(t).did === recipientDid)) {
      throw new DIDCommError(ErrorCodes.LAYER_MISMATCH, `the message's to does not contain ${recipientDid}`);
    }
  }
}
