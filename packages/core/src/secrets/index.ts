// Public API of the secrets layer (browser-safe; the file store is in `@didcomm-ts/core/node`).
export type { Secret, SecretsResolver } from './types.js';
export { InMemorySecrets } from './memory.js';
export {
  generateKeyPair,
  keyPairFromJwk,
  keyPairFromMultikey,
  keyPairFromSecret,
  secretFromKeyPair,
  convertSecret,
  jwkToMultikey,
  multikeyToJwk,
  CURVES,
  type KeyPair,
} from './keys-io.js';
