import { DIDCommError, ErrorCodes } from '../errors.js';
import type { DIDResolver } from '../did/types.js';
import { parseDidUrl } from '../did/url.js';
import { signJws, algForKey } from '../jws/sign.js';
import type { GeneralJws } from '../jws/types.js';
import { validateMessage } from '../message/validate.js';
import { SIGNED_TYP, type Message } from '../message/types.js';
import { secretToPrivateKey } from '../secrets/keys.js';
import type { SecretsResolver } from '../secrets/types.js';
import { utf8 } from '../util/base64url.js';
import { keysFor, resolverOrDefault } from './context.js';
import { withTyp } from './plaintext.js';
import type { SignAlg } from '../crypto/types.js';

/** Options of packSigned. */
export interface PackSignedOptions {
  /** The signer: a DID (its first authentication key we hold) or a key id. */
  signBy: string;
  resolver?: DIDResolver;
  secrets: SecretsResolver;
}

/** What packSigned did: the signing key id and algorithm. */
export interface PackSignedMetadata {
  signByKid: string;
  signAlg: SignAlg;
}

/** Sign a message as a JWS (general JSON). The signer's DID must be the message's `from`. */
export async function packSigned(message: Message, o: PackSignedOptions): Promise<{ packed: string; metadata: PackSignedMetadata }> {
  const { jws, metadata } = await signMessage(message, o);
  return { packed: JSON.stringify(jws), metadata };
}

export async function signMessage(message: Message, o: PackSignedOptions): Promise<{ jws: GeneralJws; metadata: PackSignedMetadata }> {
  if (typeof o?.signBy !== 'string') throw new TypeError('packSigned needs options.signBy');
  if (!o.secrets) throw new TypeError('packSigned needs options.secrets');
  const m = withTyp(validateMessage(message));
  const signerDid = parseDidUrl(o.signBy).did;
  // unpack requires from == signer DID (spec "Message Layer Addressing Consistency"), so a
  // signed message without from could never be received.
  if (m.from === undefined || parseDidUrl(m.from).did !== signerDid) {
    throw new DIDCommError(ErrorCodes.LAYER_MISMATCH, `the signer ${signerDid} is not the message's from (${m.from ?? 'absent'})`);
  }
  const { keys } = await keysFor(resolverOrDefault(o.resolver), o.signBy, 'authentication');
  const held = await o.secrets.findSecrets(keys.map((k) => k.kid));
  const kid = held[0];
  if (!kid) throw new DIDCommError(ErrorCodes.SECRET_NOT_FOUND, `no secret for any authentication key of ${o.signBy}`);
  const secret = await o.secrets.getSecret(kid);
  if (!secret) throw new DIDCommError(ErrorCodes.SECRET_NOT_FOUND, `no secret for ${kid}`);
  const key = await secretToPrivateKey(secret);
  const jws = await signJws(utf8(JSON.stringify(m)), { kid, key }, SIGNED_TYP);
  return { jws, metadata: { signByKid: kid, signAlg: algForKey(key) } };
}
