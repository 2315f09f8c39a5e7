import { backend } from '../crypto/index.js';
import { concat, lengthPrefixed, uint32be } from '../util/bytes.js';
import { utf8 } from '../util/base64url.js';

/**
 * Concat KDF (NIST SP 800-56A, RFC 7518 §4.6.2) for key wrapping: AlgorithmID = alg,
 * PartyUInfo = apu, PartyVInfo = apv (decoded bytes), SuppPubInfo = keydatalen in bits,
 * followed for ECDH-1PU by the length-prefixed content tag (draft-madden-jose-ecdh-1pu-04 §2.3).
 * One SHA-256 round is enough for KEKs up to 256 bits.
 */
export async function concatKdf(z: Uint8Array, alg: string, apu: Uint8Array, apv: Uint8Array, kekBytes: number, ccTag?: Uint8Array): Promise<Uint8Array> {
  const suppPub = ccTag ? concat(uint32be(kekBytes * 8), lengthPrefixed(ccTag)) : uint32be(kekBytes * 8);
  const input = concat(uint32be(1), z, lengthPrefixed(utf8(alg)), lengthPrefixed(apu), lengthPrefixed(apv), suppPub);
  const digest = await backend.sha256(input);
  return digest.subarray(0, kekBytes);
}
