// The backend is chosen by the package's `imports` conditions: node:crypto in Node,
// WebCrypto under the `browser` condition. Nothing outside src/crypto touches primitives.
export { backend } from '#crypto-backend';
export * from './types.js';
export { toUncompressedPoint, compressPoint, ed25519PublicToX25519, ed25519SecretToX25519 } from './curves.js';
