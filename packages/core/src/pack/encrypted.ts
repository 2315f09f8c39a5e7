import { DIDCommError, ErrorCodes } from '../errors.js';
import type { ContentEncAlg, SignAlg } from '../crypto/types.js';
import type { DIDResolver } from '../did/types.js';
import { parseDidUrl } from '../did/url.js';
import { DIDCOMM_ANON_ALG, DIDCOMM_ANON_ENC, DIDCOMM_AUTH_ALG, DIDCOMM_AUTH_ENC } from '../jwe/algorithms.js';
import { validateMessage } from '../message/validate.js';
import type { Message } from '../message/types.js';
import type { SecretsResolver } from '../secrets/types.js';
import { checkCompat, type Compat } from './compat.js';
import { resolverOrDefault } from './context.js';
import { anoncrypt, authcrypt } from './encrypt-layers.js';
import { findMessagingServices, wrapInForward, type MessagingService } from './forward.js';
import { withTyp } from './plaintext.js';
import { signMessage } from './signed.js';

/** Options of packEncrypted: the recipient, and for authcrypt the sender and its secrets. */
export interface PackEncryptedOptions {
  /** Recipient: a DID (all its keyAgreement keys of one curve) or one key id. */
  to: string;
  /** Sender for authcrypt: a DID or key id. Omit for anoncrypt. */
  from?: string;
  /** Sign before encrypting (non-repudiation): a DID or key id. */
  signBy?: string;
  /** Wrap authcrypt in anoncrypt so mediators cannot see the sender (skid). */
  protectSender?: boolean;
  /** Anoncrypt content encryption: 'A256CBC-HS512' (default), 'A256GCM', 'XC20P' or 'ECDH-ES+A256KW/<enc>'. */
  encAlgAnon?: string;
  /** Authcrypt content encryption: only 'A256CBC-HS512' ('ECDH-1PU+A256KW/A256CBC-HS512'); under compat also 'A256GCM', 'XC20P'. */
  encAlgAuth?: string;
  /**
   * Write for a peer that speaks a named dialect (default: strict). `'veramo'`: authcrypt as
   * ECDH-1PU draft 3 (skid without apu, no tag in the KDF), which Veramo decrypts and
   * didcomm-rust does not; anoncrypt, signatures and forwards are unchanged (Veramo reads them).
   * See docs/compat.md.
   */
  compat?: Compat;
  /** Wrap in forwards for the recipient's routing keys (default true); or pick a service. */
  forward?: boolean | { serviceId?: string; headers?: Record<string, unknown> };
  resolver?: DIDResolver;
  secrets?: SecretsResolver;
}

/** What packEncrypted did: the key ids and algorithms used, and where to send the result. */
export interface PackEncryptedMetadata {
  toKids: string[];
  fromKid?: string;
  signByKid?: string;
  signAlg?: SignAlg;
  encAlgAnon?: string;
  encAlgAuth?: string;
  /** Where to send the result; absent when the recipient has no DIDCommMessaging service. */
  messagingService?: MessagingService;
  /** True when the result is a forward for the first routing key. */
  forwarded: boolean;
}

function pickEnc(value: string | undefined, alg: string, allowed: readonly ContentEncAlg[], what: string): ContentEncAlg {
  const enc = (value ?? 'A256CBC-HS512').replace(`${alg}/`, '');
  if (!(allowed as readonly string[]).includes(enc)) throw new DIDCommError(ErrorCodes.UNSUPPORTED, `${what} ${value} is not supported (use one of ${allowed.join(', ')})`);
  return enc as ContentEncAlg;
}

/**
 * Encrypt a message: authcrypt when `from` is given, else anoncrypt; optionally signed
 * first, optionally with the sender protected, then wrapped for the recipient's mediators.
 */
export async function packEncrypted(message: Message, o: PackEncryptedOptions): Promise<{ packed: string; metadata: PackEncryptedMetadata }> {
  if (typeof o?.to !== 'string') throw new TypeError('packEncrypted needs options.to');
  const resolver = resolverOrDefault(o.resolver);
  const m = withTyp(validateMessage(message));
  const toDid = parseDidUrl(o.to).did;
  if (m.to !== undefined && !m.to.some((t) => parseDidUrl(t).did === toDid)) {
    throw new DIDCommError(ErrorCodes.LAYER_MISMATCH, `the message's to does not contain ${toDid}`);
  }
  if (o.from !== undefined) {
    if (!o.secrets) throw new TypeError('authcrypt needs options.secrets');
    if (m.from === undefined || parseDidUrl(m.from).did !== parseDidUrl(o.from).did) {
      throw new DIDCommError(ErrorCodes.LAYER_MISMATCH, `authcrypt sender ${o.from} is not the message's from (${m.from ?? 'absent'})`);
    }
  }
  if (o.protectSender && o.from === undefined) throw new TypeError('protectSender needs options.from (it wraps authcrypt in anoncrypt)');
  const encAnon = pickEnc(o.encAlgAnon, DIDCOMM_ANON_ALG, DIDCOMM_ANON_ENC, 'encAlgAnon');
  const compat = checkCompat(o.compat, 'packEncrypted');
  const encAuth = pickEnc(o.encAlgAuth, DIDCOMM_AUTH_ALG, compat === 'veramo' ? DIDCOMM_ANON_ENC : DIDCOMM_AUTH_ENC, 'encAlgAuth');

  const metadata: PackEncryptedMetadata = { toKids: [], forwarded: false };
  let payload: unknown = m;
  if (o.signBy !== undefined) {
    if (!o.secrets) throw new TypeError('signBy needs options.secrets');
    const signed = await signMessage(m, { signBy: o.signBy, resolver, secrets: o.secrets });
    payload = signed.jws;
    metadata.signByKid = signed.metadata.signByKid;
    metadata.signAlg = signed.metadata.signAlg;
  }
  let envelope: unknown;
  if (o.from !== undefined) {
    const auth = await authcrypt(payload, o.to, o.from, resolver, o.secrets!, encAuth, compat === 'veramo');
    metadata.fromKid = auth.fromKid;
    metadata.toKids = auth.toKids;
    metadata.encAlgAuth = `${DIDCOMM_AUTH_ALG}/${encAuth}`;
    envelope = auth.jwe;
    if (o.protectSender) {
      envelope = (await anoncrypt(auth.jwe, o.to, resolver, encAnon)).jwe;
      metadata.encAlgAnon = `${DIDCOMM_ANON_ALG}/${encAnon}`;
    }
  } else {
    const anon = await anoncrypt(payload, o.to, resolver, encAnon);
    metadata.toKids = anon.toKids;
    metadata.encAlgAnon = `${DIDCOMM_ANON_ALG}/${encAnon}`;
    envelope = anon.jwe;
  }

  if (o.forward !== false) {
    const choice = typeof o.forward === 'object' ? o.forward : {};
    const services = await findMessagingServices(resolver, toDid, choice.serviceId);
    if (choice.serviceId !== undefined && services.length === 0) throw new DIDCommError(ErrorCodes.ROUTING, `${toDid} has no usable service ${choice.serviceId}`);
    const service = services[0];
    if (service) {
      metadata.messagingService = service;
      if (service.routingKeys.length > 0) {
        const headers = { ...(m.expires_time !== undefined ? { expires_time: m.expires_time } : {}), ...choice.headers };
        envelope = await wrapInForward(envelope as Record<string, unknown>, o.to, service.routingKeys, { resolver, encAlgAnon: encAnon, headers });
        metadata.forwarded = true;
      }
    }
  }
  return { packed: JSON.stringify(envelope), metadata };
}
