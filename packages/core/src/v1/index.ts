// DIDComm v1 (Aries RFC 0019 envelopes, RFC 0020 messages): what Credo and ACA-Py wallets speak.
export * from './types.js';
export { packV1, type PackV1Options } from './pack.js';
export { unpackV1, parseV1Envelope, isV1Envelope, type UnpackV1Options, type UnpackV1Result, type V1KeyResolver } from './unpack.js';
export { v1KeyFromSeed, generateV1Key, verkeyToPublicKey, normalizeVerkey, verkeyToDidKey, signWithV1Key, verifyWithVerkey, toBase58, type V1Key } from './keys.js';
export { signAttachmentData, verifyAttachmentData, type SignedAttachmentData } from './attachment.js';
export {
  DID_SOV_PREFIX,
  DIDCOMM_ORG_PREFIX,
  V1_FORWARD_TYPE,
  normalizeV1Type,
  parseV1Message,
  threadIdOf,
  parentThreadIdOf,
  returnRouteOf,
  createV1Message,
  parseV1Forward,
  wrapV1Forward,
} from './message.js';
