import { backend } from '../crypto/index.js';
import { utf8 } from '../util/base64url.js';

// AlgorithmID as it enters the KDF, per alg: the same few strings on every message.
const algIds = new Map<string, Uint8Array>();

/**
 * Concat KDF (NIST SP 800-56A, RFC 7518 §4.6.2) for key wrapping: AlgorithmID = alg,
 * PartyUInfo = apu, PartyVInfo = apv (decoded bytes), SuppPubInfo = keydatalen in bits,
 * followed for ECDH-1PU by the length-prefixed content tag (draft-madden-jose-ecdh-1pu-04 §2.3).
 * One SHA-256 round is enough for KEKs up to 256 bits. The input is written into one buffer:
 * this runs for every recipient of every message, and a concat per field showed in profiles.
 */
export async function concatKdf(z: Uint8Array, alg: string, apu: Uint8Array, apv: Uint8Array, kekBytes: number, ccTag?: Uint8Array): Promise<Uint8Array> {
  let algId = algIds.get(alg);
  if (!algId) algIds.set(alg, (algId = utf8(alg)));
  const input = new Uint8Array(4 + z.length + 4 + algId.length + 4 + apu.length + 4 + apv.length + 4 + (ccTag ? 4 + ccTag.length : 0));
  let o = 0;
  const u32 = (n: number) => {
    input[o] = n >>> 24;
    input[o + 1] = (n >>> 16) & 255;
    input[o + 2] = (n >>> 8) & 255;
    input[o + 3] = n & 255;
    o += 4;
  };
  const bytes = (b: Uint8Array) => {
    input.set(b, o);
    o += b.length;
  };
  u32(1);
  bytes(z);
  for (const field of [algId, apu, apv]) {
    u32(field.length);
    bytes(field);
  }
  u32(kekBytes * 8);
  if (ccTag) {
    u32(ccTag.length);
    bytes(ccTag);
  }
  const digest = await backend.sha256(input);
  return digest.subarray(0, kekBytes);
}
