// The two encryption layers DIDComm uses, over a message or an already packed envelope.
import { DIDCommError, ErrorCodes } from '../errors.js';
import type { ContentEncAlg } from '../crypto/types.js';
import type { DIDResolver } from '../did/types.js';
import { parseDidUrl } from '../did/url.js';
import { DIDCOMM_ANON_ALG, DIDCOMM_AUTH_ALG } from '../jwe/algorithms.js';
import { didcommApv } from '../jwe/apv.js';
import { encryptJwe } from '../jwe/encrypt.js';
import type { GeneralJwe } from '../jwe/types.js';
import { ENCRYPTED_TYP } from '../message/types.js';
import { secretToPrivateKey } from '../secrets/keys.js';
import type { SecretsResolver } from '../secrets/types.js';
import { utf8 } from '../util/base64url.js';
import { keysFor, type ResolvedKey } from './context.js';

const payloadBytes = (p: unknown) => utf8(typeof p === 'string' ? p : JSON.stringify(p));

/** Keep the recipient keys of the first curve any of them uses (all keys of one type; spec "Key IDs"). */
function oneCurve(keys: ResolvedKey[]): ResolvedKey[] {
  if (keys.length === 0) return keys;
  const curve = keys[0].key.curve;
  return keys.filter((k) => k.key.curve === curve);
}

/** Anoncrypt `payload` to every keyAgreement key of `to` sharing one curve (or to one kid). */
export async function anoncrypt(payload: unknown, to: string, resolver: DIDResolver, enc: ContentEncAlg): Promise<{ jwe: GeneralJwe; toKids: string[] }> {
  const { keys } = await keysFor(resolver, to, 'keyAgreement');
  const recipients = oneCurve(keys);
  if (recipients.length === 0) throw new DIDCommError(ErrorCodes.NO_COMPATIBLE_CRYPTO, `no compatible crypto: ${to} has no key agreement key we support`);
  const kids = recipients.map((r) => r.kid);
  const jwe = await encryptJwe(payloadBytes(payload), { recipients, alg: DIDCOMM_ANON_ALG, enc, apv: await didcommApv(kids), typ: ENCRYPTED_TYP });
  return { jwe, toKids: kids };
}

/**
 * Authcrypt (ECDH-1PU) from the first keyAgreement key of `from` we hold a secret for that
 * shares a curve with a recipient key; then to every recipient key of that curve.
 */
export async function authcrypt(payload: unknown, to: string, from: string, resolver: DIDResolver, secrets: SecretsResolver, enc: ContentEncAlg, draft3 = false): Promise<{ jwe: GeneralJwe; toKids: string[]; fromKid: string }> {
  const [{ keys: recipientKeys }, { keys: senderKeys }] = await Promise.all([keysFor(resolver, to, 'keyAgreement'), keysFor(resolver, from, 'keyAgreement')]);
  const held = new Set(await secrets.findSecrets(senderKeys.map((k) => k.kid)));
  for (const sender of senderKeys) {
    if (!held.has(sender.kid)) continue;
    const recipients = recipientKeys.filter((r) => r.key.curve === sender.key.curve);
    if (recipients.length === 0) continue;
    const secret = await secrets.getSecret(sender.kid);
    if (!secret) continue;
    const key = await secretToPrivateKey(secret);
    const kids = recipients.map((r) => r.kid);
    const jwe = await encryptJwe(payloadBytes(payload), {
      recipients, alg: DIDCOMM_AUTH_ALG, enc, sender: { kid: sender.kid, key }, apv: await didcommApv(kids), typ: ENCRYPTED_TYP, draft3,
    });
    return { jwe, toKids: kids, fromKid: sender.kid };
  }
  if (held.size === 0) throw new DIDCommError(ErrorCodes.SECRET_NOT_FOUND, `no secret for any key agreement key of ${from}`);
  throw new DIDCommError(ErrorCodes.NO_COMPATIBLE_CRYPTO, `no compatible crypto: ${from} and ${parseDidUrl(to).did} share no key agreement curve`);
}
