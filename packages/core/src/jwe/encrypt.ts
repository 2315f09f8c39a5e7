import { backend } from '../crypto/index.js';
import { CONTENT_ENC, type ContentEncAlg, type PrivateKey, type PublicKey } from '../crypto/types.js';
import { publicKeyToJwk } from '../keys/jwk.js';
import { encode, utf8 } from '../util/base64url.js';
import { concat } from '../util/bytes.js';
import { KEY_AGREEMENT, type KeyAgreementAlg } from './algorithms.js';
import { concatKdf } from './kdf.js';
import type { GeneralJwe, JweProtectedHeader } from './types.js';
import { staticAgreement } from './static-agreement.js';

export interface JweEncryptOptions {
  recipients: ReadonlyArray<{ kid: string; key: PublicKey }>;
  alg: KeyAgreementAlg;
  enc: ContentEncAlg;
  /** The sender's static key, for ECDH-1PU. */
  sender?: { kid: string; key: PrivateKey };
  /** PartyVInfo; DIDComm passes didcommApv(kids). */
  apv?: Uint8Array;
  typ?: string;
  /**
   * ECDH-1PU as its draft 3, for peers that implement only that (Veramo): skid without apu,
   * and the content tag left out of the KDF. Draft 4 readers cannot decrypt it.
   */
  draft3?: boolean;
}

/**
 * ECDH-ES / ECDH-1PU + AES-KW JWE to many recipients sharing one curve. For 1PU the content is
 * encrypted first, because its tag goes into every recipient's KDF (draft-04 §2.3).
 */
export async function encryptJwe(plaintext: Uint8Array, o: JweEncryptOptions): Promise<GeneralJwe> {
  const ka = KEY_AGREEMENT[o.alg];
  if (!ka) throw new TypeError(`unknown alg ${o.alg}`);
  if (o.recipients.length === 0) throw new TypeError('encryptJwe needs at least one recipient');
  const curve = o.recipients[0].key.curve;
  if (o.recipients.some((r) => r.key.curve !== curve)) throw new TypeError('all JWE recipients must share one curve');
  if (ka.mode === '1PU' && (!o.sender || o.sender.key.curve !== curve)) throw new TypeError('ECDH-1PU needs a sender key on the recipients\' curve');

  const ephemeral = await backend.generateKeyPair(curve, { ephemeral: true });
  const draft3 = ka.mode === '1PU' && o.draft3 === true;
  const apu = ka.mode === '1PU' && !draft3 ? utf8(o.sender!.kid) : undefined;
  const header: JweProtectedHeader = {
    typ: o.typ,
    alg: o.alg,
    enc: o.enc,
    ...(ka.mode === '1PU' ? { skid: o.sender!.kid } : {}),
    ...(apu ? { apu: encode(apu) } : {}),
    ...(o.apv ? { apv: encode(o.apv) } : {}),
    epk: publicKeyToJwk(ephemeral.publicKey),
  };
  if (header.typ === undefined) delete header.typ;
  const protectedB64 = encode(utf8(JSON.stringify(header)));
  const p = CONTENT_ENC[o.enc];
  const cek = backend.randomBytes(p.keyLength);
  const iv = backend.randomBytes(p.ivLength);
  const { ciphertext, tag } = await backend.encrypt(o.enc, cek, iv, plaintext, utf8(protectedB64));

  const apv = o.apv ?? new Uint8Array(0);
  const recipients = await Promise.all(
    o.recipients.map(async (r) => {
      const ze = await backend.ecdh(ephemeral, r.key);
      const z = ka.mode === '1PU' ? concat(ze, await staticAgreement(o.sender!.key, r.key)) : ze;
      const kek = await concatKdf(z, o.alg, apu ?? new Uint8Array(0), apv, ka.kekBytes, ka.mode === '1PU' && !draft3 ? tag : undefined);
      return { header: { kid: r.kid }, encrypted_key: encode(await backend.aesKeyWrap(kek, cek)) };
    }),
  );
  return { protected: protectedB64, recipients, iv: encode(iv), ciphertext: encode(ciphertext), tag: encode(tag) };
}
